"""Polling: the schedule (when to ask again), separate from per-request retries and from the job deadline.

Each status request gets its own retries inside the ApiClient; here a failed poll only counts towards
`max_poll_failures`, and polling goes on until `deadline`. A task is seen at the first poll after it
completes, so the wait in force then sets the detection delay; the schedule keeps that delay small
without polling long tasks often. Runs on the engine's loop thread. See docs/design.md.

* Without history, each wait is `(factor - 1) × elapsed`, at least `first` and at most `cap`: the delay
  stays below ~10 % of the task's length (2 polls for a 1 s task, ≈ 10 for 8 s, ≈ 20 for 30 s).
* With an expected duration (the journal's median for this family and size), sleep until `lead` of it,
  then poll densely (waits of (1 - lead) / 3 of it, growing with any overrun, never longer than the
  no-history wait). `lead` < 1 keeps the median stable: it includes our own detection delay, so sleeping
  to all of it would let it creep upwards.
* A `PollGroup` (a batch's chunks, created under the same load): its oldest job leads on denser waits
  (`group_first`, growing by `group_factor`: it polls for all), the others follow on stretched waits, and a
  chunk seen done after D s brings each sibling's next poll forward to D s after that sibling began
  (`_poll_group`).
* A `Timing` (this session's PENDING/SUCCESS ages of like tasks) overrides the schedule while it brackets
  the end: probes between the bounds, then polls just after the shortest seen (`_poll_group`).

`cap` bounds every wait, the long first one included, so it keeps meaning "longest pause". Jitter
(±`jitter`, only downwards for the first wait with history) keeps many jobs from polling in lockstep.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
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
from camb_notebook.jobs._poll_group import FOLLOW, PollGroup, Sibling, Timing
from camb_notebook.jobs._settings import DEFAULTS

__all__ = ["PollGroup", "PollPolicy", "TaskApi", "fetch_result", "poll_until_terminal"]

Jitter = Callable[[float, float], float]

_DENSE_MIN = 0.15  # shortest wait around an expected completion, in seconds
_OVERRUN = 0.3  # once past lead × expected, waits grow as this fraction of the overrun (×1.3 per poll)


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
    """Poll schedule (see the module docstring), `deadline` s per job, failure and result-fetch limits."""

    first: float = 0.75
    factor: float = 1.15
    cap: float = DEFAULTS.poll_cap
    jitter: float = 0.2
    lead: float = 0.85
    group_first: float = 0.1  # the first waits of a group's leader without history (it polls for all)
    group_factor: float = 1.05  # and their growth: the first round's end is seen within ~5 % of its length
    deadline: float | None = DEFAULTS.deadline
    max_poll_failures: int = 10
    result_attempts: int = 3
    result_grace: float = 1.0

    def wait(self, elapsed: float, expected: float | None = None) -> float:
        """The wait before the next poll, `elapsed` s after polling began (unjittered; a pure function)."""
        wait = min(max((self.factor - 1) * elapsed, self.first), self.cap)
        if expected is None or expected <= 0:
            return wait
        start = self.lead * expected
        if elapsed < start:
            return min(start - elapsed, self.cap)
        dense = max(_DENSE_MIN, (1 - self.lead) / 3 * expected, _OVERRUN * (elapsed - start))
        return min(dense, wait)

    def delay(self, elapsed: float, expected: float | None = None, rng: Jitter = random.uniform) -> float:
        """`wait()` with jitter; the long first wait towards an expected completion only ever shrinks."""
        wait = self.wait(elapsed, expected)
        early = expected is not None and expected > 0 and elapsed < self.lead * expected
        return wait * rng(1 - self.jitter, 1 if early else 1 + self.jitter)


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
    expected: float | None = None,
    group: PollGroup | None = None,
    timing: Timing | None = None,
    born: float | None = None,
) -> TaskStatus:
    """Poll until SUCCESS (returned) or another terminal status (raised as its JobError), or the deadline.

    `expected`: seconds until the task is likely done (None without history); `group`: its batch siblings;
    `timing`: what this session saw of like tasks (fed with what this poll sees), its ages counted from
    `born` (when the create was sent: closer to the server's start than the end of the create's answer).
    """
    started = time.monotonic()
    origin = started if born is None else born
    me = Sibling(started, started)
    if group is not None:
        group.join(me)
    try:
        failures = 0
        probed = False  # the timing's one probe between its bounds was sent
        while True:
            elapsed = time.monotonic() - started
            age = time.monotonic() - origin
            delay, timed = _delay(policy, elapsed, expected, group, me, timing, probed, age, started - origin)
            probed = probed or timed
            if policy.deadline is not None:
                remaining = policy.deadline - elapsed
                if remaining <= 0:
                    raise _late(policy, task_id, job)
                delay = min(delay, remaining)
            await me.sleep(delay)
            me.polled = time.monotonic()
            if group is not None:
                group.polls += 1
            if me.due is not None and me.polled >= me.due:
                me.due = None
            try:
                # The deadline also bounds a poll in flight: a reply dripping in never trips a read timeout.
                # (anyio, not asyncio.wait_for: on 3.11 wait_for can swallow a cancel() landing as it ends.)
                left = None if policy.deadline is None else policy.deadline - (me.polled - started)
                with anyio.fail_after(left):
                    status = await api.status(family, task_id)
            except TimeoutError:
                raise _late(policy, task_id, job) from None
            except ApiError as exc:
                failures += 1
                if isinstance(exc, NotFoundError):  # not a network problem: this server has no such task
                    raise PollFailedError(
                        "the server does not know this task (404): it was created on another server, or by a"
                        " sandbox that has restarted since, so it cannot be polled",
                        task_id=task_id,
                        job=job,
                        hint="Submit the request again (it is not a network problem; resuming cannot help)",
                    ) from exc
                if not _transient(exc) or failures >= policy.max_poll_failures:
                    raise PollFailedError(
                        f"status polls failed {failures} time(s) in a row: {exc}", task_id=task_id, job=job
                    ) from exc
                continue
            finally:
                if timing is not None:
                    timing.release(me)  # its probe (if it was one) is answered: the next may probe
            failures = 0
            if timing is not None:  # as of sending the poll (the server saw it a moment later)
                if status.status == "PENDING":
                    timing.pending(me.polled - origin, started - origin)
                elif status.status == "SUCCESS":
                    timing.success(me.polled - origin)
            if on_status is not None:
                on_status(status)
            if status.is_terminal:
                if group is not None and status.status == "SUCCESS":
                    group.succeeded(me)
                return _check(status, task_id, job)
    finally:
        if timing is not None:
            timing.release(me)  # cancelled while its probe was due
        if group is not None:
            group.leave(me)


def _delay(
    policy: PollPolicy,
    elapsed: float,
    expected: float | None,
    group: PollGroup | None,
    me: Sibling,
    timing: Timing | None,
    probed: bool,
    age: float,
    lag: float,
) -> tuple[float, bool]:
    """The wait before the next poll, and whether the timing chose it (see the module docstring); `lag`:
    how long after its send the create was answered (polling began then)."""
    leads = group is None or group.leads(me)
    if timing is not None:
        # Leader or not, a task probes the bracket only when no other task's probe is out (`claim`): each
        # round then narrows it once (a round led by an older, still polling task used to narrow it never).
        busy = timing.probing is not None and timing.probing is not me
        at = timing.next_poll(age, probed or busy, lag)
        if at is not None:
            timing.claim(me, at)
            return max(at - age, 0.0), True
        overrun = timing.overrun_wait(age)  # just past the ends seen: short waits, leaders and followers
        if overrun is not None:
            return min(overrun, policy.wait(elapsed)), False
    if group is None:
        return policy.delay(elapsed, expected), False
    if leads:
        first, factor = min(policy.first, policy.group_first), min(policy.factor, policy.group_factor)
        dense = replace(policy, first=first, factor=factor)
        return dense.delay(elapsed, expected), False
    return FOLLOW * policy.delay(elapsed, expected), False


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
