"""Runner: drives one job on the loop thread (cache → intent → create → poll → fetch) for the JobManager.

Holds what every run shares: the API client, the poll policy, the in-flight limit and the PAYMENT_REQUIRED
breaker. The journal gets the intent before each create and the task_id right after it, so `resume()` in a
new kernel reattaches pending tasks without creating anything. Every outcome lands on the Job.
Usage: `runner = Runner(api, registry, policy, limit)`; `await runner.drive(job, use_cache=True)`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Any

from camb_notebook.api import (
    AmbiguousSubmitError,
    JobDeadlineExceeded,
    PaymentRequiredError,
    QuotaExceeded,
    RateLimitedError,
    TaskStatus,
)
from camb_notebook.jobs._adopt import keep_leases, key_id, settle_by_journal
from camb_notebook.jobs._cached import cached
from camb_notebook.jobs._deadline import JobClock, within
from camb_notebook.jobs._job import Job
from camb_notebook.jobs._limit import InFlightLimit
from camb_notebook.jobs._limit_memory import LimitMemory
from camb_notebook.jobs._poll import PollGroup, PollPolicy, TaskApi, fetch_result, poll_until_terminal
from camb_notebook.jobs._poll_group import Timing, Timings
from camb_notebook.jobs._registry import Key, Registry
from camb_notebook.jobs._request import RequestInfo, describe

__all__ = ["Fetch", "Runner"]

Fetch = Callable[[Job, int], Awaitable[Any]]  # replaces the single result fetch: `fetch(job, run_id)`
_RETRY_AFTER_CAP = 120.0  # a longer Retry-After on create fails the job at once (no silent long sleeps)


class _Slot:
    """One job's hold on the in-flight limit, given back once (at the final status, or on any exit)."""

    def __init__(self, limit: InFlightLimit) -> None:
        """Not held yet."""
        self.limit = limit
        self.held = False
        self.active = False  # the slot holds a task the server accepted

    def take(self, *, active: bool) -> None:
        """The job got its slot (holding an accepted task already, when `active`)."""
        self.held, self.active = True, active

    def free(self) -> None:
        """Give the slot back (once)."""
        if self.held:
            self.held = False
            self.limit.release(active=self.active)


