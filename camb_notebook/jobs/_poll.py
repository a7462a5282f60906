"""Polling: the schedule (first poll soon, ×1.5 to a cap, jitter) and the job deadline, separate from retries.

Each status request gets its own retries inside the ApiClient; here a failed poll only counts towards
`max_poll_failures` and polling goes on until the deadline. Runs on the engine's loop thread.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import anyio

from camb_notebook.api import (
    ApiConnectionError,
    ApiError,
    ApiStatusError,
    ApiTimeout,
    JobDeadlineExceeded,
    JobFailed,
    JobTimedOut,
    NotFoundError,
    PollFailedError,
    QuotaExceeded,
    RateLimitedError,
    ResultUnavailableError,
    TaskStatus,
)

__all__ = ["PollPolicy", "TaskApi", "fetch_result", "poll_until_terminal"]


class TaskApi(Protocol):
    """The slice of ApiClient the engine drives (create → status → result)."""

    async def create(self, family: Any, request: Any) -> str:
        """Create a task and return its task_id."""

    async def status(self, family: Any, task_id: str) -> TaskStatus:
        """One status poll."""

    async def result(self, family: Any, run_id: int) -> Any:
        """Fetch a finished run's result."""


@dataclass(frozen=True, kw_only=True)
class PollPolicy:
    """Poll schedule: first·factor^n capped at `cap`, each ×U(1-jitter, 1+jitter); `deadline` s per job."""

    first: float = 0.75
    factor: float = 1.5
    cap: float = 10.0
    jitter: float = 0.2
    deadline: float | None = 900.0
    max_poll_failures: int = 10
    result_attempts: int = 3
    result_grace: float = 1.0

    def delays(self, rng: Callable[[float, float], float] = random.uniform) -> Iterator[float]:
        """The endless sequence of waits before each poll."""
        base = self.first
        while True:
            yield base * rng(1 - self.jitter, 1 + self.jitter)
            base = min(base * self.factor, self.cap)


def _transient(exc: BaseException) -> bool:
    """Network trouble or a server-side error that a later poll may not see again."""
    if isinstance(exc, (ApiConnectionError, ApiTimeout, RateLimitedError)):
        return True
    return isinstance(exc, ApiStatusError) and exc.status_code >= 500


async def poll_until_terminal(
    api: TaskApi,
    family: str,
    task_id: str,
    policy: PollPolicy,
    *,
    job: Any = None,
    on_status: Callable[[TaskStatus], None] | None = None,
) -> TaskStatus:
    """Poll until SUCCESS (returned) or another terminal status (raised as its JobError), or the deadline."""
    started = time.monotonic()
    failures = 0
    for delay in policy.delays():
        if policy.deadline is not None:
            remaining = policy.deadline - (time.monotonic() - started)
            if remaining <= 0:
                raise _late(policy, task_id, job)
            delay = min(delay, remaining)
        await asyncio.sleep(delay)
        try:
            # The deadline also bounds a poll in flight: a reply dripping in never trips a read timeout.
            # (anyio, not asyncio.wait_for: on 3.11 wait_for can swallow a cancel() that lands as it ends.)
            left = None if policy.deadline is None else policy.deadline - (time.monotonic() - started)
            with anyio.fail_after(left):
                status = await api.status(family, task_id)
        except TimeoutError:
            raise _late(policy, task_id, job) from None
        except ApiError as exc:
            failures += 1
            if not _transient(exc) or failures >= policy.max_poll_failures:
                raise PollFailedError(
                    f"status polls failed {failures} time(s) in a row: {exc}", task_id=task_id, job=job
                ) from exc
            continue
        failures = 0
        if on_status is not None:
            on_status(status)
        if status.is_terminal:
            return _check(status, task_id, job)
    raise AssertionError("unreachable: delays() is endless")


def _late(policy: PollPolicy, task_id: str, job: Any) -> JobDeadlineExceeded:
    """The error for a job still pending when its deadline passed."""
    return JobDeadlineExceeded(
        f"still pending after the {policy.deadline or 0:.0f} s deadline", task_id=task_id, job=job
    )


def _check(status: TaskStatus, task_id: str, job: Any) -> TaskStatus:
    """Return a SUCCESS status, raise the JobError matching any other terminal status."""
    ids: dict[str, Any] = {"task_id": task_id, "run_id": status.run_id, "job": job}
    if status.status == "SUCCESS":
        if status.run_id is None:
            raise ResultUnavailableError("status SUCCESS without a run_id", **ids)
        return status
    if status.status == "ERROR":
        reason = status.exception_reason or "unknown reason"
        raise JobFailed(
            f"the server reported ERROR ({reason}){f': {status.message}' if status.message else ''}",
            exception_reason=status.exception_reason,
            message=status.message,
            **ids,
        )
    if status.status == "TIMEOUT":
        raise JobTimedOut("the server reported TIMEOUT", **ids)
    raise QuotaExceeded("the server reported PAYMENT_REQUIRED", **ids)


async def fetch_result(
    api: TaskApi, family: str, task_id: str | None, run_id: int, policy: PollPolicy, job: Any
) -> Any:
    """Fetch a run's result, with a short grace window for a 404 or transient error right after SUCCESS."""
    last: ApiError | None = None
    for attempt in range(policy.result_attempts):
        if attempt:
            await asyncio.sleep(policy.result_grace * attempt)
        try:
            return await api.result(family, run_id)
        except ApiError as exc:
            if not (isinstance(exc, NotFoundError) or _transient(exc)):
                raise
            last = exc
    raise ResultUnavailableError(
        f"the result could not be fetched: {last}", task_id=task_id, run_id=run_id, job=job
    ) from last
