"""DataFrames in and out: `df.camb` / `series.camb` batch translation, and results as frames.

Importing this package registers the accessors and costs only pandas; the translation modules (and with them
the engine and httpx) load on first use of `translate_frame` / `assemble_*` or an accessor method.
Usage: `df.camb.translate("text", to=["fr-fr", "de-de"])`; `transcript_frame(job.result())`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from camb_notebook.frames._accessors import (
    CambDaskAccessor,
    CambFrameAccessor,
    CambSeriesAccessor,
    register_dask_accessor,
)
from camb_notebook.frames._results import dubbing_frame, transcript_frame

if TYPE_CHECKING:
    from camb_notebook.frames._assemble import assemble_long, assemble_wide
    from camb_notebook.frames._dask import translate_dask
    from camb_notebook.frames._quality import qa_frame, qa_summary
    from camb_notebook.frames._speech import dub_frame, transcribe_frame, tts_frame
    from camb_notebook.frames._speech_grid import audio_grid
    from camb_notebook.frames._translate import translate_frame

__all__ = [
    "CambDaskAccessor",
    "CambFrameAccessor",
    "CambSeriesAccessor",
    "assemble_long",
    "assemble_wide",
    "audio_grid",
    "dub_frame",
    "dubbing_frame",
    "qa_frame",
    "qa_summary",
    "register_dask_accessor",
    "transcribe_frame",
    "transcript_frame",
    "translate_dask",
    "translate_frame",
    "tts_frame",
]

# name -> module, imported on first access (they pull in the engine, which registering df.camb must not)
_LAZY = {
    "assemble_long": "camb_notebook.frames._assemble",
    "assemble_wide": "camb_notebook.frames._assemble",
    "translate_frame": "camb_notebook.frames._translate",
    "translate_dask": "camb_notebook.frames._dask",
    "audio_grid": "camb_notebook.frames._speech_grid",
    "dub_frame": "camb_notebook.frames._speech",
    "transcribe_frame": "camb_notebook.frames._speech",
    "tts_frame": "camb_notebook.frames._speech",
    "qa_frame": "camb_notebook.frames._quality",
    "qa_summary": "camb_notebook.frames._quality",
}


def __getattr__(name: str) -> Any:
    """Import a translation name from its module on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module 'camb_notebook.frames' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)
