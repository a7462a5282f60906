"""Batch-translate a DataFrame column: the engine behind `df.camb.translate` / `series.camb.translate`.

Returns a `BatchJob` at once whose result is a new frame (the input is never modified): wide (one column per
target) or long (one row per row and target), with `camb_status` / `camb_error` columns. Main thread.
Usage: `batch = df.camb.translate("text", to=["fr-fr", "de-de"])`, then `out = await batch`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from camb_notebook.api import UsageError
from camb_notebook.frames._assemble import assemble_long, assemble_wide
from camb_notebook.frames._quality import batch_quality
from camb_notebook.jobs import BatchJob, Errors, translation_batch

if TYPE_CHECKING:
    from camb_notebook.sessions import Camb

__all__ = ["Shape", "translate_frame"]

Shape = Literal["wide", "long"]


def _assign_into(name: str) -> Any:
    """A done-callback that stores the batch's frame as `name` in the IPython user namespace."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise UsageError("into= needs an IPython session; use `out = batch.result()` instead")

    def assign(batch: BatchJob[pd.DataFrame]) -> None:
        shell.user_ns[name] = batch.result()

    return assign


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
    protect: bool | str | Sequence[str] = True,
    dnt: Sequence[str] = (),
    dictionaries: Sequence[int | str] = (),
    max_length: int | Hashable | None = None,
    qa: bool = True,
) -> BatchJob[pd.DataFrame]:
    """Translate `df[column]` into each target; returns a BatchJob at once whose result is the new frame.

    Identical strings are sent once, missing/blank ones never; non-strings raise naming the rows unless
    `errors="coerce"` (then they are skipped). Each task carries at most `chunk_size` texts and `max_chars`
    characters (defaults 100 / 10,000); `concurrency` caps this batch's tasks in flight (the session's
    `max_in_flight` caps all jobs). `into="name"` stores the frame in the user namespace when done.
    Placeholders and markup are masked (`protect=False` or a list of syntaxes), `dnt` terms kept, and each
    target gets QA columns (`max_length`: an int or a column, default the `max_length` column if any).
    """
    if column not in df.columns:
        raise UsageError(f"no column {column!r} in the frame (columns: {list(df.columns)!r})")
    if shape not in ("wide", "long"):
        raise UsageError(f"shape must be 'wide' or 'long', not {shape!r}")
    assign = _assign_into(into) if into is not None else None
    if session is None:
        from camb_notebook.sessions import session as default_session

        session = default_session()
    frame = df.copy()
    assemble = assemble_wide if shape == "wide" else assemble_long
    batch = translation_batch(
        session.manager,
        frame[column].tolist(),
        labels=frame.index.tolist(),
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
        **batch_quality(session, frame, column, source, protect, dnt, dictionaries, max_length, qa),
    )
    if assign is not None:
        batch.add_done_callback(assign)
    return batch
