"""Fixtures for the reliability suite: clients and engines on the test sandbox with fast policies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import FAST_POLL, FAST_RETRY, REPO, MakeApi, load_module

from camb_notebook._session import Camb
from camb_notebook.api import ApiClient
from camb_notebook.jobs import JobManager, PollPolicy
from camb_notebook.sandbox import Sandbox


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
