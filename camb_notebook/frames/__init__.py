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
    from camb_notebook.frames._translate import translate_frame

__all__ = [
    "CambDaskAccessor",
    "CambFrameAccessor",
    "CambSeriesAccessor",
    "assemble_long",
    "assemble_wide",
    "dubbing_frame",
    "register_dask_accessor",
    "transcript_frame",
    "translate_dask",
    "translate_frame",
]

# name -> module, imported on first access (they pull in the engine, which registering df.camb must not)
_LAZY = {
    "assemble_long": "camb_notebook.frames._assemble",
    "assemble_wide": "camb_notebook.frames._assemble",
    "translate_frame": "camb_notebook.frames._translate",
    "translate_dask": "camb_notebook.frames._dask",
}


def __getattr__(name: str) -> Any:
    """Import a translation name from its module on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module 'camb_notebook.frames' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)
