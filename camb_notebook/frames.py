"""DataFrames in and out: batch-translate a column; show transcripts, dubbing and the jobs table as frames.

Importing this module registers the `df.camb` / `series.camb` accessors. Translation returns a `BatchJob` at
once whose result is a new frame (the input is never modified): wide (one column per target) or long (one row
per row and target), with `camb_status` / `camb_error` columns. Call from the main thread.
Usage: `batch = df.camb.translate("text", to=["fr-fr", "de-de"])`, then `out = await batch`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from camb_notebook._accessors import CambFrameAccessor, CambSeriesAccessor
from camb_notebook.api import UsageError
from camb_notebook.jobs._batch import BatchJob
from camb_notebook.jobs._batch_plan import BatchOutcome, Errors

if TYPE_CHECKING:
    from camb_notebook._session import Camb
    from camb_notebook.api import DubbingResult, Segment, TranscriptionResult
    from camb_notebook.jobs import Job

__all__ = [
    "CambFrameAccessor",
    "CambSeriesAccessor",
    "assemble_long",
    "assemble_wide",
    "dubbing_frame",
    "jobs_frame",
    "transcript_frame",
    "translate_frame",
]

Out = Literal["wide", "long"]

# camb_status: translated for every target / at least one target failed / never sent (missing or blank).
STATUS_OK, STATUS_FAILED, STATUS_SKIPPED = "ok", "failed", "skipped"


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
    return STATUS_FAILED if error else STATUS_OK


def assemble_wide(df: pd.DataFrame, column: Hashable, outcome: BatchOutcome) -> pd.DataFrame:
    """The input frame plus `<column>_<target>` per target, `camb_status` and `camb_error` (same index)."""
    dtype = _text_dtype(df[column])
    positions = np.asarray(outcome.plan.positions, dtype=np.intp)
    added: dict[str, pd.Series] = {}
    for target in outcome.targets:
        added[f"{column}_{target}"] = _text_column(
            _spread(outcome.translations[target], positions), df.index, dtype
        )
    errors = _row_errors(outcome, positions)
    statuses = np.where(
        positions < 0, STATUS_SKIPPED, np.where(pd.isna(errors), STATUS_OK, STATUS_FAILED)
    ).astype(object)
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
    out["camb_status"] = _text_column(
        [_status(s, e) for s, e in zip(sent, errors, strict=True)], out.index, dtype
    )
    out["camb_error"] = _text_column(errors, out.index, dtype)
    out.index = repeated.index
    return out


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
    out: Out = "wide",
    into: str | None = None,
    chunk_size: int | None = None,
    max_chars: int | None = None,
    concurrency: int | None = None,
    formality: str | int | None = None,
    gender: str | int | None = None,
    cache: bool = True,
    errors: Errors = "raise",
    session: Camb | None = None,
) -> BatchJob[pd.DataFrame]:
    """Translate `df[column]` into each target; returns a BatchJob at once whose result is the new frame.

    Identical strings are sent once, missing/blank ones never; non-strings raise naming the rows unless
    `errors="coerce"` (then they are skipped). Each task carries at most `chunk_size` texts and `max_chars`
    characters (defaults 100 / 10,000); `concurrency` caps this batch's tasks in flight (the session's
    `max_in_flight` caps all jobs). `into="name"` stores the frame in the user namespace when done.
    """
    if column not in df.columns:
        raise UsageError(f"no column {column!r} in the frame (columns: {list(df.columns)!r})")
    if out not in ("wide", "long"):
        raise UsageError(f"out must be 'wide' or 'long', not {out!r}")
    assign = _assign_into(into) if into is not None else None
    if session is None:
        from camb_notebook._session import session as default_session

        session = default_session()
    frame = df.copy()
    assemble = assemble_wide if out == "wide" else assemble_long
    batch = session.translate_batch(
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
    )
    if assign is not None:
        batch.add_done_callback(assign)
    return batch


def _segments_frame(segments: Iterable[Segment]) -> pd.DataFrame:
    """Segments as rows with `start`, `end` (seconds), `speaker`, `text`."""
    rows = [(s.start, s.end, s.speaker, s.text) for s in segments]
    frame = pd.DataFrame(rows, columns=["start", "end", "speaker", "text"])
    return frame.astype({"start": "float64", "end": "float64"})


def transcript_frame(result: TranscriptionResult | Sequence[Segment]) -> pd.DataFrame:
    """A transcription result (or its segments) as a frame with `start`, `end`, `speaker`, `text`."""
    segments = result if isinstance(result, Sequence) else result.segments
    return _segments_frame(segments)


def dubbing_frame(result: DubbingResult) -> pd.DataFrame:
    """A dubbing transcript as segments; a multi-target result adds a leading `language` column."""
    if not result.by_language:
        return _segments_frame(result.transcript)
    parts = [
        _segments_frame(item.transcript).assign(language=language)
        for language, item in result.by_language.items()
    ]
    frame = pd.concat(parts, ignore_index=True)
    return frame[["language", "start", "end", "speaker", "text"]]


def _utc(seconds: float | None) -> pd.Timestamp | None:
    """An epoch time as a UTC timestamp (None stays None)."""
    return None if seconds is None else pd.Timestamp(seconds, unit="s", tz="UTC")


_JOB_COLUMNS = [
    "id",
    "family",
    "state",
    "server_status",
    "task_id",
    "run_id",
    "created_at",
    "finished_at",
    "seconds",
    "cached",
    "error",
]


def jobs_frame(jobs: Iterable[Job]) -> pd.DataFrame:
    """The jobs table: one row per job in the given order, UTC times, errors as one-line strings."""
    rows = [
        {
            "id": job.id,
            "family": job.family,
            "state": job.state,
            "server_status": job.server_status,
            "task_id": job.task_id,
            "run_id": job.run_id,
            "created_at": _utc(job.created_at),
            "finished_at": _utc(job.finished_at),
            "seconds": None if job.finished_at is None else round(job.finished_at - job.created_at, 3),
            "cached": job.cached,
            "error": None if job.error is None else f"{type(job.error).__name__}: {job.error}",
        }
        for job in jobs
    ]
    return pd.DataFrame(rows, columns=_JOB_COLUMNS)
