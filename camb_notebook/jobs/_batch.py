"""BatchJob: many texts to many targets as chunked translation jobs on the JobManager, behind one handle.

Distinct texts are cut into chunks (count and characters) and each (chunk, target) becomes one engine Job, so
the manager's in-flight limit, shared 429 cooldown, PAYMENT_REQUIRED breaker, journal and cache all apply.
A failed chunk marks only its rows; PAYMENT_REQUIRED or cancel() stops new chunks and the batch returns what
finished; a budget (`max_characters`/`max_tasks`) stops creating before the first chunk that would pass it and
marks the rest `not_sent`. The driver runs on the loop thread; the handle is used from the main thread.
Usage: `batch = translation_batch(manager, texts, to=["fr-fr"])` (`_batch_entry`), then `batch.result()`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from camb_notebook.api import InvalidResponseError, JobCancelled, TranslationResult, UsageError
from camb_notebook.jobs._batch_fetch import BulkFetcher
from camb_notebook.jobs._batch_options import STOPPING, BatchHost, BatchOptions, Unit, error_text, plan_units
from camb_notebook.jobs._batch_plan import BatchOutcome, TextPlan
from camb_notebook.jobs._batch_quality import UnitWork
from camb_notebook.jobs._batch_retry import RetryPlan, plan_retry
from camb_notebook.jobs._batch_summary import BatchSummary
from camb_notebook.jobs._budget import BudgetGate
from camb_notebook.jobs._estimate import Estimate, UnitCost, price_batch
from camb_notebook.jobs._job import Job, JobState
from camb_notebook.jobs._poll import PollGroup
from camb_notebook.jobs._text_store import record_chunk

__all__ = ["BatchJob"]

T = TypeVar("T")


class BatchJob(Job, Generic[T]):
    """A Job over a whole batch; counts are in row-translations (rows with text × targets)."""

    def __init__(
        self,
        manager: BatchHost,
        plan: TextPlan,
        options: BatchOptions,
        finalize: Callable[[BatchOutcome], T],
        *,
        outcome: BatchOutcome | None = None,
        estimate: Estimate | None = None,
    ) -> None:
        """Prepare a batch (`_start()` runs it); `outcome` pre-fills what an earlier run already has.

        `estimate` prices this batch's chunks (`_start()` makes one when none is given): the budget admits
        chunks by it, and `summary()` sets it beside what the run did.
        """
        summary = {
            "rows": len(plan.positions),
            "distinct_texts": len(plan.unique),
            "source_language": options.source,
            "target_languages": list(options.targets),
        }
        super().__init__("translation", summary, dispatcher=manager.dispatcher, canceller=_cancel_batch)
        self._manager = manager
        self._plan = plan
        self._options = options
        self._finalize = finalize
        self._outcome_so_far = outcome or BatchOutcome.empty(plan, options.targets)
        self._weights = [0] * len(plan.unique)
        for index in plan.positions:
            if index >= 0:
                self._weights[index] += 1
        self.total = plan.sent_count * len(options.targets)
        self.done_count = sum(
            self._weights[i]
            for target in options.targets
            for i in range(len(plan.unique))
            if self._outcome_so_far.translations[target].has(i)
        )
        self.failed_count = 0
        self.cancelled_count = 0  # row-translations a cancel stopped (not failures)
        self.not_sent_count = 0  # row-translations a budget kept from being sent
        self.estimate = estimate
        self.budget = BudgetGate(options.max_characters, options.max_tasks)
        self.jobs: list[Job] = []
        self.chunks: dict[Job, Unit] = {}  # each chunk job and its rows (what retry_failed() plans from)
        self._retry: RetryPlan | None = None  # set on a retry batch: its chunks, tasks to poll, held chunks
        self._fetcher = BulkFetcher(manager)
        self._group = PollGroup()  # a chunk seen done wakes the polls of the chunks created before it
        self._stop: BaseException | None = None
        self._crash: BaseException | None = None
        self._value: list[T] = []

    # -- engine side (loop thread) -------------------------------------------------------------------------

    def _start(self) -> BatchJob[T]:
        """Run the driver on the engine's loop thread; returns self."""
        self._dispatcher.capture()
        self._manager.registry.batches[self.id] = self  # one job to the user: get(), jobs(), the board
        if self.estimate is None:
            units = (
                self._retry.units
                if self._retry
                else plan_units(self._plan, self._options, self._outcome_so_far)
            )
            self.estimate = price_batch(self._manager, self._plan, self._options, units)
        self._manager.loop.spawn(self._drive(list(self.estimate.costs))).add_done_callback(self._settle)
        return self

    async def _drive(self, units: list[UnitCost]) -> None:
        """Submit chunks while fewer than the limit run; stop submitting once the breaker or cancel trips."""
        self._engine.update(state="pending", submitted_at=time.time())
        window = self._manager.limit
        pending = list(reversed(units))
        running: set[asyncio.Task[None]] = set()
        while pending or running:
            # Its own concurrency, else twice the engine's window: the jobs queued beyond it show demand (the
            # window grows only then) and take a freed slot at once; `changed()` tops the queue up meanwhile.
            limit = self._options.concurrency or 2 * window.total
            while pending and len(running) < limit and self._stop is None:
                cost = pending.pop()
                if self.budget.admit(cost.characters, free=cost.free):
                    running.add(asyncio.ensure_future(self._run_unit(cost.unit)))
                else:
                    self._not_sent(cost.unit)
            if self._stop is not None:
                for cost in pending:
                    self._fail(cost.unit, self._stop)
                pending.clear()
            if running:
                changed = window.changed() if pending and not self._options.concurrency else None
                await asyncio.wait(
                    running if changed is None else {*running, changed}, return_when=asyncio.FIRST_COMPLETED
                )
                running = {task for task in running if not task.done()}
                if changed is not None and not changed.done():
                    changed.cancel()

    def _submit(self, unit: Unit, texts: list[str], *, primary: bool) -> Job:
        """Submit `texts` as one engine Job of this batch: the chunk, or (not primary) its strict retry."""
        request = self._options.request(texts, unit.target)
        known = {} if self._retry is None or not primary else {"task_id": self._retry.known.get(unit)}
        job = self._manager.submit(
            "translation",
            request,
            cache=self._options.cache,
            fetch=self._fetcher.fetch,
            group=self._group,
            **known,
        )
        self._manager.registry.batch_of[job.id] = self.id  # journaled: the batch is one job after a restart
        if self._options.resend_ambiguous or (self._retry is not None and unit in self._retry.resend):
            self._manager.registry.resend_ambiguous.add(job.id)  # read by its claim, before it creates
        self.jobs.append(job)
        if primary:
            self.chunks[job] = unit
        return job

    async def _send_chunk(self, unit: Unit, texts: list[str], *, primary: bool = True) -> Sequence[str]:
        """Translate `texts` as one engine Job of this batch (`_submit`) and return its answer."""
        return await _answer(self._submit(unit, texts, primary=primary), texts) if texts else ()

    async def _run_unit(self, unit: Unit) -> None:
        """Run one chunk as an engine Job and record its translations (restored, checked) or its error."""
        work = UnitWork(self._options.quality, unit.target, [self._plan.unique[i] for i in unit.indices])
        try:
            job = self._submit(unit, work.sent, primary=True) if work.sent else None
            translated = await _answer(job, work.sent) if job is not None else ()
            rows = await work.finish(translated, lambda texts: self._send_chunk(unit, texts, primary=False))
        except Exception as exc:  # the engine lands every failure on the job; any of them marks these rows
            if isinstance(exc, STOPPING) and self._stop is None:
                self._stop = exc
            self._fail(unit, exc)
            return
        outcome = self._outcome_so_far
        done: list[int] = []
        for index, row in zip(unit.indices, rows, strict=True):
            outcome.qa[unit.target][index] = row.qa
            if row.error is not None:
                outcome.errors[unit.target][index] = row.error
                self.failed_count += self._weights[index]
                continue
            done.append(index)
            self.done_count += self._weights[index]
        indices = unit.indices if len(done) == len(unit.indices) else done  # a range holds no ints
        record_chunk(outcome.translations[unit.target], job, indices, translated, rows)
        self._engine.update()

    def _fail(self, unit: Unit, exc: BaseException) -> None:
        """Mark a chunk's rows as failed with `exc` (the first such error becomes the batch's error)."""
        message = error_text(exc)
        errors = self._outcome_so_far.errors[unit.target]
        cancelled = isinstance(exc, JobCancelled)
        for index in unit.indices:
            errors[index] = message
            if cancelled:
                self.cancelled_count += self._weights[index]
            else:
                self.failed_count += self._weights[index]
        self._engine.update(error=self.error or exc)

    def _not_sent(self, unit: Unit) -> None:
        """Mark a chunk's rows `not_sent`: the budget stopped creating before it (not a failure)."""
        message = self.budget.reason()
        errors = self._outcome_so_far.errors[unit.target]
        for index in unit.indices:
            errors[index] = message
            self.not_sent_count += self._weights[index]

    def _settle(self, driver: concurrent.futures.Future[None]) -> None:
        """Finish the handle when the driver ends (a driver crash is re-raised by `result()`)."""
        self._crash = None if driver.cancelled() else driver.exception()
        if isinstance(self._stop, JobCancelled):
            state: JobState = "cancelled"
        else:
            state = "failed" if self.failed_count or self._crash is not None else "succeeded"
        self._engine.finish(state, error=self._crash or self.error)

    # -- user side (any thread) ----------------------------------------------------------------------------

    @property
    def outcome(self) -> BatchOutcome:
        """Per target and distinct text: the translations and error messages so far."""
        return self._outcome_so_far

    @property
    def result_requests(self) -> int:
        """Result requests this batch sent (one bulk request serves up to five chunks)."""
        return self._fetcher.requests

    @property
    def rate(self) -> float | None:
        """Row-translations finished per second since the batch started (None before anything finished)."""
        if self.submitted_at is None or self.done_count == 0:
            return None
        elapsed = (self.finished_at or time.time()) - self.submitted_at
        return self.done_count / elapsed if elapsed > 0 else None

    def progress(self) -> tuple[float | None, float | None]:
        """(fraction finished or failed, ETA seconds extrapolated from the current rate)."""
        if self.total == 0 or self.done():
            return 1.0, 0.0
        finished = self.done_count + self.failed_count + self.cancelled_count + self.not_sent_count
        rate = self.rate
        return finished / self.total, None if rate is None else (self.total - finished) / rate

    def _outcome(self) -> T:
        """The finalized result (computed once); failed rows carry their error, only a driver crash raises."""
        if self._crash is not None:
            raise self._crash.with_traceback(self._error_tb if self._crash is self.error else None)
        if not self._value:
            self._value.append(self._finalize(self._outcome_so_far))
        return self._value[0]

    @property
    def budget_text(self) -> str | None:
        """What the bar shows of the budget: `1,234/4,000 chars` (None without a budget)."""
        return self.budget.progress_text()

    def summary(self) -> BatchSummary:
        """The estimate beside what the run did: characters, tasks, requests, wall time, cache hits."""
        assert self.estimate is not None  # set by _start()
        return BatchSummary.of(self, self.estimate, self._group.polls)

    def retry_failed(self, *, resend_ambiguous: bool = False) -> BatchJob[T]:
        """A new batch for the failed rows (see `_batch_retry`: known tasks polled, ambiguous ones held)."""
        if not self.done():
            raise UsageError("the batch is still running; wait for it (or cancel it) before retry_failed()")
        plan = plan_retry(self, resend_ambiguous=resend_ambiguous)
        retry = type(self)(self._manager, self._plan, self._options, self._finalize, outcome=plan.outcome)
        retry._retry = plan
        for unit, job in plan.held:  # still failed: counted, and kept for a later retry_failed()
            retry.chunks[job] = unit
            retry.failed_count += sum(retry._weights[i] for i in unit.indices)
            retry._engine.assign(error=retry.error or job.error)
        return retry._start()

    def __repr__(self) -> str:
        """`<BatchJob 3f2a: pending 120/2000, 0 failed>`."""
        return (
            f"<BatchJob {self.id}: {self.state} {self.done_count}/{self.total}, {self.failed_count} failed>"
        )

    def _interrupt_message(self) -> str:
        """What an interrupted wait leaves running."""
        return (
            f"stopped waiting for {self!r}: it keeps running in the background; `%camb cancel {self.id}`"
            " stops new chunks (tasks already created keep running on the server)"
        )

    def _summary(self) -> list[tuple[str, str]]:
        """Label/value pairs for the static displays: rows, failures, rate and ETA."""
        _, eta = self.progress()
        rows = [("batch", self.id), ("state", self.state), ("rows", f"{self.done_count:,}/{self.total:,}")]
        rows.append(("failed", f"{self.failed_count:,}"))
        if self.budget.capped:
            rows.append(("budget", f"{self.budget_text}; {self.not_sent_count:,} rows not_sent"))
        if self.rate is not None:
            rows.append(("rate", f"{self.rate:,.0f} rows/s"))
        if eta is not None and not self.done():
            rows.append(("eta", f"{eta:.0f} s"))
        if self.error is not None:
            rows.append(("error", error_text(self.error)))
        return rows


async def _answer(job: Job, texts: list[str]) -> Sequence[str]:
    """The chunk job's translations, checked to be one per text sent."""
    result = await job
    if not isinstance(result, TranslationResult) or len(result.texts) != len(texts):
        raise InvalidResponseError(f"{len(texts)} texts sent, a different number came back")
    return result.texts


def _cancel_batch(job: Job, reason: str | None) -> bool:
    """Stop a batch: no new chunks, running chunk jobs cancelled (their server tasks keep running)."""
    assert isinstance(job, BatchJob)
    if job._stop is None:
        job._stop = JobCancelled("the batch was cancelled", reason=reason or "cancelled by the user")
    for chunk in list(job.jobs):
        chunk.cancel(reason)
    return True
