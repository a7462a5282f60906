"""The `df.camb` / `series.camb` pandas accessors, registered when this module is imported.

Kept apart from `frames` so registering them is cheap: the engine (jobs, httpx) loads only when an accessor
method is called. Importing `camb_notebook.frames` (or `%load_ext camb_notebook`) imports this module.
Usage: `df.camb.translate("text", to=["fr-fr", "de-de"])` returns a BatchJob at once; `df.camb.tts("text",
voice=20298)` a SpeechBatch.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Hashable, Sequence
from typing import Any

import pandas as pd

__all__ = ["CambDaskAccessor", "CambFrameAccessor", "CambSeriesAccessor", "register_dask_accessor"]


class CambFrameAccessor:
    """`df.camb`: CAMB.AI operations on a DataFrame."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def translate(
        self,
        column: Hashable | None = None,
        to: str | Sequence[str] | None = None,
        source: str = "en-us",
        **options: Any,
    ) -> Any:
        """Translate one column (as `translate_frame`); without a column, a cue frame keeping its timing.

        `cues.camb.translate(to=["es-es"])` on a frame with start/end/text columns returns a BatchJob whose
        result is `{target: cue frame}` (see `frames._cues.translate_cue_frame`).
        """
        if to is None:
            from camb_notebook.api import UsageError

            raise UsageError("translate() needs to=", hint='Pass to=["fr-fr"]')
        if column is None:
            from camb_notebook.frames._cues import translate_cue_frame

            return translate_cue_frame(self._frame, to, source, **options)
        from camb_notebook.frames._translate import translate_frame

        return translate_frame(self._frame, column, to, source, **options)

    def tts(self, column: Hashable, **options: Any) -> Any:
        """Speak one column to audio files; see `frames._speech.tts_frame`, returns a SpeechBatch."""
        from camb_notebook.frames._speech import tts_frame

        return tts_frame(self._frame, column, **options)

    def transcribe(self, column: Hashable, **options: Any) -> Any:
        """Transcribe a column of media paths/URLs; see `frames._speech.transcribe_frame`."""
        from camb_notebook.frames._speech import transcribe_frame

        return transcribe_frame(self._frame, column, **options)

    def dub(self, column: Hashable, **options: Any) -> Any:
        """Dub a column of media URLs; see `frames._speech.dub_frame`, returns a SpeechBatch."""
        from camb_notebook.frames._speech import dub_frame

        return dub_frame(self._frame, column, **options)

    def players(self, n: int = 12, **options: Any) -> Any:
        """Audio players for the first `n` rows of a `tts` result frame."""
        from camb_notebook.frames._speech_grid import audio_grid

        return audio_grid(self._frame, n, **options)

    def qa(self, source: Hashable, target: Hashable, lang: str, **options: Any) -> pd.DataFrame:
        """QA of `target` as a translation of `source` (from anywhere): adds `qa_status` and `qa_issues`."""
        from camb_notebook.frames._quality import qa_frame

        return qa_frame(self._frame, source, target, lang, **options)

    def qa_summary(self) -> pd.DataFrame:
        """Rows per target and QA check of a translated (or `qa`-checked) frame, errors first."""
        from camb_notebook.frames._quality import qa_summary

        return qa_summary(self._frame)


class CambSeriesAccessor:
    """`series.camb`: CAMB.AI operations on a Series (named `text` when it has no name)."""

    def __init__(self, series: pd.Series) -> None:
        self._series = series

    def translate(self, to: str | Sequence[str], source: str = "en-us", **options: Any) -> Any:
        """Translate the values; the result frame holds the series as a column plus the translations."""
        from camb_notebook.frames._translate import translate_frame

        name = self._series.name if self._series.name is not None else "text"
        return translate_frame(self._series.to_frame(name), name, to, source, **options)


class CambDaskAccessor:
    """`ddf.camb` on a Dask DataFrame: lazy translation by partition, under one cluster-wide limit."""

    def __init__(self, frame: Any) -> None:
        self._frame = frame

    def translate(
        self, column: Hashable, to: str | Sequence[str], source: str = "en-us", **options: Any
    ) -> Any:
        """A lazy Dask DataFrame with the translation columns; see `camb_notebook.frames._dask`."""
        from camb_notebook.frames._dask import translate_dask

        return translate_dask(self._frame, column, to, source, **options)


def register_dask_accessor() -> bool:
    """Register `camb` on Dask DataFrames if dask.dataframe is loaded (never imports it); True if done."""
    if "dask.dataframe" not in sys.modules:
        return False
    from dask.dataframe.extensions import register_dataframe_accessor

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "registration of accessor", UserWarning)
        register_dataframe_accessor("camb")(CambDaskAccessor)
    return True


def _register() -> None:
    """Register `camb` on DataFrame and Series (re-registering on module reload is expected, not a bug)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "registration of accessor", UserWarning)
        pd.api.extensions.register_dataframe_accessor("camb")(CambFrameAccessor)
        pd.api.extensions.register_series_accessor("camb")(CambSeriesAccessor)
    register_dask_accessor()


_register()
