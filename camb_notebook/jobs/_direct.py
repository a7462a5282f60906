"""Direct jobs: one request whose answer is the result (no task to poll), run as a Job on the engine.

`camb.tts(...)` without `stream=True` reads the current `tts-stream` route whole instead of the deprecated
`tts` task flow. It is still a Job with everything a task has: the result cache (an identical request is
served from the journal, not sent again), the in-flight limit, the PAYMENT_REQUIRED breaker, the job's
deadline, a journal row, `jobs()` and the board. Billed once: the row is journaled as `creating` before the
request is sent and the result is stored as soon as it is in, so a kernel killed mid-request leaves a row that
`resume()` reports as possibly billed (never resent by itself).
Usage: `job = submit_direct(manager, "tts", request, speak)`; loop thread runs `speak(request)`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from camb_notebook.api import JobDeadlineExceeded, UsageError
from camb_notebook.jobs._deadline import within
from camb_notebook.jobs._job import Job

if TYPE_CHECKING:
    from camb_notebook.jobs._manager import JobManager
    from camb_notebook.jobs._registry import Key
    from camb_notebook.jobs._runner import Runner

__all__ = ["Work", "submit_direct"]

Work = Callable[[Mapping[str, Any]], Awaitable[Any]]  # the one request; returns the result (with to_dict())


def submit_direct(
    manager: JobManager, family: str, request: Mapping[str, Any], work: Work, cache: bool
) -> Job:
    """Register a Job whose result is `await work(request)`, start it on the engine, return it at once."""
    if manager.closed:
        raise UsageError("this session is closed", hint="Create a new Camb() session")
    manager.dispatcher.capture()
    job = Job(family, request, dispatcher=manager.dispatcher, canceller=manager._cancel)
    manager.registry.jobs[job.id] = job
    manager.loop.call_soon(manager._start, job, _drive(manager._runner, job, work, cache))
    return job


async def _drive(runner: Runner, job: Job, work: Work, use_cache: bool) -> None:
    """Loop thread: cache → journal intent → the request → store the result, every outcome on the Job."""
    registry = runner.registry
    key: Key | None = None
    error: BaseException | None = None
    try:
        info = await runner._describe(job)
        key = (job.family, info.hash)
        if use_cache and await runner._reuse(job, key):
            return
        registry.inflight.setdefault(key, job)
        await runner.limit.acquire()
        try:
            runner.check_breaker(job)
            job._engine.update(state="creating")
            await registry.record_durably(job)  # from here the request may be billed: a kill keeps this row
            deadline = runner.policy.deadline
            result = await within(
                work(job.request),
                runner.clock.left(job.id, deadline),
                lambda: JobDeadlineExceeded(
                    f"the answer did not arrive within the job's {deadline:g} s deadline"
                ),
            )
        finally:
            runner.limit.release()
        job._engine.assign(server_status="SUCCESS")  # answered (there is no task): the board counts it sent
        registry.writes.store_result(job.id, job.family, info.hash, result.to_dict())
        registry.finish(job, "succeeded", result=result)
    except (asyncio.CancelledError, Exception) as exc:
        error = exc
    finally:
        runner.settle(job, key, error, paid="not spoken")
