"""Poll schedule and fault timing the sandbox cannot produce on demand (fake API, tiny intervals)."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from camb_notebook.api import (
    ApiConnectionError,
    AuthenticationError,
    JobDeadlineExceeded,
    JobTimedOut,
    NotFoundError,
    PollFailedError,
    ResultUnavailableError,
    TaskStatus,
    TranslationResult,
)
from camb_notebook.jobs import PollGroup, PollPolicy, fetch_result, poll_until_terminal

TINY = PollPolicy(first=0.001, cap=0.002, jitter=0.0, result_grace=0.001)
HOUR = PollPolicy(first=3600.0, cap=3600.0)  # a job that polls only when a sibling wakes it


class ScriptedApi:
    """Answers status polls and result fetches from scripts (an item that is an exception is raised)."""

    def __init__(self, statuses: list[Any], results: list[Any] | None = None) -> None:
        """Script the answers."""
        self.statuses = iter(statuses)
        self.results = iter(results or [])
        self.polls = 0

    async def create(self, family: Any, request: Any) -> str:
        """Pretend to create a task."""
        return "task-1"

    async def status(self, family: Any, task_id: str) -> TaskStatus:
        """Next scripted status."""
        self.polls += 1
        item = next(self.statuses)
        if isinstance(item, BaseException):
            raise item
        return TaskStatus(item, run_id=7 if item == "SUCCESS" else None)

    async def result(self, family: Any, run_id: int) -> Any:
        """Next scripted result."""
        item = next(self.results)
        if isinstance(item, BaseException):
            raise item
        return item


def _schedule(policy: PollPolicy, expected: float | None, until: float) -> list[float]:
    """Poll times of the unjittered schedule up to `until` s, with instant answers."""
    times, elapsed = [], 0.0
    while (elapsed := elapsed + policy.wait(elapsed, expected)) <= until:
        times.append(elapsed)
    return times


def test_without_history_waits_stay_proportional_to_elapsed_time() -> None:
    """No history: waits are `first` until (factor - 1) × elapsed is longer, then grow with it to the cap."""
    policy = PollPolicy(first=1.0, factor=1.2, cap=3.0)
    assert policy.wait(0.0) == policy.wait(4.9) == 1.0
    assert policy.wait(10.0) == pytest.approx(2.0)
    assert policy.wait(100.0) == 3.0
    waits = [policy.wait(t) for t in [0.0, *_schedule(policy, None, 60.0)]]
    assert max(waits) == 3.0 and waits == sorted(waits)


def test_default_schedule_keeps_the_wait_near_a_tenth_of_the_task() -> None:
    """The default's waits before 10 s stay ≤ 0.75 s or 15 % of elapsed time (a median delay ≤ ~1 s)."""
    policy = PollPolicy()
    times = _schedule(policy, None, 10.0)
    assert all(b - a <= max(0.75, 0.15 * a) + 1e-9 for a, b in itertools.pairwise(times))
    assert len(_schedule(policy, None, 2.0)) == 2 and len(times) < 15


def test_with_history_the_first_poll_comes_near_the_expected_completion() -> None:
    """Expected 4 s: one wait to 85 % of it, then short waits; the cap still bounds the long first wait."""
    policy = PollPolicy(cap=10.0, lead=0.85)
    times = _schedule(policy, 4.0, 4.5)
    assert times[0] == pytest.approx(3.4) and len(times) <= 6
    assert all(b - a <= 0.25 for a, b in itertools.pairwise(times))
    assert _schedule(policy, 40.0, 34.0)[:3] == pytest.approx([10.0, 20.0, 30.0])


def test_an_overrunning_task_falls_back_to_the_proportional_schedule() -> None:
    """A task far past its expected time is polled no more often than without history."""
    policy = PollPolicy()
    for elapsed in (5.0, 20.0, 200.0):
        assert policy.wait(elapsed, 2.0) == policy.wait(elapsed)
    assert len(_schedule(policy, 2.0, 30.0)) <= len(_schedule(policy, None, 30.0)) + 6


def test_jitter_never_delays_the_first_poll_past_the_expected_lead() -> None:
    """Jitter spreads waits both ways, but the wait towards an expected completion only shrinks."""
    policy = PollPolicy(first=1.0, jitter=0.2)
    assert policy.delay(0.0, rng=lambda lo, hi: hi) == pytest.approx(1.2)
    assert policy.delay(0.0, 4.0, rng=lambda lo, hi: hi) == pytest.approx(3.4)
    assert policy.delay(0.0, 4.0, rng=lambda lo, hi: lo) == pytest.approx(3.4 * 0.8)


