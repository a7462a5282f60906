"""Assemble a batch outcome into the translated frame: wide (a column per target) or long (a row per target).

Vectorized over the batch's positions so a million-row frame assembles in about a second. Pure pandas/numpy.
Usage: `assemble_wide(df, "text", outcome)`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from camb_notebook.frames._columns import (
    ERROR_PREFIX,
    STATUS_INVALID,
    STATUS_PREFIX,
    STATUS_SKIPPED,
    row_status,
    summarize,
)
from camb_notebook.frames._quality import qa_long, qa_wide
from camb_notebook.jobs import BatchOutcome, invalid_reason

__all__ = [
    "assemble_long",
    "assemble_wide",
]


def _invalid_rows(source: pd.Series, positions: np.ndarray) -> list[tuple[int, str]]:
    """(row, reason) for each unsent row whose text cannot be sent (checked on unsent rows only: cheap)."""
    found = []
    for row in np.flatnonzero(positions < 0):
        value = source.iat[row]
        reason = invalid_reason(value) if isinstance(value, str) else None
        if reason is not None:
            found.append((int(row), reason))
    return found


def _text_dtype(source: pd.Series) -> Any:
    """Dtype of new text columns: the source's string dtype if it has one, else object (NaN for missing)."""
    return source.dtype if isinstance(source.dtype, pd.StringDtype) else object


def _text_column(values: Sequence[str | None] | np.ndarray, index: pd.Index, dtype: Any) -> pd.Series:
    """A text column over `index` whose missing entries are NaN (the dtype's own NA for string dtypes)."""
    array = np.asarray(values, dtype=object)
    array[pd.isna(array)] = np.nan
    return pd.Series(array, index=index, dtype=dtype)


def _spread(per_text: Sequence[str | None], positions: np.ndarray) -> np.ndarray:
    """Per input row, the value of its distinct text (None for unsent rows); vectorized for big frames."""
    table = np.empty(len(per_text) + 1, dtype=object)
    table[: len(per_text)] = per_text
    table[-1] = None  # position -1 (not sent) picks this slot
    spread: np.ndarray = table[positions]
    return spread


def _target_status(
    outcome: BatchOutcome, target: str, positions: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per input row, one target's status and error (computed per distinct text, then spread)."""
    errors = outcome.errors[target]
    statuses = [row_status(True, error) for error in errors]
    status = _spread(statuses, positions)
    status[positions < 0] = STATUS_SKIPPED
    return status, _spread([e or None for e in errors], positions)


def assemble_wide(df: pd.DataFrame, column: Hashable, outcome: BatchOutcome) -> pd.DataFrame:
    """The input frame plus `<column>_<target>`, `camb_status_<target>` and `camb_error_<target>` per target,
    QA columns, and the row summary `camb_status` / `camb_error` over every target's status in the frame."""
    dtype = _text_dtype(df[column])
    positions = np.asarray(outcome.plan.positions, dtype=np.intp)
    added: dict[str, pd.Series] = {}
    for target in outcome.targets:
        added[f"{column}_{target}"] = _text_column(
            _spread(outcome.translations[target], positions), df.index, dtype
        )
    invalid = _invalid_rows(df[column], positions)
    for target in outcome.targets:
        statuses, errors = _target_status(outcome, target, positions)
        for row, reason in invalid:
            statuses[row], errors[row] = STATUS_INVALID, reason
        added[f"{STATUS_PREFIX}{target}"] = _text_column(statuses, df.index, dtype)
        added[f"{ERROR_PREFIX}{target}"] = _text_column(errors, df.index, dtype)
    added.update(qa_wide(outcome, positions, df.index))
    out = df.copy()
    for name, values in added.items():
        out[name] = values
    summary, messages = summarize(out)
    out = out.drop(columns=["camb_status", "camb_error"], errors="ignore")  # an earlier batch's, recomputed
    out["camb_status"] = _text_column(summary, df.index, dtype)
    out["camb_error"] = _text_column(messages, df.index, dtype)
    return out


def assemble_long(df: pd.DataFrame, column: Hashable, outcome: BatchOutcome) -> pd.DataFrame:
    """One row per (input row, target), row-major, with `camb_target`, `camb_translation`, status, error."""
    dtype = _text_dtype(df[column])
    count = len(outcome.targets)
    repeated = df.iloc[np.repeat(np.arange(len(df)), count)]
    out = repeated.reset_index(drop=True)
    per_target = [outcome.rows(target) for target in outcome.targets]
    texts = [per_target[j][0][i] for i in range(len(df)) for j in range(count)]
    errors = [per_target[j][1][i] for i in range(len(df)) for j in range(count)]
    sent = [index >= 0 for index in outcome.plan.positions for _ in range(count)]
    out["camb_target"] = _text_column(list(outcome.targets) * len(df), out.index, dtype)
    out["camb_translation"] = _text_column(texts, out.index, dtype)
    statuses = [row_status(s, e) for s, e in zip(sent, errors, strict=True)]
    for row, reason in _invalid_rows(df[column], np.asarray(outcome.plan.positions, dtype=np.intp)):
        for j in range(count):
            statuses[row * count + j], errors[row * count + j] = STATUS_INVALID, reason
    out["camb_status"] = _text_column(statuses, out.index, dtype)
    out["camb_error"] = _text_column(errors, out.index, dtype)
    qa_long(out, outcome)
    out.index = repeated.index
    return out
