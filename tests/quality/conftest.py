"""Fixtures for the protection and QA tests: a Camb session on the sandbox with a fast poll schedule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from camb_notebook.jobs import PollPolicy
from camb_notebook.sandbox import Sandbox
from camb_notebook.sessions import Camb


@pytest.fixture
def camb(camb_sandbox: Sandbox, tmp_path: Path) -> Iterator[Camb]:
    """A session on the test sandbox with its own journal, polling every few milliseconds."""
    session = Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url, home=tmp_path / "journal")
    session.manager.policy = PollPolicy(first=0.02, cap=0.1, jitter=0.0)
    yield session
    session.close()