async def test_pending_then_success_returns_the_status() -> None:
    """PENDING polls continue until SUCCESS, whose run_id is returned."""
    api = ScriptedApi(["PENDING", "PENDING", "SUCCESS"])
    status = await poll_until_terminal(api, "translation", "task-1", TINY)
    assert status.run_id == 7 and api.polls == 3


async def test_a_sibling_seen_done_wakes_the_older_siblings_poll() -> None:
    """In a PollGroup, a younger job's SUCCESS makes an older job poll now instead of after its long wait."""
    group = PollGroup(min_gap=0.0)
    older_api, younger_api = ScriptedApi(["SUCCESS"]), ScriptedApi(["PENDING", "SUCCESS"])
    older = asyncio.ensure_future(poll_until_terminal(older_api, "translation", "task-1", HOUR, group=group))
    await asyncio.sleep(0)  # the older job begins polling (and waiting) first
    await poll_until_terminal(younger_api, "translation", "task-2", TINY, group=group)
    assert (await asyncio.wait_for(older, 30)).status == "SUCCESS" and older_api.polls == 1


async def test_an_older_siblings_success_times_the_younger_ones_next_poll() -> None:
    """A younger sibling is polled once it has run as long as the older one that ended, not after its wait."""
    group = PollGroup(min_gap=0.0)
    short = PollPolicy(first=0.05, jitter=0.0)
    older = asyncio.ensure_future(
        poll_until_terminal(ScriptedApi(["SUCCESS"]), "translation", "t-1", short, group=group)
    )
    await asyncio.sleep(0)  # the older job begins its 0.05 s wait before the younger one joins
    younger_api = ScriptedApi(["SUCCESS"])
    younger = asyncio.ensure_future(poll_until_terminal(younger_api, "translation", "t-2", HOUR, group=group))
    await older
    assert (await asyncio.wait_for(younger, 30)).status == "SUCCESS" and younger_api.polls == 1


async def test_transient_poll_failures_are_tolerated() -> None:
    """Network errors between polls are retried by the schedule without failing the job."""
    api = ScriptedApi([ApiConnectionError("down"), ApiConnectionError("down"), "SUCCESS"])
    assert (await poll_until_terminal(api, "translation", "task-1", TINY)).status == "SUCCESS"


async def test_persistent_poll_failures_raise_poll_failed() -> None:
    """Too many failed polls in a row raise PollFailedError carrying the task_id."""
    policy = PollPolicy(first=0.001, cap=0.001, max_poll_failures=3)
    api = ScriptedApi([ApiConnectionError("down")] * 5)
    with pytest.raises(PollFailedError) as caught:
        await poll_until_terminal(api, "translation", "task-1", policy)
    assert caught.value.task_id == "task-1" and api.polls == 3


async def test_auth_errors_stop_polling_at_once() -> None:
    """A non-transient error (401) ends polling after one attempt."""
    api = ScriptedApi([AuthenticationError("bad key", status_code=401)])
    with pytest.raises(PollFailedError):
        await poll_until_terminal(api, "translation", "task-1", TINY)
    assert api.polls == 1


async def test_deadline_raises_with_the_handle() -> None:
    """A task pending past the local deadline raises JobDeadlineExceeded carrying the job and task_id."""
    policy = PollPolicy(first=0.01, cap=0.01, jitter=0.0, deadline=0.05)
    api = ScriptedApi(itertools.repeat("PENDING"))  # type: ignore[arg-type]
    marker = object()
    with pytest.raises(JobDeadlineExceeded) as caught:
        await poll_until_terminal(api, "translation", "task-1", policy, job=marker)
    assert caught.value.job is marker and caught.value.task_id == "task-1"
    assert api.polls <= 6


async def test_terminal_statuses_map_to_job_errors() -> None:
    """A server TIMEOUT becomes JobTimedOut."""
    with pytest.raises(JobTimedOut):
        await poll_until_terminal(ScriptedApi(["TIMEOUT"]), "translation", "task-1", TINY)


async def test_result_fetch_has_a_grace_window_for_404() -> None:
    """A 404 right after SUCCESS is retried; a persistent one raises ResultUnavailableError."""
    done = TranslationResult(texts=("ok",))
    api = ScriptedApi([], [NotFoundError("nope", status_code=404), done])
    assert await fetch_result(api, "translation", "task-1", 7, TINY, None) == done
    gone = ScriptedApi([], [NotFoundError("nope", status_code=404)] * 3)
    with pytest.raises(ResultUnavailableError) as caught:
        await fetch_result(gone, "translation", "task-1", 7, TINY, None)
    assert caught.value.run_id == 7
