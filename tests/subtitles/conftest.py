"""Fixtures for the subtitle tests: a session on the test sandbox with fast polls, and a long transcript."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from suite_helpers import suite_shell

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


@pytest.fixture(scope="session")
def _shell() -> Any:
    """The suite's in-process IPython shell (shared with the magics tests; history off)."""
    return suite_shell()


@pytest.fixture
def ip(_shell: Any, camb_sandbox_env: Sandbox) -> Iterator[Any]:
    """The shell with camb_notebook loaded and a fresh default session on the test sandbox (fast polls)."""
    from camb_notebook.sessions import _process as _session

    before = set(_shell.user_ns)
    _shell.extension_manager.load_extension("camb_notebook")
    _session._default = None
    manager = _session.session().manager
    manager.policy = dataclasses.replace(manager.policy, first=0.02, jitter=0.0)
    _shell.run_line_magic("config", "CambMagics.poll_cap = 0.1")
    _shell.run_line_magic("config", "CambMagics.progress = 'text'")
    yield _shell
    if _session._default is not None:
        _session._default.close()
        _session._default = None
    _shell.extension_manager.unload_extension("camb_notebook")
    _shell.config.pop("CambMagics", None)
    for name in set(_shell.user_ns) - before:
        del _shell.user_ns[name]
