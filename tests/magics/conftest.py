"""In-process IPython shell for the magics tests: one shell per session, the extension loaded per test."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from suite_helpers import suite_shell


@pytest.fixture(scope="session")
def _global_shell() -> Any:
    """The suite's in-process IPython shell, shared with other test modules (history off: no SQLite files)."""
    return suite_shell()


@pytest.fixture
def ip(_global_shell: Any) -> Iterator[Any]:
    """The shell with `camb_notebook` loaded; names and `%config` values a test adds are removed after."""
    before = set(_global_shell.user_ns)
    _global_shell.extension_manager.load_extension("camb_notebook")
    yield _global_shell
    _global_shell.extension_manager.unload_extension("camb_notebook")
    _global_shell.config.pop("CambMagics", None)
    for name in set(_global_shell.user_ns) - before:
        del _global_shell.user_ns[name]


@pytest.fixture
def sandboxed(ip: Any, camb_sandbox_env: Any) -> Iterator[Any]:
    """The shell with a fresh default session on the test sandbox and fast polls (closed afterwards)."""
    from camb_notebook.sessions import _process as _session

    _session._default = None
    manager = _session.session().manager
    manager.policy = dataclasses.replace(manager.policy, first=0.02, jitter=0.0)
    ip.run_line_magic("config", "CambMagics.poll_cap = 0.1")
    yield camb_sandbox_env
    if _session._default is not None:
        _session._default.close()
        _session._default = None
