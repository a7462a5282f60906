"""JobManager: the registry and engine driving every Job on the loop thread (limit, breaker, cache, journal).

`submit()` returns a Job at once; its task runs on the `camb-loop` thread (the only one using httpx/SQLite).
The journal gets the intent before each create and the task_id right after it, so `resume()` in a new kernel
reattaches pending tasks without creating anything. Usage: `JobManager(api).submit("translation", request)`.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from camb_notebook.api import (
    JobCancelled,
    PaymentRequiredError,
    QuotaExceeded,
    RateLimitedError,
    TaskStatus,
    UsageError,
    result_from_dict,
)
from camb_notebook.jobs._dispatch import Dispatcher, on_main_thread
from camb_notebook.jobs._job import Job
from camb_notebook.jobs._journal import JobRecord, Journal
from camb_notebook.jobs._limit import InFlightLimit
from camb_notebook.jobs._loop import LoopThread, wait_future
from camb_notebook.jobs._poll import PollGroup, PollPolicy, TaskApi, fetch_result, poll_until_terminal
from camb_notebook.jobs._recovery import Recovery
from camb_notebook.jobs._request import RequestInfo, describe

__all__ = ["JobManager"]

Fetch = Callable[[Job, int], Awaitable[Any]]


class JobManager(Recovery):
    """Registry of jobs plus the engine: in-flight limit, PAYMENT_REQUIRED breaker, cache and journal."""

    def __init__(
        self,
        api: TaskApi,
        *,
        journal: Journal | None = None,
        home: str | Path | None = None,
        max_in_flight: int = 32,
        policy: PollPolicy | None = None,
        loop: LoopThread | None = None,
        dispatcher: Dispatcher | None = None,
    ) -> None:
        """Wire the engine; the loop thread starts on first use."""
        self.api = api
        self.journal = journal if journal is not None else Journal(home)
        self.policy = policy if policy is not None else PollPolicy()
        self.loop = loop if loop is not None else LoopThread()
        self.dispatcher = dispatcher if dispatcher is not None else Dispatcher()
        self.breaker: QuotaExceeded | None = None
        self.limit = InFlightLimit(max_in_flight)
        self._jobs: dict[str, Job] = {}
        self._infos: dict[str, RequestInfo] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._inflight: dict[tuple[str, str], Job] = {}
        self._cancel_reasons: dict[str, str | None] = {}
        self._closed = False
        self._closing = False
        Recovery._open.add(self)
        atexit.register(self._close_at_exit)

    def __repr__(self) -> str:
        """Counts by state, the limit and the journal location."""
        active = sum(not j.done() for j in self._jobs.values())
        return f"<JobManager {len(self._jobs)} jobs ({active} active), max_in_flight={self.limit.maximum}>"

    # -- configuration -------------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True after close(): no more submits."""
        return self._closed

    @property
    def max_in_flight(self) -> int:
        """How many jobs may be between create and result at once."""
        return self.limit.maximum

    @max_in_flight.setter
    def max_in_flight(self, value: int) -> None:
        """Resize the limit (applies to waiting jobs at once)."""
        if value < 1:
            raise UsageError(f"max_in_flight must be at least 1, not {value}")
        self.limit.maximum = value
        self.loop.call_soon(self.limit.resize)

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

    def reset_breaker(self) -> None:
        """Allow creates again (after adding credits)."""
        self.breaker = None

    # -- submitting ----------------------------------------------------------------------------------------

    def submit(
        self,
        family: str,
        request: Mapping[str, Any],
        *,
        cache: bool = True,
        fetch: Fetch | None = None,
        group: PollGroup | None = None,
    ) -> Job:
        """Register a Job for `request` (wire field names, languages resolved), start it, return at once.

        `fetch(job, run_id)` replaces the single result fetch (BatchJob fetches 2–5 runs per request);
        `group` holds a batch's chunks, whose polls wake each other (see `PollGroup`).
        """
        if self._closed:
            raise UsageError("this session is closed", hint="Create a new Camb() session")
        self.dispatcher.capture()
        job = Job(family, request, dispatcher=self.dispatcher, canceller=self._cancel)
        self._jobs[job.id] = job
        self.loop.call_soon(self._start, job, self._drive(job, cache, fetch, group))
        return job

    def _start(self, job: Job, coro: Any) -> None:
        """Loop thread: run a job's coroutine as a strongly referenced task."""
        task = asyncio.ensure_future(coro)
        self._tasks[job.id] = task
        task.add_done_callback(lambda t: self._task_done(job, t))

    def _task_done(self, job: Job, task: asyncio.Task[None]) -> None:
        """Loop thread: drop the reference; any escaped error still lands on the Job."""
        if self._tasks.get(job.id) is task:
            del self._tasks[job.id]
        if task.cancelled():
            job._finish("cancelled", error=self._cancelled_error(job))
        elif (exc := task.exception()) is not None:
            job._finish("failed", error=exc)

    async def _drive(
        self, job: Job, use_cache: bool, fetch: Fetch | None = None, group: PollGroup | None = None
    ) -> None:
        """Loop thread: cache → intent → create → poll → fetch, with every outcome landing on the Job."""
        key: tuple[str, str] | None = None
        try:
            info = await self._describe(job)
            key = (job.family, info.hash)
            job.expected_duration = self.journal.median_duration(job.family, info.size)
            self._record(job)
            if use_cache and await self._reuse(job, key):
                return
            self._inflight.setdefault(key, job)
            await self._create_within_limit(job)
            try:
                await self._poll_and_fetch(job, fetch, group)
            finally:
                self.limit.release()
        except asyncio.CancelledError:
            self._finish(job, "cancelled", error=self._cancelled_error(job))
        except Exception as exc:
            if isinstance(exc, QuotaExceeded):
                self.trip_breaker(exc)
            self._finish(job, "failed", error=exc)
        finally:
            if key is not None and self._inflight.get(key) is job:
                del self._inflight[key]

    async def _describe(self, job: Job) -> RequestInfo:
        """Hash and summarize the request (in a worker thread when files must be read)."""
        uploads = any(k.endswith(("_path", "_bytes")) for k in job.request)
        if uploads:
            info = await asyncio.to_thread(describe, job.family, job.request)
        else:
            info = describe(job.family, job.request)
        self._infos[job.id] = info
        return info

    async def _reuse(self, job: Job, key: tuple[str, str]) -> bool:
        """Serve an identical earlier (or in-flight) request's result; True when the job is done that way."""
        twin = self._inflight.get(key)
        if twin is not None and twin is not job:
            with contextlib.suppress(Exception):
                await twin._wait_async()
        hit = self.journal.cached_result(*key)
        if hit is None:
            return False
        job.cached = True
        self._finish(job, "succeeded", result=result_from_dict(job.family, hit[1]))  # type: ignore[arg-type]
        return True

    async def _create_within_limit(self, job: Job) -> None:
        """Take an in-flight slot and create the task; on a 429 give the slot back, wait, and try again.

        A 429 on create was provably not processed, so retrying cannot duplicate work; this is how a burst
        larger than the server's (unpublished) concurrency limit still completes. Returns holding the slot.
        """
        started = time.monotonic()
        while True:
            await self.limit.acquire()
            try:
                await self._create(job)
                return
            except RateLimitedError as exc:
                self.limit.release()
                wait = max(exc.retry_after or 1.0, 0.5) * (1 + random.random() / 2)
                deadline = self.policy.deadline
                if deadline is not None and time.monotonic() - started + wait > deadline:
                    raise
                job._update(state="queued")
                await asyncio.sleep(wait)
            except BaseException:
                self.limit.release()
                raise

    async def _create(self, job: Job) -> None:
        """Journal the intent, create the task, journal the task_id right away."""
        self.check_breaker(job)
        job._update(state="creating")
        self._record(job)
        hits = self._rate_limit_hits()
        try:
            task_id = await self.api.create(job.family, job.request)
        except PaymentRequiredError as exc:
            raise QuotaExceeded(f"not created: {exc}", job=job) from exc
        finally:
            self.limit.record_create(throttled=self._rate_limit_hits() > hits)
        job._update(state="pending", task_id=task_id, submitted_at=time.time(), server_status="PENDING")
        self._record(job)

    def _rate_limit_hits(self) -> int:
        """429s the wire client has seen so far (0 for clients that don't count them)."""
        return int(getattr(self.api, "rate_limit_hits", 0))

    async def _poll_and_fetch(
        self, job: Job, fetch: Fetch | None = None, group: PollGroup | None = None
    ) -> None:
        """Poll until terminal (timed by the expected duration, if known), then fetch and store the result."""
        assert job.task_id is not None
        run_id = job.run_id
        if run_id is None:
            status = await poll_until_terminal(
                self.api,
                job.family,
                job.task_id,
                self.policy,
                job=job,
                on_status=lambda s: _seen(job, s),
                expected=_remaining(job),
                group=group,
            )
            run_id = status.run_id
            assert run_id is not None
            job._update(state="fetching", run_id=run_id)
            self._record(job)
        if fetch is None:
            result = await fetch_result(self.api, job.family, job.task_id, run_id, self.policy, job)
        else:
            result = await fetch(job, run_id)
        info = self._infos.get(job.id)
        if info is not None:
            self.journal.store_result(job.id, job.family, info.hash, result.to_dict())
        self._finish(job, "succeeded", result=result)

    def _finish(
        self, job: Job, state: Any, *, result: Any = None, error: BaseException | None = None
    ) -> None:
        """Finalize a job and journal it (a shutdown leaves the row as it was, for resume())."""
        if job._finish(state, result=result, error=error) and not (self._closing and state == "cancelled"):
            self._record(job)

    def _record(self, job: Job) -> None:
        """Write the job's row to the journal."""
        info = self._infos.get(job.id)
        if info is None:
            return
        self.journal.upsert(
            JobRecord(
                id=job.id,
                family=job.family,
                request_hash=info.hash,
                request=json.dumps(info.summary, ensure_ascii=False),
                size=info.size,
                state=job.state,
                server_status=job.server_status,
                task_id=job.task_id,
                run_id=job.run_id,
                created_at=job.created_at,
                submitted_at=job.submitted_at,
                updated_at=job.updated_at,
                finished_at=job.finished_at,
                error=None if job.error is None else f"{type(job.error).__name__}: {job.error}",
                pid=os.getpid(),
            )
        )

    # -- cancelling ----------------------------------------------------------------------------------------

    def _cancelled_error(self, job: Job) -> JobCancelled:
        """The error a cancelled job carries, saying what keeps running on the server."""
        reason = self._cancel_reasons.pop(job.id, None)
        if self._closing:
            reason = reason or "the session closed; resume() in a new session reattaches it"
        server = (
            f"server task {job.task_id} keeps running (the API has no cancel route)"
            if job.task_id
            else "no server task was created"
        )
        return JobCancelled(
            f"cancelled locally{f' ({reason})' if reason else ''}; {server}",
            reason=reason,
            task_id=job.task_id,
            job=job,
        )

    def _cancel(self, job: Job, reason: str | None) -> bool:
        """Cancel a job's local task; waits for it to settle unless called on the loop thread."""
        if self.loop.in_loop_thread():
            return self._cancel_now(job, reason) is not None
        return self.loop.run_sync(self._cancel_async, job, reason, idle=self._idle())

    def _cancel_now(self, job: Job, reason: str | None) -> asyncio.Task[None] | None:
        """Loop thread: request cancellation of the job's task."""
        task = self._tasks.get(job.id)
        if task is None or job.done():
            return None
        self._cancel_reasons[job.id] = reason
        task.cancel()
        return task

    async def _cancel_async(self, job: Job, reason: str | None) -> bool:
        """Loop thread: cancel and wait until the job is final."""
        task = self._cancel_now(job, reason)
        if task is None:
            return False
        await asyncio.wait([task])
        return True

    def cancel_all(self, reason: str | None = None) -> int:
        """Cancel every unfinished job; returns how many were cancelled."""
        return sum(job.cancel(reason) for job in list(self._jobs.values()) if not job.done())

    # -- registry ------------------------------------------------------------------------------------------

    def jobs(self) -> list[Job]:
        """Every job of this session, oldest first."""
        return list(self._jobs.values())

    async def _reattach(self, job: Job) -> None:
        """Loop thread: continue polling/fetching a resumed job under the limiter, as the in-flight twin."""
        try:
            async with self.limit.limiter:
                await self._poll_and_fetch(job)
        except asyncio.CancelledError:
            self._finish(job, "cancelled", error=self._cancelled_error(job))
        except Exception as exc:
            self._finish(job, "failed", error=exc)
        finally:
            key = (job.family, self._infos[job.id].hash)
            if self._inflight.get(key) is job:
                del self._inflight[key]

    # -- waiting and shutdown ------------------------------------------------------------------------------

    def _idle(self) -> Any:
        """What a blocking wait does between slices: drain main-thread events (on the main thread only)."""
        return self.dispatcher.drain if on_main_thread() else None

    def wait(self, jobs: Iterable[Job] | None = None, timeout: float | None = None) -> list[Job]:
        """Block until the jobs (default: all unfinished) are final; errors stay on the jobs."""
        self.dispatcher.capture()
        targets = list(jobs) if jobs is not None else [j for j in self._jobs.values() if not j.done()]
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            for job in targets:
                left = None if deadline is None else max(deadline - time.monotonic(), 0.0)
                wait_future(job._future, timeout=left, idle=self._idle(), cancel_on_interrupt=False)
        except TimeoutError:
            running = sum(not j.done() for j in targets)
            raise TimeoutError(
                f"{running} job(s) still running after {timeout} s; they keep polling"
            ) from None
        except KeyboardInterrupt:
            running = sum(not j.done() for j in targets)
            raise KeyboardInterrupt(
                f"stopped waiting: {running} job(s) keep polling in the background and their server tasks"
                " keep running (the API has no cancel route); cancel('all') stops local polling"
            ) from None
        if on_main_thread():
            self.dispatcher.drain()
        return targets

    def close(self, timeout: float = 5.0) -> None:
        """Stop polling (journal rows stay resumable), close the HTTP client and journal, stop the loop."""
        if self._closed:
            return
        self._closed = self._closing = True
        Recovery._open.discard(self)
        atexit.unregister(self._close_at_exit)
        if self.loop.running and not self.loop.in_loop_thread():
            with contextlib.suppress(Exception):
                self.loop.run_sync(self._aclose, timeout=timeout)
            self.loop.stop(timeout)

    async def _aclose(self) -> None:
        """Loop thread: cancel tasks, close the API client and the journal."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        aclose = getattr(self.api, "aclose", None)
        if aclose is not None:
            await aclose()
        self.journal.close()

    def _close_at_exit(self) -> None:
        """atexit: close quickly, never hang the interpreter's exit."""
        self.close(timeout=2.0)


def _seen(job: Job, status: TaskStatus) -> None:
    """Record a new server status on the job (only when it changed)."""
    if status.status != job.server_status:
        job._update(server_status=status.status)


def _remaining(job: Job) -> float | None:
    """Seconds until the journal's history says the job is likely done (None without history, or overdue)."""
    if job.expected_duration is None or job.submitted_at is None:
        return None
    left = job.expected_duration - (time.time() - job.submitted_at)
    return left if left > 0 else None
