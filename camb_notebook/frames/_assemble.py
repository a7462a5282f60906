"""Assemble a batch outcome into the translated frame: wide (a column per target) or long (a row per target).

Vectorized over the batch's positions so a million-row frame assembles in about a second. Pure pandas/numpy.
Usage: `assemble_wide(df, "text", outcome)`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from camb_notebook.frames._quality import qa_long, qa_wide
from camb_notebook.jobs import NOT_SENT, BatchOutcome, invalid_reason, is_not_sent

__all__ = [
    "STATUS_CANCELLED",
    "STATUS_FAILED",
    "STATUS_INVALID",
    "STATUS_NOT_SENT",
    "STATUS_OK",
    "STATUS_SKIPPED",
    "assemble_long",
    "assemble_wide",
]

# camb_status: translated for every target / at least one target failed / never sent (missing or blank) /
# not sent because the batch's budget stopped creating first (no target failed; camb_error says why) /
# a text that cannot be sent at all (a lone surrogate; camb_error says where) / the user cancelled the batch.
STATUS_OK, STATUS_FAILED, STATUS_SKIPPED, STATUS_NOT_SENT = "ok", "failed", "skipped", NOT_SENT
STATUS_INVALID = "invalid"
STATUS_CANCELLED = "cancelled"  # the user cancelled the batch before this row's chunk finished


def _is_cancelled(message: str | None) -> bool:
    """Whether a row's error is the user's cancel (error texts start with the exception's class name)."""
    return bool(message) and str(message).startswith("JobCancelled:")


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


def _row_errors(outcome: BatchOutcome, positions: np.ndarray) -> np.ndarray:
    """One message per input row joining its targets' errors (`fr-fr: …; de-de: …`), None when none failed."""
    failed = [(t, outcome.errors[t]) for t in outcome.targets if any(outcome.errors[t])]
    joined: list[str | None] = [None] * len(outcome.plan.unique)
    if failed:
        for index in range(len(joined)):
            parts = [f"{target}: {errors[index]}" for target, errors in failed if errors[index]]
            joined[index] = "; ".join(parts) or None
    return _spread(joined, positions)


def _status(sent: bool, error: str | None) -> str:
    """The camb_status of one row (or one row and target)."""
    if not sent:
        return STATUS_SKIPPED
    if is_not_sent(error):
        return STATUS_NOT_SENT
    if _is_cancelled(error):
        return STATUS_CANCELLED
    return STATUS_FAILED if error else STATUS_OK


def _uniform_statuses(outcome: BatchOutcome, positions: np.ndarray) -> np.ndarray | None:
    """Per row, `not_sent` (a budget left it out) or `cancelled` (the user's cancel) where every target's
    error says so; None when no row has such an error."""
    kinds = ((is_not_sent, STATUS_NOT_SENT), (_is_cancelled, STATUS_CANCELLED))
    if not any(test(m) for t in outcome.targets for m in outcome.errors[t] for test, _ in kinds):
        return None
    per_text: list[str | None] = []
    for index in range(len(outcome.plan.unique)):
        messages = [outcome.errors[t][index] for t in outcome.targets if outcome.errors[t][index]]
        found = next((name for test, name in kinds if messages and all(test(m) for m in messages)), None)
        per_text.append(found)
    return _spread(per_text, positions)


def assemble_wide(df: pd.DataFrame, column: Hashable, outcome: BatchOutcome) -> pd.DataFrame:
    """The input frame plus `<column>_<target>` per target, `camb_status` and `camb_error` (same index)."""
    dtype = _text_dtype(df[column])
    positions = np.asarray(outcome.plan.positions, dtype=np.intp)
    added: dict[str, pd.Series] = {}
    for target in outcome.targets:
        added[f"{column}_{target}"] = _text_column(
            _spread(outcome.translations[target], positions), df.index, dtype
        )
    added.update(qa_wide(outcome, positions, df.index))
    errors = _row_errors(outcome, positions)
    statuses = np.where(
        positions < 0, STATUS_SKIPPED, np.where(pd.isna(errors), STATUS_OK, STATUS_FAILED)
    ).astype(object)
    unsent = _uniform_statuses(outcome, positions)
    if unsent is not None:
        statuses = np.where(pd.isna(unsent), statuses, unsent).astype(object)
    for row, reason in _invalid_rows(df[column], positions):
        statuses[row], errors[row] = STATUS_INVALID, reason
    added["camb_status"] = _text_column(statuses, df.index, dtype)
    added["camb_error"] = _text_column(errors, df.index, dtype)
    out = df.copy()
    for name, values in added.items():
        out[name] = values
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
    statuses = [_status(s, e) for s, e in zip(sent, errors, strict=True)]
    for row, reason in _invalid_rows(df[column], np.asarray(outcome.plan.positions, dtype=np.intp)):
        for j in range(count):
            statuses[row * count + j], errors[row * count + j] = STATUS_INVALID, reason
    out["camb_status"] = _text_column(statuses, out.index, dtype)
    out["camb_error"] = _text_column(errors, out.index, dtype)
    qa_long(out, outcome)
    out.index = repeated.index
    return out
