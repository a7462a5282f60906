"""Poll schedule and fault timing the sandbox cannot produce on demand (fake API, tiny intervals)."""

from __future__ import annotations

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
from camb_notebook.jobs import PollPolicy, fetch_result, poll_until_terminal

TINY = PollPolicy(first=0.001, cap=0.002, jitter=0.0, result_grace=0.001)


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


def test_schedule_grows_by_the_factor_up_to_the_cap() -> None:
    """Delays start at `first`, grow ×1.5 and stay at the cap; jitter scales each one."""
    policy = PollPolicy(first=1.0, factor=1.5, cap=3.0, jitter=0.2)
    assert list(itertools.islice(policy.delays(rng=lambda lo, hi: 1.0), 5)) == [1.0, 1.5, 2.25, 3.0, 3.0]
    assert next(policy.delays(rng=lambda lo, hi: lo)) == pytest.approx(0.8)


async def test_pending_then_success_returns_the_status() -> None:
    """PENDING polls continue until SUCCESS, whose run_id is returned."""
    api = ScriptedApi(["PENDING", "PENDING", "SUCCESS"])
    status = await poll_until_terminal(api, "translation", "task-1", TINY)
    assert status.run_id == 7 and api.polls == 3


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
