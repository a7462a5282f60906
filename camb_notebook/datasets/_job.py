"""DatasetJob: a dataset larger than memory translated batch by batch through the engine, resumable.

A driver thread reads `batch_rows` rows at a time (`read_batches`), drops texts already translated in this
run (`SeenTexts`), runs the rest as one engine batch (`_plan`: priced, then a BatchJob: dedupe, chunks,
limit, journal, result cache), writes the batch's part and moves on; memory holds about one batch.
Re-running the same call after a crash skips the written parts, reattaches the crashed run's created tasks
(`manager.resume()`) and serves its finished chunks from the result cache, so finished rows create no task.
A budget (`max_characters` / `max_tasks`, `self.budget`) spans the run: each engine batch gets what is left;
the batch it stops is not written, the rest of the rows are `not_sent`, and the same call continues later.
A BatchJob whose counts are rows. Made by `translate_dataset` (in `_translate`), which checks the call and
opens its state.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
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
from camb_notebook.datasets._plan import plan_batch, price_texts, start_priced
from camb_notebook.datasets._source import Source, read_batches
from camb_notebook.datasets._store import SeenTexts
from camb_notebook.jobs import NOT_SENT, BatchJob, BatchOutcome, Job, JobManager
from camb_notebook.jobs._batch_options import BatchOptions, Unit
from camb_notebook.jobs._batch_plan import TextPlan

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
    characters_sent: int = 0  # billable characters of the chunks this run created (the budget's unit)
    not_sent_rows: int = 0  # rows a budget kept back: `dest` is not written yet, the same call continues
    budget: str | None = None  # why the budget stopped the run, and how to continue


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
        self._budget_stop: str | None = None  # why the budget stopped the run (then `dest` is not written)
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
        """`<DatasetJob 3f2a: pending 100,000/5,000,000 rows, 0 failed>` (and rows not_sent, if any)."""
        counts = f"{self.done_count:,}/{self.total:,} rows, {self.failed_count} failed"
        if self.not_sent_count:
            counts += f", {self.not_sent_count:,} not_sent"
        return f"<DatasetJob {self.id}: {self.state} {counts}>"

    def _summary(self) -> list[tuple[str, str]]:
        """The batch's rows (rows, failed, budget, rate, eta, error) and, after a budget stop, its reason."""
        rows = super()._summary()
        if self._budget_stop is not None:
            rows.append(("stopped", self._budget_stop))
        return rows

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
                if self._budget_stop is not None:
                    break
                index += 1
            if index == 0 and self._budget_stop is None:  # an empty dataset still gets its (empty) output
                self._one_batch(0, self._source.schema.empty_table(), seen)
                index = 1
        finally:
            seen.close()
        if self._budget_stop is not None:  # the parts so far stay; the same call continues from them
            self.not_sent_count = self.total - self._rows_done
            self._inner = None
            return
        state.finish(index)

    def _one_batch(self, index: int, table: Any, seen: SeenTexts) -> None:
        """Translate one batch's new texts, write its part, remember its translations.

        A budget that stops the batch's engine batch stops the run before its part (`_budget_stop`).
        """
        if self._stop is not None:
            raise self._stop
        targets = self._options.targets
        self._batch_len = table.num_rows
        batch = plan_batch(
            table, self._run["column"], index * self._run["batch_rows"], self._run["errors"], seen, targets
        )
        plan, todo = batch.plan, batch.todo
        outcome = self._translate(batch.new_texts) if todo else None
        if self._budget_stop is not None:
            return
        translations = {t: list(batch.known[t]) for t in targets}
        errors: dict[str, list[str | None]] = {t: [None] * len(plan.unique) for t in targets}
        fresh: dict[str, list[tuple[str, str]]] = {t: [] for t in targets}
        for t in targets:
            for j, i in enumerate(todo):
                if outcome is not None and translations[t][i] is None:
                    text, error = outcome.translations[t][j], outcome.errors[t][j]
                    translations[t][i], errors[t][i] = text, error
                    if text is not None:
                        fresh[t].append((plan.unique[i], text))
        out = output_table(table, self._run["column"], plan.positions, translations, errors)
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
        """Run `texts` as one engine batch within what is left of the budget, and wait for it.

        A stopping error stops the run; a budget that keeps a chunk back sets `_budget_stop` (the caller
        then writes nothing of this batch: what it sent is in the result cache for the rerun).
        """
        gate = self.budget
        left = replace(
            self._options,
            max_characters=None if gate.max_characters is None else gate.max_characters - gate.characters,
            max_tasks=None if gate.max_tasks is None else gate.max_tasks - gate.tasks,
        )
        estimate = price_texts(self._jm, texts, self._options)
        inner = start_priced(self._jm, estimate, left, lambda outcome: outcome)
        self._inner = inner
        inner._engine.future.result()
        self._counts["tasks"] += sum(1 for job in inner.jobs if job.task_id is not None and not job.cached)
        held = [
            u
            for j, u in inner.chunks.items()
            if j.task_id is None and isinstance(j.error, AmbiguousSubmitError)
        ]
        gate.characters += inner.budget.characters
        gate.tasks += inner.budget.tasks
        # The inner batch and its chunks leave the session's lists (their rows and results stay in the
        # journal): a handle kept there would hold every batch's texts and translations (memory ∝ rows).
        self._jm.forget([inner, *inner.jobs])
        if self._stop is not None:
            raise self._stop
        if isinstance(inner.error, _STOPPING):
            raise inner.error
        if inner.budget.stopped_by is not None:
            gate.stopped_by = inner.budget.stopped_by
            self._budget_stop = self._budget_text()
        if held:
            raise _not_resent(held, self._rows_done)
        result: BatchOutcome = inner.result()
        return result

    def _budget_text(self) -> str:
        """The `not_sent` line of a run the budget stopped: which cap, what was sent, how to continue."""
        gate = self.budget
        cap = gate.max_characters if gate.stopped_by == "max_characters" else gate.max_tasks
        return (
            f"{NOT_SENT}: the budget {gate.stopped_by}={cap:,} stopped the run after {gate.characters:,}"
            f" characters in {gate.tasks:,} tasks, at a batch boundary; the batches written so far stay in"
            f" {self._state.root.name}, and the same call with a larger budget continues from there"
        )

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
            characters_sent=self.budget.characters,
            not_sent_rows=self.not_sent_count,
            budget=self._budget_stop,
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
