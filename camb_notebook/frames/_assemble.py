"""Assemble a batch outcome into the translated frame: wide (a column per target) or long (a row per target).

Vectorized over the batch's positions so a million-row frame assembles in about a second. Pure pandas/numpy.
Usage: `assemble_wide(df, "text", outcome)`.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from camb_notebook.frames._columns import (
    ERROR_PREFIX,
    STATUS_INVALID,
    STATUS_PREFIX,
    STATUS_SKIPPED,
    row_status,
    with_summary,
)
from camb_notebook.frames._quality import qa_long, qa_wide
from camb_notebook.frames._text import spread_column, text_dtype
from camb_notebook.jobs import BatchOutcome, invalid_reason, release_free_memory

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


def _target_status(
    outcome: BatchOutcome, target: str, positions: np.ndarray, invalid: list[tuple[int, str]]
) -> tuple[tuple[list[str | None], np.ndarray], tuple[list[str | None], np.ndarray]]:
    """One target's status and error columns as (per-distinct table, per-row position) each.

    Unsent rows point at a `skipped` entry; invalid rows at one entry each (their own reason).
    """
    errors: list[str | None] = [e or None for e in outcome.errors[target]]
    statuses: list[str | None] = [row_status(True, error) for error in errors]
    status_at = positions.copy()
    status_at[positions < 0] = len(statuses)
    statuses.append(STATUS_SKIPPED)
    error_at = positions.copy()
    if invalid:
        statuses.append(STATUS_INVALID)
        for row, reason in invalid:
            status_at[row] = len(statuses) - 1
            error_at[row] = len(errors)
            errors.append(reason)
    return (statuses, status_at), (errors, error_at)


def assemble_wide(df: pd.DataFrame, column: Hashable, outcome: BatchOutcome) -> pd.DataFrame:
    """The input frame plus `<column>_<target>`, `camb_status_<target>` and `camb_error_<target>` per target,
    QA columns, and the row summary `camb_status` / `camb_error` over every target's status in the frame."""
    dtype = text_dtype(df[column])
    positions = np.asarray(outcome.plan.positions, dtype=np.intp)
    release_free_memory()  # what the run's transients (answers, requests) left free, before the columns
    out = df.copy()
    for target in outcome.targets:
        out[f"{column}_{target}"] = spread_column(outcome.translations[target], positions, df.index, dtype)
    invalid = _invalid_rows(df[column], positions)
    for target in outcome.targets:
        (statuses, status_at), (errors, error_at) = _target_status(outcome, target, positions, invalid)
        out[f"{STATUS_PREFIX}{target}"] = spread_column(statuses, status_at, df.index, dtype)
        out[f"{ERROR_PREFIX}{target}"] = spread_column(errors, error_at, df.index, dtype)
    for name, values in qa_wide(outcome, positions, df.index).items():
        out[name] = values
    return with_summary(out, dtype)


def _interleave(parts: list[tuple[list[str | None], np.ndarray]]) -> tuple[list[str | None], np.ndarray]:
    """Per-target (table, positions) pairs as one row-major pair: row i, target j at i × targets + j."""
    table: list[str | None] = []
    columns = []
    for values, at in parts:
        columns.append(np.where(at < 0, -1, at + len(table)))
        table.extend(values)
    return table, np.stack(columns, axis=1).ravel()


def assemble_long(df: pd.DataFrame, column: Hashable, outcome: BatchOutcome) -> pd.DataFrame:
    """One row per (input row, target), row-major, with `camb_target`, `camb_translation`, status, error."""
    dtype = text_dtype(df[column])
    release_free_memory()  # as in `assemble_wide`
    count = len(outcome.targets)
    repeated = df.iloc[np.repeat(np.arange(len(df)), count)]
    out = repeated.reset_index(drop=True)
    positions = np.asarray(outcome.plan.positions, dtype=np.intp)
    invalid = _invalid_rows(df[column], positions)
    per_target = [_target_status(outcome, target, positions, invalid) for target in outcome.targets]
    targets = (list(outcome.targets), np.tile(np.arange(count, dtype=np.intp), len(df)))
    texts = _interleave([(list(outcome.translations[t]), positions) for t in outcome.targets])
    out["camb_target"] = spread_column(*targets, out.index, dtype)
    out["camb_translation"] = spread_column(*texts, out.index, dtype)
    out["camb_status"] = spread_column(*_interleave([status for status, _ in per_target]), out.index, dtype)
    out["camb_error"] = spread_column(*_interleave([error for _, error in per_target]), out.index, dtype)
    qa_long(out, outcome)
    out.index = repeated.index
    return out
