"""Text columns of translated frames, built from distinct values by position (Arrow-backed like the source).

A column is a table of distinct values (a translation per distinct text, a handful of statuses) and a position
per row (-1: missing). New columns take the source column's string dtype; pandas 3 (and pandas 2.3 with
`future.infer_string`) infers the Arrow-backed `str` dtype for text, so that is the common case, and there the
column is built with one Arrow `take` from the table encoded in slices: no Python object per row, and no UTF-8
copy cached inside the batch's strs (pyarrow's own conversion of a `str` caches one there, and the batch's
outcome keeps those strs alive). An object source keeps object columns: while the engine holds every
translation as a Python `str`, object columns share those strs (8 bytes a row) where Arrow columns would copy
them (measured at 1M rows × 2 targets: peak growth 751 MiB with object output, 1,018 MiB with Arrow output).
On pandas 2.2 (no NaN-semantics Arrow strings) the Arrow path is never taken.
Usage: `column = spread_column(per_text, positions, df.index, text_dtype(df["text"]))`.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from camb_notebook.jobs import TextStore, release_free_memory

__all__ = ["ARROW_TEXT", "spread_column", "text_dtype"]

_SLICE = 65_536  # distinct values encoded per slice: bounds the transient bytes objects
_ROWS = 65_536  # rows taken per slice: Arrow's take grows its buffer by copying, ~2× the slice at its peak


def _arrow_text_dtype() -> Any:
    """pandas' Arrow-backed `str` dtype when pandas (≥ 2.3) and pyarrow have it, else None."""
    try:
        import pyarrow  # noqa: F401  (pandas checks lazily; a missing pyarrow must mean "no", here)

        return pd.StringDtype("pyarrow", na_value=np.nan)
    except (ImportError, TypeError, ValueError):  # TypeError: pandas 2.2 has no na_value
        return None


ARROW_TEXT: Any = _arrow_text_dtype()


def text_dtype(source: pd.Series) -> Any:
    """Dtype of new text columns: the source's string dtype if it has one, else object (module doc: why)."""
    return source.dtype if isinstance(source.dtype, pd.StringDtype) else object


def _missing(value: object) -> bool:
    """None or NaN (the two ways a table marks a missing entry)."""
    return value is None or (isinstance(value, float) and value != value)


def _arrow_table(values: Sequence[Any]) -> Any:
    """The distinct values plus a trailing null (what position -1 picks), as one large_string array."""
    import pyarrow as pa

    parts = []
    for start in range(0, len(values), _SLICE):
        encoded = [None if _missing(v) else str(v).encode("utf-8") for v in values[start : start + _SLICE]]
        parts.append(pa.array(encoded, type=pa.large_binary()).cast(pa.large_string()))
    parts.append(pa.nulls(1, type=pa.large_string()))
    return pa.concat_arrays(parts)


def _store_table(store: TextStore, positions: np.ndarray) -> tuple[Any, np.ndarray]:
    """The store's packs as Arrow over their own memory, and per row its pick (-1: missing)."""
    import pyarrow as pa

    chunks, where = store.arrow_chunks()
    numbers = np.frombuffer(where, dtype=np.int64)
    picks = np.where(positions < 0, -1, numbers[np.maximum(positions, 0)])
    if len(chunks) <= 1:  # the usual case: one pack, so the take reads one contiguous array
        return (chunks[0] if chunks else pa.array([], type=pa.large_string())), picks
    return pa.concat_arrays(chunks, memory_pool=pa.system_memory_pool()), picks  # once, for every slice


def _first_rows(store: TextStore, positions: np.ndarray) -> array[int]:
    """Per entry of `store`, the first row showing it (-1: an entry with no text, or on no row)."""
    first = np.full(len(store), -1, dtype=np.int64)
    entries, rows = np.unique(positions, return_index=True)
    keep = entries >= 0
    first[entries[keep]] = rows[keep]
    first[np.frombuffer(store.numbers(), dtype=np.int64) < 0] = -1
    where = array("q")
    where.frombytes(first.tobytes())
    return where


def _arrow_column(values: Sequence[Any], positions: np.ndarray, index: pd.Index) -> pd.Series:
    """Per row the value at its position (-1: NaN), as an Arrow `str` column built by one `take`.

    The take allocates from the system allocator: Arrow's default pool (mimalloc) kept ~2× the column
    resident after the take (measured), the system one returns what the take's growth left over.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, TextStore):  # the batch's packs are read in place: no copy before the take
        table, picks = _store_table(values, positions)
    else:
        table = _arrow_table(values)
        picks = np.where(positions < 0, len(values), positions)
    parts: list[Any] = []
    for start in range(0, len(picks), _ROWS):
        rows = picks[start : start + _ROWS]
        part = pc.take(table, pa.array(rows, mask=rows < 0), memory_pool=pa.system_memory_pool())
        parts.extend(part.chunks if isinstance(part, pa.ChunkedArray) else [part])
        release_free_memory()  # the take's grown-and-copied buffers, given back before the next slice
    taken = pa.chunked_array(parts, type=pa.large_string())
    del table, parts
    if isinstance(values, TextStore):
        values.adopt(taken, _first_rows(values, positions))  # the column holds the texts, the packs go
    array_type = ARROW_TEXT.construct_array_type()
    try:
        array = array_type(taken, dtype=ARROW_TEXT)  # pandas 3
    except TypeError:
        array = array_type(taken)  # pandas 2.3: the NaN-semantics class takes the values only
    return pd.Series(array, index=index, copy=False)


def spread_column(values: Sequence[Any], positions: np.ndarray, index: pd.Index, dtype: Any) -> pd.Series:
    """A text column over `index`: per row `values[position]`, NaN (the dtype's NA) where position is -1."""
    positions = np.asarray(positions, dtype=np.intp)
    arrow = ARROW_TEXT is not None and dtype == ARROW_TEXT and dtype.na_value is ARROW_TEXT.na_value
    if arrow and isinstance(values, TextStore) and not values.arrow_ready():
        dtype = object  # a lone surrogate cannot be UTF-8: keep that column as objects
    elif arrow:
        try:
            return _arrow_column(values, positions, index)
        except UnicodeEncodeError:  # a lone surrogate cannot be UTF-8: keep that column as objects
            dtype = object
    table = np.empty(len(values) + 1, dtype=object)
    table[: len(values)] = list(values)
    table[-1] = np.nan
    spread = table[positions]
    spread[pd.isna(spread)] = np.nan
    if isinstance(values, TextStore):  # the column's strs hold the texts now: the store reads them, not packs
        held = np.frombuffer(values.numbers(), dtype=np.int64) >= 0
        where = array("q")
        where.frombytes(np.where(held, np.arange(len(values), dtype=np.int64), -1).tobytes())
        values.adopt(table, where)
    return pd.Series(spread, index=index, dtype=dtype)