class Runner:
    """The engine's work on each job: limit, breaker, result cache, journal rows, polling and fetching."""

    def __init__(self, api: TaskApi, registry: Registry, policy: PollPolicy, limit: InFlightLimit) -> None:
        """Share `registry` with the manager; `api` and `policy` may be replaced at any time."""
        self.api = api
        self.registry = registry
        self.policy = policy
        self.limit = limit
        self.memory = LimitMemory(registry.journal, limit)  # the limit found per key and base URL
        self.timings = Timings()  # how long like tasks took this session (times the first polls)
        self.breaker: QuotaExceeded | None = None
        self._leases: asyncio.Future[None] | None = None
        self.clock = JobClock()  # the whole-job deadline of each running job (create, polls, fetch)

    def check_breaker(self, job: Job | None = None) -> None:
        """Raise QuotaExceeded when an earlier task hit PAYMENT_REQUIRED (no new creates after that)."""
        if self.breaker is not None:
            raise QuotaExceeded(
                "not submitted: an earlier task hit PAYMENT_REQUIRED",
                job=job,
                hint="Add credits, then call reset_breaker() and submit again",
            )

    def trip_breaker(self, error: QuotaExceeded) -> None:
        """Stop all further creates (called on PAYMENT_REQUIRED / 402)."""
        if self.breaker is None:
            self.breaker = error

    async def drive(
        self, job: Job, use_cache: bool, fetch: Fetch | None = None, group: PollGroup | None = None
    ) -> None:
        """Loop thread: cache → intent → create → poll → fetch, with every outcome landing on the Job."""
        registry = self.registry
        key: Key | None = None
        error: BaseException | None = None
        try:
            info = await self._describe(job)
            key = (job.family, info.hash)
            job._engine.assign(expected_duration=_median(registry, job.family, info.size))
            registry.key_id = key_id(self.api)
            self.memory.recall(self.api, registry.key_id)
            self._start_leases()
            if job.task_id is None and use_cache:  # a known task (retry of a failed poll) is polled again
                if await self._reuse(job, key):
                    return
                registry.inflight.setdefault(key, job)
                step = await settle_by_journal(registry, job, self.policy, lambda: self._reuse(job, key))
                if step == "done":
                    return
            registry.record(job, soon=True)
            registry.inflight.setdefault(key, job)
            slot = _Slot(self.limit)
            try:
                timing: tuple[Timing, float] | None = None
                if job.task_id is None:
                    sent = await self._create_within_limit(job, slot)
                    timing = (self.timings.get(job.family, info.size), sent)  # polled since its create
                else:
                    await self.limit.acquire()
                    slot.take(active=True)
                await self._poll_and_fetch(job, fetch, group, slot, timing)
            finally:
                slot.free()
        except (asyncio.CancelledError, Exception) as exc:
            error = exc
        finally:
            self.settle(job, key, error)

    def settle(self, job: Job, key: Key | None, error: BaseException | None, paid: str = "") -> None:
        """A job's coroutine ends: `error` lands on the job (a 402 as QuotaExceeded "`paid`: ..." when
        `paid` names the request; QuotaExceeded trips the breaker); its deadline and request key go."""
        if isinstance(error, asyncio.CancelledError):
            self.registry.cancelled(job)
        elif error is not None:
            if paid and isinstance(error, PaymentRequiredError):
                quota = QuotaExceeded(f"{paid}: {error}", job=job)
                quota.__cause__, error = error, quota
            if isinstance(error, QuotaExceeded):
                self.trip_breaker(error)
            self.registry.finish(job, "failed", error=error)
        self.clock.forget(job.id)
        if key is not None:
            self.registry.release(key, job)

    async def reattach(self, job: Job) -> None:
        """Loop thread: continue polling/fetching a resumed job under the limiter, as the in-flight twin."""
        slot = _Slot(self.limit)
        error: BaseException | None = None
        try:
            await self.limit.acquire()
            slot.take(active=True)
            await self._poll_and_fetch(job, slot=slot)
        except (asyncio.CancelledError, Exception) as exc:
            error = exc
        finally:
            slot.free()
            self.settle(job, (job.family, self.registry.infos[job.id].hash), error)

    async def _describe(self, job: Job) -> RequestInfo:
        """Hash and summarize the request (in a worker thread when files must be read)."""
        uploads = any(k.endswith(("_path", "_bytes")) for k in job.request)
        if uploads:
            info = await asyncio.to_thread(describe, job.family, job.request)
        else:
            info = describe(job.family, job.request)
        self.registry.infos[job.id] = info
        return info

    async def _reuse(self, job: Job, key: Key) -> bool:
        """Serve an identical earlier (or in-flight) request's result; True when the job is done that way."""
        twin = self.registry.inflight.get(key)
        if twin is not None and twin is not job:
            await twin._engine.wait()
        result = await cached(self.api, self.policy, self.registry, job, key)
        if result is None:
            return False
        job._engine.assign(cached=True)
        self.registry.finish(job, "succeeded", result=result)
        return True

    def _start_leases(self) -> None:
        """Loop thread: start refreshing this process's leases (once)."""
        if self._leases is None or self._leases.done():
            self._leases = asyncio.ensure_future(keep_leases(self.registry))

    async def _create_within_limit(self, job: Job, slot: _Slot) -> float:
        """Take a slot, pass the shared gate and create the task; on a 429 the window shrinks for every
        waiting create, the gate shuts for the Retry-After, and this job waits first in line to try again.

        A 429 on create was provably not processed, so retrying cannot duplicate work; this is how a burst
        larger than the server's (unpublished) concurrency limit still completes. Returns holding the slot,
        with the time the accepted create was sent.
        """
        started = time.monotonic()
        front = False
        while True:
            if front:  # refused: wait out the Retry-After without a slot (freed slots go on meanwhile)
                await self.limit.gate()
            freed = await self.limit.acquire(front=front)
            slot.take(active=False)
            await self.limit.gate(freed)
            sent = self.limit.sending(freed)
            try:
                await self._create(job)
            except RateLimitedError as exc:
                slot.held = False
                wait = self.limit.throttled(sent, exc.retry_after)
                deadline = self.policy.deadline
                if (exc.retry_after or 0) > _RETRY_AFTER_CAP or (
                    deadline is not None and time.monotonic() - started + wait > deadline
                ):
                    raise
                job._engine.update(state="queued")
                front = True
                continue
            finally:
                self.memory.save(self.limit)
            self.limit.accepted(sent)
            slot.active = True
            return sent

    async def _create(self, job: Job) -> None:
        """Journal the intent, create the task, journal the task_id right away."""
        self.check_breaker(job)
        job._engine.update(state="creating")
        await self.registry.record_durably(job)
        deadline = self.policy.deadline
        create = getattr(self.api, "create_or_429", self.api.create)  # 429s come back at once: we back off
        try:
            task_id = await within(
                create(job.family, job.request),
                self.clock.left(job.id, deadline),
                lambda: AmbiguousSubmitError(
                    f"the create did not finish within the job's {deadline:g} s deadline; the task may exist"
                ),
            )
        except PaymentRequiredError as exc:
            raise QuotaExceeded(f"not created: {exc}", job=job) from exc
        job._engine.update(
            state="pending", task_id=task_id, submitted_at=time.time(), server_status="PENDING"
        )
        self.registry.record(job, soon=True)

    async def _poll_and_fetch(
        self,
        job: Job,
        fetch: Fetch | None = None,
        group: PollGroup | None = None,
        slot: _Slot | None = None,
        timing: tuple[Timing, float] | None = None,
    ) -> None:
        """Poll until terminal (timed by the expected duration, if known), free the slot (the server freed
        its own), then fetch and store the result."""
        assert job.task_id is not None
        run_id = job.run_id
        deadline = self.policy.deadline
        if run_id is None:
            status = await poll_until_terminal(
                self.api,
                job.family,
                job.task_id,
                dataclasses.replace(self.policy, deadline=self.clock.left(job.id, deadline)),
                job=job,
                on_status=lambda s: _seen(job, s),
                expected=_remaining(job),
                group=group,
                timing=None if timing is None else timing[0],
                born=None if timing is None else timing[1],
            )
            run_id = status.run_id
            assert run_id is not None
            if slot is not None:
                slot.free()
            job._engine.update(state="fetching", run_id=run_id)
            self.registry.record(job, soon=True)
        step = (
            fetch_result(self.api, job.family, job.task_id, run_id, self.policy, job)
            if fetch is None
            else fetch(job, run_id)
        )
        result = await within(
            step,
            self.clock.left(job.id, deadline),
            lambda: JobDeadlineExceeded(
                f"the result did not arrive within the job's {deadline:g} s deadline",
                task_id=job.task_id,
                run_id=run_id,
                job=job,
                hint="Fetch it later: get(id) or resume() in a new session polls it again",
            ),
        )
        info = self.registry.infos.get(job.id)
        if info is not None:
            self.registry.writes.store_result(job.id, job.family, info.hash, result.to_dict())
        self.registry.finish(job, "succeeded", result=result)


def _median(registry: Registry, family: str, size: int) -> float | None:
    """The ETA history's median (None when the journal cannot be read)."""
    try:
        return registry.journal.median_duration(family, size)
    except sqlite3.Error:
        return None


def _seen(job: Job, status: TaskStatus) -> None:
    """Record a new server status on the job (only when it changed)."""
    if status.status != job.server_status:
        job._engine.update(server_status=status.status)


def _remaining(job: Job) -> float | None:
    """Seconds until the journal's history says the job is likely done (None without history, or overdue)."""
    if job.expected_duration is None or job.submitted_at is None:
        return None
    left = job.expected_duration - (time.time() - job.submitted_at)
    return left if left > 0 else None
