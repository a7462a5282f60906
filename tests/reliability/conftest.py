"""Fixtures for the reliability suite: clients and engines on the test sandbox with fast policies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import FAST_POLL, FAST_RETRY, REPO, MakeApi, load_module

from camb_notebook.api import ApiClient
from camb_notebook.jobs import JobManager, PollPolicy
from camb_notebook.sandbox import Sandbox
from camb_notebook.sessions import Camb


@pytest.fixture
def make_api(camb_sandbox: Sandbox) -> MakeApi:
    """Build ApiClients on the test sandbox with the fast retry policy (keyword overrides allowed)."""

    def make(**kwargs: Any) -> ApiClient:
        kwargs.setdefault("api_key", camb_sandbox.api_key)
        kwargs.setdefault("base_url", camb_sandbox.base_url)
        kwargs.setdefault("retry", FAST_RETRY)
        return ApiClient(**kwargs)

    return make


@pytest.fixture
def make_manager(make_api: MakeApi, tmp_path: Path) -> Iterator[Callable[..., JobManager]]:
    """Build JobManagers (fast polls, own journal) over a sandbox ApiClient; all are closed afterwards."""
    made: list[JobManager] = []

    def make(*, policy: PollPolicy = FAST_POLL, api: Any = None, **kwargs: Any) -> JobManager:
        kwargs.setdefault("home", tmp_path / "journal")
        manager = JobManager(api or make_api(), policy=policy, **kwargs)
        made.append(manager)
        return manager

    yield make
    for manager in made:
        manager.close()


@pytest.fixture
def camb(camb_sandbox: Sandbox, tmp_path: Path) -> Iterator[Camb]:
    """A Camb session on the test sandbox with its own journal and the fast poll schedule."""
    session = Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url, home=tmp_path / "journal")
    session.manager.policy = FAST_POLL
    yield session
    session.close()


# The real-kernel fixtures of tests/kernel (`start_kernel` gives kernels wired to the test sandbox).
_kernel = load_module("reliability_kernel_fixtures", REPO / "tests" / "kernel" / "conftest.py")
kernel_env = _kernel.kernel_env
start_kernel = _kernel.start_kernel


FAULTS_INJECTED: dict[str, int] = {}


@pytest.fixture(autouse=True)
def _count_faults(request: pytest.FixtureRequest, camb_sandbox_server: Sandbox) -> Iterator[None]:
    """Add the faults the test sandbox injected during each test to the suite's tally."""
    yield
    if "camb_sandbox" in request.fixturenames:  # it was reset before this test, so these are its own
        for kind, count in camb_sandbox_server.stats.faults_injected.items():
            FAULTS_INJECTED[kind] = FAULTS_INJECTED.get(kind, 0) + count


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print how many faults the sandbox injected across the reliability tests that ran."""
    if FAULTS_INJECTED:
        total = sum(FAULTS_INJECTED.values())
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(FAULTS_INJECTED.items()))
        terminalreporter.write_line(f"reliability: {total} faults injected by the sandbox ({kinds})")
