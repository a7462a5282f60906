"""Output columns of a translated frame: the no-overwrite rule and the per-target status columns.

The rule: a batch never overwrites a column. Before anything is sent, `translate_frame` refuses (one line
naming them) when the frame already has an output column of this batch (`<column>_<target>`,
`camb_status_<target>`, `camb_error_<target>`, QA columns, or the long layout's columns) or when the source is
one of them. The row summary `camb_status` / `camb_error` is the one exception: it is recomputed over every
`camb_status_<target>` column of the frame, earlier batches' included, so two batches on one frame never
clobber each other. A `camb_status` / `camb_error` with no `camb_status_<target>` beside it is not a batch's
summary (a user's own column) and is refused like the rest. Pure pandas/numpy, vectorized over rows.
Speech batches follow the same rule with one status pair per kind of batch (`camb_status_tts`,
`camb_status_transcribe`, `camb_status_dub`), so a frame translated and then voiced keeps both statuses.
Usage: `check_outputs(df, "text", ["fr-fr"], shape="wide", qa=True)`; `refuse_taken(df, "text", names)`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from camb_notebook.api import UsageError
from camb_notebook.frames._text import spread_column
from camb_notebook.jobs import NOT_SENT, is_not_sent

__all__ = [
    "LONG_COLUMNS",
    "STATUS_CANCELLED",
    "STATUS_FAILED",
    "STATUS_INVALID",
    "STATUS_NOT_SENT",
    "STATUS_OK",
    "STATUS_SKIPPED",
    "batch_statuses",
    "check_outputs",
    "is_cancelled",
    "refuse_taken",
    "row_status",
    "summarize",
    "wide_outputs",
    "with_summary",
]

# camb_status: translated for every target / at least one target failed / never sent (missing or blank) /
# not sent because the batch's budget stopped creating first (no target failed; camb_error says why) /
# a text that cannot be sent at all (a lone surrogate; camb_error says where) / the user cancelled the batch.
STATUS_OK, STATUS_FAILED, STATUS_SKIPPED, STATUS_NOT_SENT = "ok", "failed", "skipped", NOT_SENT
STATUS_INVALID = "invalid"
STATUS_CANCELLED = "cancelled"  # the user cancelled the batch before this row's chunk finished

SUMMARY = ("camb_status", "camb_error")
STATUS_PREFIX, ERROR_PREFIX = "camb_status_", "camb_error_"
LONG_COLUMNS = ("camb_target", "camb_translation", "camb_status", "camb_error", "qa_status", "qa_issues")
# The summary of a row over its targets is the worst of them, in this order.
_RANK = {
    STATUS_FAILED: 6,
    STATUS_INVALID: 5,
    STATUS_CANCELLED: 4,
    STATUS_NOT_SENT: 3,
    STATUS_SKIPPED: 2,
    STATUS_OK: 1,
}
_BY_RANK = np.array([None, *sorted(_RANK, key=_RANK.__getitem__)], dtype=object)  # rank -> name


def is_cancelled(message: str | None) -> bool:
    """Whether a row's error is the user's cancel (error texts start with the exception's class name)."""
    return bool(message) and str(message).startswith("JobCancelled:")


def row_status(sent: bool, error: str | None) -> str:
    """The camb_status of one row for one target."""
    if not sent:
        return STATUS_SKIPPED
    if is_not_sent(error):
        return STATUS_NOT_SENT
    if is_cancelled(error):
        return STATUS_CANCELLED
    return STATUS_FAILED if error else STATUS_OK


def wide_outputs(column: Hashable, targets: Sequence[str], *, qa: bool) -> list[str]:
    """The per-target columns a wide batch adds (the `camb_status` / `camb_error` summary aside)."""
    names = [f"{column}_{t}" for t in targets]
    names += [f"{prefix}{t}" for t in targets for prefix in (STATUS_PREFIX, ERROR_PREFIX)]
    if qa:
        names += [f"{prefix}{t}" for t in targets for prefix in ("qa_", "qa_issues_")]
    return names


def _is_batch_summary(columns: pd.Index) -> bool:
    """Whether the frame's `camb_status` / `camb_error` are an earlier batch's summary (recomputed)."""
    return any(isinstance(c, str) and c.startswith(STATUS_PREFIX) for c in columns)


def batch_statuses(kind: str) -> list[str]:
    """The status pair a batch of one kind writes (`camb_status_tts`, `camb_error_tts`)."""
    return [f"{STATUS_PREFIX}{kind}", f"{ERROR_PREFIX}{kind}"]


def check_outputs(
    df: pd.DataFrame, column: Hashable, targets: Sequence[str], *, shape: str, qa: bool
) -> None:
    """Refuse, naming them, the output columns the frame already has (nothing is overwritten)."""
    if shape == "long":
        refuse_taken(df, column, LONG_COLUMNS, summary=False)
    else:
        refuse_taken(df, column, wide_outputs(column, targets, qa=qa))


def refuse_taken(
    df: pd.DataFrame, column: Hashable, outputs: Sequence[Hashable], *, summary: bool = True
) -> None:
    """One UsageError naming every column of `outputs` the frame has; with `summary`, the summary pair too
    unless it is an earlier batch's (then it is recomputed, not overwritten)."""
    names = list(outputs)
    if summary and (column in SUMMARY or not _is_batch_summary(df.columns)):
        names += SUMMARY
    taken = [name for name in names if name in df.columns]
    if taken:
        listed = ", ".join(repr(name) for name in taken)
        raise UsageError(
            f"the frame already has the output column(s) {listed}; a batch never overwrites a column",
            hint=f"Rename or drop them first: df.drop(columns=[{listed}])",
        )


def with_summary(out: pd.DataFrame, dtype: Any) -> pd.DataFrame:
    """`out` with `camb_status` / `camb_error` (last) recomputed over every batch's status columns."""
    (summary, summary_at), (messages, message_at) = summarize(out)
    out = out.drop(columns=list(SUMMARY), errors="ignore")  # an earlier batch's, recomputed
    out["camb_status"] = spread_column(summary, summary_at, out.index, dtype)
    out["camb_error"] = spread_column(messages, message_at, out.index, dtype)
    return out


def summarize(out: pd.DataFrame) -> tuple[tuple[list[str | None], np.ndarray], tuple[list[str], np.ndarray]]:
    """Per row, the worst `camb_status_<target>` of the frame and its targets' errors (`fr-fr: …; de-de: …`).

    Reads every batch's per-target columns, so an earlier batch's failures stay in the summary. Each result
    is (table, per-row position into it, -1: missing), what `spread_column` builds a column from; the ranks
    are compared column-wise (no Python object per row) and only failing rows' messages are joined.
    """
    names = [c for c in out.columns if isinstance(c, str) and c.startswith(STATUS_PREFIX)]
    targets = [c[len(STATUS_PREFIX) :] for c in names]
    rows = len(out)
    rank = np.zeros(rows, dtype=np.intp)
    failing = np.zeros(rows, dtype=bool)
    messages: list[tuple[str, pd.Series]] = []
    for target in targets:
        values = out[f"{STATUS_PREFIX}{target}"]
        for name, level in _RANK.items():
            hit = values.eq(name).to_numpy(dtype=bool, na_value=False)
            rank[hit] = np.maximum(rank[hit], level)
        if f"{ERROR_PREFIX}{target}" in out.columns:
            errors = out[f"{ERROR_PREFIX}{target}"]
            failing |= errors.notna().to_numpy(dtype=bool)
            messages.append((target, errors))
    joined: list[str] = []
    joined_at = np.full(rows, -1, dtype=np.intp)
    failing_rows = np.flatnonzero(failing)
    found = [(t, e.iloc[failing_rows].to_numpy(dtype=object)) for t, e in messages]  # failing rows only
    for k, row in enumerate(failing_rows):  # few rows fail: join their messages in Python
        parts = [(t, str(e[k])) for t, e in found if not pd.isna(e[k])]
        same = len(parts) > 1 and len({text for _, text in parts}) == 1  # e.g. an invalid text: said once
        joined_at[row] = len(joined)
        joined.append(parts[0][1] if same else "; ".join(f"{t}: {m}" for t, m in parts))
    return (list(_BY_RANK), np.where(rank == 0, -1, rank)), (joined, joined_at)
