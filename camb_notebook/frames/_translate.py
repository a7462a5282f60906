"""Batch-translate a DataFrame column: the engine behind `df.camb.translate` / `series.camb.translate`.

Returns a `BatchJob` at once whose result is a new frame (the input is never modified): wide (one column per
target, with `camb_status_<target>` / `camb_error_<target>`) or long (one row per row and target), with
`camb_status` / `camb_error` columns; an existing column is never overwritten (`_columns.py`). Main thread.
Usage: `batch = df.camb.translate("text", to=["fr-fr", "de-de"])`, then `out = await batch`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

import pandas as pd

from camb_notebook.api import UsageError, resolve_language
from camb_notebook.frames._assemble import assemble_long, assemble_wide
from camb_notebook.frames._columns import check_outputs
from camb_notebook.frames._quality import batch_quality
from camb_notebook.jobs import BatchJob, Errors, Estimate, translation_batch

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from camb_notebook.jobs import BatchArgs, QualityArgs
    from camb_notebook.sessions import Camb

__all__ = ["Shape", "translate_frame"]

Shape = Literal["wide", "long"]


def _planning_values(column: pd.Series) -> Any:
    """What the batch plans from: an Arrow-backed string column as its pyarrow array (deduped by Arrow, no
    str per row), anything else as a list."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return column.array.__arrow_array__()
    return column.tolist()


def _assign_into(name: str) -> Any:
    """A done-callback that stores the batch's frame as `name` in the IPython user namespace."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise UsageError("into= needs an IPython session; use `out = batch.result()` instead")

    def assign(batch: BatchJob[pd.DataFrame]) -> None:
        shell.user_ns[name] = batch.result()

    return assign


if TYPE_CHECKING:

    class _FrameArgs(BatchArgs, QualityArgs, total=False):
        """`translate_frame`'s keyword options but dry_run: one list for its overloads (as the engine's)."""

        shape: Shape
        into: str | None
        formality: str | int | None
        gender: str | int | None
        cache: bool
        session: Camb | None


@overload
def translate_frame(
    df: pd.DataFrame,
    column: Hashable,
    to: str | Sequence[str],
    source: str = ...,
    *,
    dry_run: Literal[False] = ...,
    **options: Unpack[_FrameArgs],
) -> BatchJob[pd.DataFrame]: ...


@overload
def translate_frame(
    df: pd.DataFrame,
    column: Hashable,
    to: str | Sequence[str],
    source: str = ...,
    *,
    dry_run: Literal[True],
    **options: Unpack[_FrameArgs],
) -> Estimate: ...


def translate_frame(
    df: pd.DataFrame,
    column: Hashable,
    to: str | Sequence[str],
    source: str = "en-us",
    *,
    shape: Shape = "wide",
    into: str | None = None,
    chunk_size: int | None = None,
    max_chars: int | None = None,
    concurrency: int | None = None,
    formality: str | int | None = None,
    gender: str | int | None = None,
    cache: bool = True,
    errors: Errors = "raise",
    session: Camb | None = None,
    dry_run: bool = False,
    max_characters: int | None = None,
    max_tasks: int | None = None,
    resend_ambiguous: bool = False,
    **quality: Unpack[QualityArgs],
) -> BatchJob[pd.DataFrame] | Estimate:
    """Translate `df[column]` into each target; returns a BatchJob at once whose result is the new frame.

    Identical strings are sent once, missing/blank ones never; non-strings raise naming the rows unless
    `errors="coerce"` (then they are skipped). Each task carries at most `chunk_size` texts and `max_chars`
    characters (defaults 100 / 10,000); `concurrency` caps this batch's tasks in flight (the session's
    `max_in_flight` caps all jobs). `into="name"` stores the frame in the user namespace when done.
    `dry_run=True` returns an Estimate and sends nothing; `max_characters` / `max_tasks` cap what the batch
    creates (the rows left out get `camb_status="not_sent"`). Placeholders and markup are masked (`protect=`,
    `dnt=`, `dictionaries=`) and each target gets QA columns (`max_length`: an int or a column name).
    `resend_ambiguous=True` sends chunks whose earlier create may have made a task (else their rows fail).
    """
    if dry_run and into is not None:
        raise UsageError("dry_run=True sends nothing, so into= would never be filled", hint="Drop into=")
    if column not in df.columns:
        raise UsageError(f"no column {column!r} in the frame (columns: {list(df.columns)!r})")
    if (same := int((df.columns == column).sum())) > 1:
        raise UsageError(f"the frame has {same} columns named {column!r}; give them distinct names first")
    if shape not in ("wide", "long"):
        raise UsageError(f"shape must be 'wide' or 'long', not {shape!r}")
    targets = [resolve_language(t).locale for t in ([to] if isinstance(to, str) else to)]
    check_outputs(df, column, targets, shape=shape, qa=quality.get("qa", True) is not False)
    assign = _assign_into(into) if into is not None else None
    if session is None:
        from camb_notebook.sessions import session as default_session

        session = default_session()
    frame = df.copy()
    assemble = assemble_wide if shape == "wide" else assemble_long
    batch = translation_batch(
        session.manager,
        _planning_values(frame[column]),
        labels=frame.index,  # read only to name bad rows: no list of a million labels
        to=to,
        source=source,
        chunk_size=chunk_size,
        max_chars=max_chars,
        concurrency=concurrency,
        formality=formality,
        gender=gender,
        cache=cache,
        errors=errors,
        finalize=lambda outcome: assemble(frame, column, outcome),
        dry_run=dry_run,
        max_characters=max_characters,
        max_tasks=max_tasks,
        resend_ambiguous=resend_ambiguous,
        **batch_quality(session, frame, column, source, quality),
    )
    if isinstance(batch, BatchJob) and assign is not None:
        batch.add_done_callback(assign)
    return batch
