"""The `df.camb` / `series.camb` pandas accessors, registered when this module is imported.

Kept apart from `frames` so registering them is cheap: the engine (jobs, httpx) loads only when an accessor
method is called. Importing `camb_notebook.frames` (or `%load_ext camb_notebook`) imports this module.
Usage: `df.camb.translate("text", to=["fr-fr", "de-de"])` returns a BatchJob at once.
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
        self, column: Hashable, to: str | Sequence[str], source: str = "en-us", **options: Any
    ) -> Any:
        """Translate one column; same arguments as `camb_notebook.translate_frame`, returns a BatchJob."""
        from camb_notebook.frames._translate import translate_frame

        return translate_frame(self._frame, column, to, source, **options)


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
