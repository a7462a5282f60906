"""The `df.camb` / `series.camb` pandas accessors, registered when this module is imported.

Kept apart from `frames` so registering them is cheap: the engine (jobs, httpx) loads only when an accessor
method is called. Importing `camb_notebook.frames` (or `%load_ext camb_notebook`) imports this module.
Usage: `df.camb.translate("text", to=["fr-fr", "de-de"])` returns a BatchJob at once.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from typing import Any

import pandas as pd

__all__ = ["CambFrameAccessor", "CambSeriesAccessor"]


class CambFrameAccessor:
    """`df.camb`: CAMB.AI operations on a DataFrame."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def translate(
        self, column: Hashable, to: str | Sequence[str], source: str = "en-us", **options: Any
    ) -> Any:
        """Translate one column; same arguments as `camb_notebook.translate_frame`, returns a BatchJob."""
        from camb_notebook.frames._translate import translate_frame

        return translate_frame(self._frame, column, to, source, **options)

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


def _register() -> None:
    """Register `camb` on DataFrame and Series (re-registering on module reload is expected, not a bug)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "registration of accessor", UserWarning)
        pd.api.extensions.register_dataframe_accessor("camb")(CambFrameAccessor)
        pd.api.extensions.register_series_accessor("camb")(CambSeriesAccessor)


_register()
