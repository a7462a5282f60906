"""JobManager: the engine's facade: submit, cancel, look up, wait for and resume the jobs of one session.

`submit()` returns a Job at once; its task runs on the `camb-loop` thread (the only one using httpx/SQLite).
Collaborators: `Registry` (jobs, journal rows), `Runner` (drives jobs), `Recovery` (rebuilds from journal).
Usage: `JobManager(api).submit("translation", request)`.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import dataclasses
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from camb_notebook.api import QuotaExceeded, UsageError
from camb_notebook.jobs._dispatch import Dispatcher, on_main_thread
from camb_notebook.jobs._job import Job
from camb_notebook.jobs._journal import Journal
from camb_notebook.jobs._limit import InFlightLimit
from camb_notebook.jobs._loop import LoopThread, wait_future
from camb_notebook.jobs._poll import PollGroup, PollPolicy, TaskApi
from camb_notebook.jobs._prune import prune, repair
from camb_notebook.jobs._recovery import Recovery
from camb_notebook.jobs._registry import Registry
from camb_notebook.jobs._runner import Fetch, Runner
from camb_notebook.jobs._settings import DEFAULTS, Settings

__all__ = ["JobManager"]


class JobManager:
    """Registry of jobs plus the engine: in-flight limit, PAYMENT_REQUIRED breaker, cache and journal."""

    def __init__(
        self,
        api: TaskApi,
        *,
        journal: Journal | None = None,
        home: str | Path | None = None,
        max_in_flight: int | None = DEFAULTS.max_in_flight,
        policy: PollPolicy | None = None,
        loop: LoopThread | None = None,
        dispatcher: Dispatcher | None = None,
    ) -> None:
        """Wire the engine; the loop thread starts on first use."""
        self.journal = journal if journal is not None else Journal(home)
        self.loop = loop if loop is not None else LoopThread()
        self.dispatcher = dispatcher if dispatcher is not None else Dispatcher()
        self._registry = Registry(self.journal)
        policy = policy if policy is not None else PollPolicy()
        self._runner = Runner(api, self._registry, policy, InFlightLimit(max_in_flight))
        self._recovery = Recovery(
            self._registry,
            self.loop,
            self.dispatcher,
            canceller=self._cancel,
            reattach=self._reattach,
            policy=lambda: self._runner.policy,
        )
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._closed = False
        self.max_characters: int | None = None  # default budget of batches that set none (Settings)
        atexit.register(self._close_at_exit)

    def __repr__(self) -> str:
        """Counts by state and the limit."""
        jobs = self._registry.jobs.values()
        active = sum(not j.done() for j in jobs)
        cap = self.limit.maximum or f"discover (now {self.limit.total})"
        return f"<JobManager {len(jobs)} jobs ({active} active), max_in_flight={cap}>"

    @property
    def registry(self) -> Registry:
        """Jobs, batches (`user_jobs()`: a batch is one job) and their journal rows."""
        return self._registry

    # -- configuration -------------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True after close(): no more submits."""
        return self._closed

    @property
    def api(self) -> TaskApi:
        """The wire client every job uses (replaceable, e.g. by a counting wrapper)."""
        return self._runner.api

    @api.setter
    def api(self, value: TaskApi) -> None:
        self._runner.api = value

    @property
    def policy(self) -> PollPolicy:
        """The poll schedule and deadline (replaceable; running jobs read it at their next step)."""
        return self._runner.policy

    @policy.setter
    def policy(self, value: PollPolicy) -> None:
        self._runner.policy = value

    @property
    def limit(self) -> InFlightLimit:
        """The adaptive in-flight limit."""
        return self._runner.limit

    @property
    def max_in_flight(self) -> int | None:
        """The cap on jobs holding a task on the server at once (None: discover the server's limit)."""
        return self.limit.maximum

    @max_in_flight.setter
    def max_in_flight(self, value: int | None) -> None:
        """Set the cap, or None to discover without one (applies to waiting jobs at once)."""
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise UsageError(f"max_in_flight must be a whole number ≥ 1, or None, not {value!r}")
        self.limit.maximum = value
        self.loop.call_soon(self.limit.resize)

    def apply(self, settings: Settings) -> None:
        """Take the tunable engine settings in one call: poll cap and deadline, max_in_flight, the budget."""
        self.policy = dataclasses.replace(self.policy, cap=settings.poll_cap, deadline=settings.deadline)
        self.max_in_flight = settings.max_in_flight
        self.max_characters = settings.max_characters

    @property
    def breaker(self) -> QuotaExceeded | None:
        """The PAYMENT_REQUIRED error that stopped new creates (None while creates are allowed)."""
        return self._runner.breaker

    def check_breaker(self, job: Job | None = None) -> None:
        """Raise QuotaExceeded when an earlier task hit PAYMENT_REQUIRED (no new creates after that)."""
        self._runner.check_breaker(job)

    def trip_breaker(self, error: QuotaExceeded) -> None:
        """Stop all further creates (called on PAYMENT_REQUIRED / 402)."""
        self._runner.trip_breaker(error)

    def reset_breaker(self) -> None:
        """Allow creates again (after adding credits)."""
        self._runner.breaker = None

    # -- submitting ----------------------------------------------------------------------------------------

    def submit(
        self,
        family: str,
        request: Mapping[str, Any],
        *,
        cache: bool = True,
        fetch: Fetch | None = None,
        group: PollGroup | None = None,
        task_id: str | None = None,
    ) -> Job:
        """Register a Job for `request` (wire field names, languages resolved), start it, return at once.

        `fetch(job, run_id)` replaces the single result fetch (BatchJob fetches 2–5 runs per request);
        `group` holds a batch's chunks, whose polls wake each other (see `PollGroup`); `task_id` names
        a task created earlier (a retry of a failed poll), which is polled again instead of created.
        """
        if self._closed:
            raise UsageError("this session is closed", hint="Create a new Camb() session")
        self.dispatcher.capture()
        job = Job(family, request, dispatcher=self.dispatcher, canceller=self._cancel)
        if task_id is not None:
            job._engine.assign(task_id=task_id, state="pending", submitted_at=time.time())
        self._registry.jobs[job.id] = job
        self.loop.call_soon(self._start, job, self._runner.drive(job, cache, fetch, group))
        return job

    def _start(self, job: Job, coro: Any) -> None:
        """Loop thread: run a job's coroutine as a strongly referenced task."""
        task = asyncio.ensure_future(coro)
        self._tasks[job.id] = task
        task.add_done_callback(lambda t: self._task_done(job, t))

    def _reattach(self, job: Job) -> None:
        """Loop thread: keep polling a job that Recovery rebuilt with a task_id."""
        self._start(job, self._runner.reattach(job))

    def _task_done(self, job: Job, task: asyncio.Task[None]) -> None:
        """Loop thread: drop the reference; any escaped error still lands on the Job."""
        if self._tasks.get(job.id) is task:
            del self._tasks[job.id]
        if task.cancelled():
            job._engine.finish("cancelled", error=self._registry.cancelled_error(job))
        elif (exc := task.exception()) is not None:
            job._engine.finish("failed", error=exc)

    # -- cancelling ----------------------------------------------------------------------------------------

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
        self._registry.cancel_reasons[job.id] = reason
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
        return sum(job.cancel(reason) for job in self._registry.user_jobs() if not job.done())

    # -- registry and recovery -----------------------------------------------------------------------------

    def jobs(self) -> list[Job]:
        """Every job of this session, oldest first."""
        return list(self._registry.jobs.values())

    def get(self, id_or_prefix: str) -> Job:
        """A job by id or unique id prefix (this session first, then the journal)."""
        return self._recovery.get(id_or_prefix)

    def forget(self, jobs: Iterable[Job]) -> None:
        """Drop finished jobs and batch handles from this session's list so a long stream of batches keeps no
        memory per chunk (journal rows and cached results stay: get() still finds them); unfinished stay."""
        self.loop.call_soon(self._registry.forget, [job for job in jobs if job.done()])

    def resume(self) -> list[Job]:
        """Reattach unfinished jobs of dead sessions from the journal; never creates a task. Returns them."""
        self.dispatcher.capture()
        return self._recovery.resume(idle=self._idle())

    def prune(self, *, older_than_days: float | None = None, max_cache_mb: float | None = None) -> Any:
        """Drop finished jobs older than `older_than_days` (30) and the oldest results over `max_cache_mb`
        (500); unfinished jobs stay. Compacts the file. Returns the `PruneReport`."""
        limits: dict[str, Any] = {}
        if older_than_days is not None:
            limits["max_age_days"] = older_than_days
        if max_cache_mb is not None:
            limits["max_cache_bytes"] = int(max_cache_mb * 1024 * 1024)
        return self.loop.run_sync(_call, prune, self.journal, limits, idle=self._idle())

    def repair_journal(self) -> Any:
        """Move a broken journal file aside (a new one starts); returns where it went, None if it was fine."""
        return self.loop.run_sync(_call, repair, self.journal, {}, idle=self._idle())

    # -- waiting and shutdown ------------------------------------------------------------------------------

    def _idle(self) -> Any:
        """What a blocking wait does between slices: drain main-thread events (on the main thread only)."""
        return self.dispatcher.drain if on_main_thread() else None

    def wait(self, jobs: Iterable[Job] | None = None, timeout: float | None = None) -> list[Job]:
        """Block until the jobs (default: all unfinished) are final; errors stay on the jobs."""
        self.dispatcher.capture()
        targets = list(jobs) if jobs is not None else [j for j in self._registry.user_jobs() if not j.done()]
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            for job in targets:
                left = None if deadline is None else max(deadline - time.monotonic(), 0.0)
                wait_future(job._engine.future, timeout=left, idle=self._idle(), cancel_on_interrupt=False)
        except TimeoutError:
            running = sum(not j.done() for j in targets)
            raise TimeoutError(
                f"{running} job(s) still running after {timeout} s; they keep polling"
            ) from None
        except KeyboardInterrupt:
            running = sum(not j.done() for j in targets)
            raise KeyboardInterrupt(
                f"stopped waiting: {running} job(s) keep polling in the background and their server tasks"
                " keep running (the API has no cancel route); `%camb cancel all` stops local polling"
            ) from None
        if on_main_thread():
            self.dispatcher.drain()
        return targets

    def close(self, timeout: float = 5.0) -> None:
        """Stop polling (journal rows stay resumable), close the HTTP client and journal, stop the loop."""
        if self._closed:
            return
        self._closed = True
        self._registry.close()
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
        self._runner.memory.save(self.limit, force=True)
        self._registry.writes.flush()  # rows and results still waiting for their group commit
        aclose = getattr(self.api, "aclose", None)
        if aclose is not None:
            await aclose()
        self.journal.close()

    def _close_at_exit(self) -> None:
        """atexit: close quickly, never hang the interpreter's exit."""
        self.close(timeout=2.0)


async def _call(fn: Any, journal: Journal, kwargs: dict[str, Any]) -> Any:
    """Loop thread (the journal's thread): `fn(journal, **kwargs)`."""
    return fn(journal, **kwargs)
