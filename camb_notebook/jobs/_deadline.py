"""Whole-job deadlines: the create, the polls and the result fetch of a job share one `deadline` budget.

The poll loop has always stopped at the deadline; a create or a result fetch answered slowly (a server
dripping bytes) could outlast it. `JobClock` starts when the job's create is first sent (time queued for an
in-flight slot does not count) and `within()` bounds one step by what is left, raising the step's own
error. Loop thread only. Usage: `left = clock.left(job, deadline)`; `await within(coro, left, error)`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio

__all__ = ["JobClock", "within"]

T = TypeVar("T")


class JobClock:
    """When each running job's deadline started (its first create, or its first poll if adopted)."""

    def __init__(self) -> None:
        """No job started yet."""
        self._started: dict[str, float] = {}

    def start(self, job_id: str) -> None:
        """Start the job's clock (once: a 429 retry of the create keeps the first start)."""
        self._started.setdefault(job_id, time.monotonic())

    def left(self, job_id: str, deadline: float | None) -> float | None:
        """Seconds left of `deadline` for the job (None without a deadline); starts the clock if needed."""
        self.start(job_id)
        if deadline is None:
            return None
        return max(deadline - (time.monotonic() - self._started[job_id]), 0.0)

    def forget(self, job_id: str) -> None:
        """Drop a finished job's clock."""
        self._started.pop(job_id, None)


async def within(step: Awaitable[T], seconds: float | None, error: Callable[[], Exception]) -> T:
    """Await `step` for at most `seconds` (None: no bound); on expiry raise `error()` instead."""
    if seconds is None:
        return await step
    try:
        # anyio, not asyncio.wait_for: on 3.11 wait_for can swallow a cancel() landing as it ends.
        with anyio.fail_after(seconds):
            return await step
    except TimeoutError:
        raise error() from None
