"""DatasetJob: a dataset larger than memory translated batch by batch through the engine, resumable.

A driver thread reads `batch_rows` rows at a time (`read_batches`), drops texts already translated in this
run (`SeenTexts`), runs the rest as one engine batch (`translation_batch`: dedupe, chunks, limit, journal,
result cache), writes the batch's part and moves on; memory holds about one batch. Re-running the same call
after a crash skips the written parts, reattaches the crashed run's created tasks (`manager.resume()`) and
serves its finished chunks from the result cache, so finished rows create no task. A BatchJob whose counts
are rows. Made by `translate_dataset` (in `_translate`), which checks the call and opens its state.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from camb_notebook.api import (
    AmbiguousSubmitError,
    AuthenticationError,
    JobCancelled,
    PaymentRequiredError,
    QuotaExceeded,
    UsageError,
)
from camb_notebook.datasets._output import STATUS_FAILED, RunState, output_table, release_arrow_memory
from camb_notebook.datasets._source import Source, read_batches
from camb_notebook.datasets._store import SeenTexts
from camb_notebook.jobs import BatchJob, BatchOutcome, Job, JobManager, translation_batch
from camb_notebook.jobs._batch_options import BatchOptions, Unit
from camb_notebook.jobs._batch_plan import (
    TextPlan,
    clean_texts,
    plan_texts,
)

__all__ = ["DatasetJob", "DatasetResult"]

# An engine batch ending with one of these stops the run without writing its part (a rerun continues there).
_STOPPING = (QuotaExceeded, PaymentRequiredError, AuthenticationError, JobCancelled)


@dataclass(frozen=True)
class DatasetResult:
    """What a finished run wrote: where, how many rows, and what it cost (this run only)."""

    dest: Path
    rows: int
    failed_rows: int
    resumed_rows: int  # rows an earlier, interrupted run of the same call had already written
    texts_sent: int  # distinct texts handed to the engine (per target)
    texts_reused: int  # distinct texts of a batch already translated in an earlier batch
    tasks_created: int  # chunk tasks created (cache hits and reattached tasks are not counted)


class DatasetJob(BatchJob[DatasetResult]):
    """A dataset run as one BatchJob: `done_count`/`total` are rows, `progress()` gives fraction and ETA."""

    def __init__(
        self, manager: JobManager, source: Source, state: RunState, options: BatchOptions, **run: Any
    ):
        """Prepare the run (`_start()` starts the driver thread)."""
        super().__init__(manager, TextPlan((), ()), options, lambda _: self._summary_value())
        self._canceller = _cancel_dataset
        self._jm = manager
        self._source = source
        self._state = state
        self._run = run  # column, batch_rows, errors, resumed
        self._rows_done = 0
        self._shown = 0
        self._rows_at_start = 0
        self._batch_len = 0
        self._inner: BatchJob[BatchOutcome] | None = None
        self._counts = {"sent": 0, "reused": 0, "tasks": 0, "failed": 0}
        self.total = 0

    @property  # type: ignore[override]
    def done_count(self) -> int:
        """Rows written, plus the current batch's share of its finished chunks."""
        inner = self._inner
        partial = 0
        if inner is not None and inner.total:
            finished = inner.done_count + inner.failed_count
            partial = min(self._batch_len - 1, finished * self._batch_len // inner.total)
        shown = min(self._rows_done + max(partial, 0), max(self.total, self._rows_done))
        self._shown = max(self._shown, shown)  # never steps back between a batch's end and its part
        return self._shown

    @done_count.setter
    def done_count(self, value: int) -> None:
        self._rows_done = self._shown = value

    @property
    def rate(self) -> float | None:
        """Rows per second written by this run (rows of an earlier run do not count)."""
        done = self.done_count - self._rows_at_start
        if self.submitted_at is None or done <= 0:
            return None
        elapsed = (self.finished_at or time.time()) - self.submitted_at
        return done / elapsed if elapsed > 0 else None

    def progress(self) -> tuple[float | None, float | None]:
        """(fraction of rows written, ETA seconds); (None, None) until the rows are counted."""
        if self.done():
            return 1.0, 0.0
        if self.total == 0:
            return None, None
        rate = self.rate
        done = self.done_count
        return done / self.total, None if rate is None else (self.total - done) / rate

    def retry_failed(self, *, resend_ambiguous: bool = False) -> BatchJob[DatasetResult]:
        """Not offered for datasets: failed rows are in the output with `camb_status == 'failed'`."""
        raise UsageError(
            "retry_failed() is not offered for datasets",
            hint="Select the failed rows (camb_status == 'failed') and translate them as a new dataset",
        )

    def __repr__(self) -> str:
        """`<DatasetJob 3f2a: pending 100,000/5,000,000 rows, 0 failed>`."""
        counts = f"{self.done_count:,}/{self.total:,} rows, {self.failed_count} failed"
        return f"<DatasetJob {self.id}: {self.state} {counts}>"

    # -- the driver (its own thread: reading and writing block; the engine runs on the loop thread) -------

    def _start(self) -> DatasetJob:
        """Start the driver thread; returns self."""
        self._dispatcher.capture()
        threading.Thread(target=self._main, name=f"camb-dataset-{self.id}", daemon=True).start()
        return self

    def _main(self) -> None:
        """Run the whole dataset, then finish the handle (cancelled, failed with the error, or succeeded)."""
        self._engine.update(state="pending", submitted_at=time.time())
        try:
            self._run_all()
        except BaseException as exc:
            self._crash = exc
            self._engine.finish("cancelled" if isinstance(exc, JobCancelled) else "failed", error=exc)
            return
        self._engine.finish("failed" if self.failed_count else "succeeded", error=None)

    def _run_all(self) -> None:
        """Skip written parts, translate and write the rest, then assemble `dest`."""
        state, batch_rows = self._state, self._run["batch_rows"]
        if self._run["resumed"]:
            self._jm.resume()  # tasks the crashed run created are polled again, never created again
        skip = state.finished_parts()
        self.done_count = self._rows_at_start = state.finished_rows(skip)
        self.total = self._source.count_rows()
        seen = SeenTexts(state.root / "seen.sqlite3")
        try:
            index = skip
            for table in read_batches(self._source, batch_rows, skip=skip):
                self._one_batch(index, table, seen)
                index += 1
            if index == 0:  # an empty dataset still gets its (empty) output
                self._one_batch(0, self._source.schema.empty_table(), seen)
                index = 1
        finally:
            seen.close()
        state.finish(index)

    def _one_batch(self, index: int, table: Any, seen: SeenTexts) -> None:
        """Translate one batch's new texts, write its part, remember its translations."""
        if self._stop is not None:
            raise self._stop
        column, targets = self._run["column"], self._options.targets
        offset = index * self._run["batch_rows"]
        self._batch_len = table.num_rows
        values = table.column(column).to_pylist()
        labels = range(offset, offset + len(values))
        plan = plan_texts(clean_texts(values, labels=labels, errors=self._run["errors"]))
        known = {target: seen.lookup(target, plan.unique) for target in targets}
        todo = [i for i in range(len(plan.unique)) if any(known[t][i] is None for t in targets)]
        outcome = self._translate([plan.unique[i] for i in todo]) if todo else None
        translations = {t: list(known[t]) for t in targets}
        errors: dict[str, list[str | None]] = {t: [None] * len(plan.unique) for t in targets}
        fresh: dict[str, list[tuple[str, str]]] = {t: [] for t in targets}
        for t in targets:
            for j, i in enumerate(todo):
                if outcome is not None and translations[t][i] is None:
                    text, error = outcome.translations[t][j], outcome.errors[t][j]
                    translations[t][i], errors[t][i] = text, error
                    if text is not None:
                        fresh[t].append((plan.unique[i], text))
        out = output_table(table, column, plan.positions, translations, errors)
        staged = self._state.stage_part(index, out)
        seen.add(fresh)  # before the part counts: a crash in between redoes the part from `seen`
        self._state.commit_part(index, staged)
        failed = out.column("camb_status").to_pylist().count(STATUS_FAILED)
        self._counts["sent"] += len(todo)
        self._counts["reused"] += len(plan.unique) - len(todo)
        self.failed_count += failed
        self._rows_done += table.num_rows
        self._inner = None
        release_arrow_memory()
        self._engine.update(error=self.error)

    def _translate(self, texts: list[str]) -> BatchOutcome:
        """Run `texts` as one engine batch and wait for it (a stopping error stops the run)."""
        options = self._options
        inner: BatchJob[BatchOutcome] = translation_batch(
            self._jm,
            texts,
            to=list(options.targets),
            source=str(self._run["source_language"]),
            chunk_size=options.chunk_size,
            max_chars=options.max_chars,
            concurrency=options.concurrency,
            formality=options.formality,
            gender=options.gender,
            cache=options.cache,
            resend_ambiguous=options.resend_ambiguous,
            finalize=lambda outcome: outcome,
        )
        self._inner = inner
        inner._engine.future.result()
        self._counts["tasks"] += sum(1 for job in inner.jobs if job.task_id is not None and not job.cached)
        held = [
            u
            for j, u in inner.chunks.items()
            if j.task_id is None and isinstance(j.error, AmbiguousSubmitError)
        ]
        # The inner batch and its chunks leave the session's lists (their rows and results stay in the
        # journal): a handle kept there would hold every batch's texts and translations (memory ∝ rows).
        self._jm.forget([inner, *inner.jobs])
        if self._stop is not None:
            raise self._stop
        if isinstance(inner.error, _STOPPING):
            raise inner.error
        if held:
            raise _not_resent(held, self._rows_done)
        result: BatchOutcome = inner.result()
        return result

    def _summary_value(self) -> DatasetResult:
        """The result of a finished run."""
        return DatasetResult(
            dest=self._state.dest,
            rows=self._rows_done,
            failed_rows=self.failed_count,
            resumed_rows=self._rows_at_start,
            texts_sent=self._counts["sent"],
            texts_reused=self._counts["reused"],
            tasks_created=self._counts["tasks"],
        )


def _not_resent(held: list[Unit], written: int) -> AmbiguousSubmitError:
    """Why a run stops at a batch with chunks whose earlier create may have made a task.

    The batch's part is not written, so a rerun redoes it with the same chunks (its finished ones come
    from the result cache; the later batches' dedupe sees the same texts as in an uninterrupted run).
    """
    texts = sum(len(unit.indices) for unit in held)
    return AmbiguousSubmitError(
        f"the run stopped after {written:,} rows: {len(held)} chunk(s) ({texts:,} texts) were not sent again,"
        " an earlier create of theirs may have made the task (it may show in the CAMB dashboard)",
        hint="Repeat the same call with resend_ambiguous=True to send them (possibly billed twice)",
    )


def _cancel_dataset(job: Job, reason: str | None) -> bool:
    """Stop a run after its current batch's running chunks (nothing of that batch is written)."""
    assert isinstance(job, DatasetJob)
    if job._stop is None:
        job._stop = JobCancelled("the dataset run was cancelled", reason=reason or "cancelled by the user")
    inner = job._inner
    if inner is not None:
        inner.cancel(reason)
    return True
