"""Engine fixtures: JobManagers on the sandbox with a fast poll schedule, closed after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from camb_notebook.api import ApiClient
from camb_notebook.jobs import JobManager, PollPolicy
from camb_notebook.sessions import Camb

FAST = PollPolicy(first=0.02, cap=0.05, jitter=0.0, result_grace=0.01)


@pytest.fixture
def make_manager(camb_sandbox: Any) -> Iterator[Callable[..., JobManager]]:
    """Factory of JobManagers talking to the sandbox over loopback HTTP (polling every 20–50 ms)."""
    made: list[JobManager] = []

    def make(api_key: str | None = None) -> JobManager:
        api = ApiClient(api_key=api_key or camb_sandbox.api_key, base_url=camb_sandbox.base_url)
        engine = JobManager(api, policy=FAST)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.close()


@pytest.fixture
def fast_policy() -> PollPolicy:
    """The fast poll schedule the engine tests use."""
    return FAST


@pytest.fixture
def manager(make_manager: Callable[..., JobManager]) -> JobManager:
    """One JobManager on the sandbox."""
    return make_manager()


@pytest.fixture
def camb(camb_sandbox: Any, fast_policy: PollPolicy) -> Iterator[Camb]:
    """A Camb session on the sandbox with the fast poll schedule (closed after the test)."""
    with Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url) as session_:
        session_.manager.policy = fast_policy
        yield session_
