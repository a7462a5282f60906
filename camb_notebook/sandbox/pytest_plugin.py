"""pytest plugin (entry point `camb_sandbox`): the `camb_sandbox` fixture, a fast sandbox reset before each
test.

One server per test session (started lazily, only when a test asks for it); FastAPI is imported only then,
so the plugin costs nothing to projects that never use the fixture. `camb_sandbox_env` also points
`CAMB_API_BASE` and `CAMB_API_KEY` at it. Usage: `def test_x(camb_sandbox): httpx.get(camb_sandbox.base_url
+ "/list-voices", ...)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from camb_notebook.sandbox._server import Sandbox

__all__ = ["camb_sandbox", "camb_sandbox_env", "camb_sandbox_server"]


@pytest.fixture(scope="session")
def camb_sandbox_server() -> Iterator[Sandbox]:
    """Run one fast sandbox thread server for the whole session."""
    from camb_notebook.sandbox._config import SandboxConfig
    from camb_notebook.sandbox._server import Sandbox

    with Sandbox(SandboxConfig.fast()) as sandbox:
        yield sandbox


@pytest.fixture
def camb_sandbox(camb_sandbox_server: Sandbox) -> Iterator[Sandbox]:
    """Yield the session sandbox reset (fast config, no tasks/counters/faults); re-raise its crashes after."""
    camb_sandbox_server.reset()
    yield camb_sandbox_server
    camb_sandbox_server.raise_errors()


@pytest.fixture
def camb_sandbox_env(camb_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """Return `camb_sandbox` with `CAMB_API_BASE`/`CAMB_API_KEY` pointing at it for this test."""
    monkeypatch.setenv("CAMB_API_BASE", camb_sandbox.base_url)
    monkeypatch.setenv("CAMB_API_KEY", camb_sandbox.api_key)
    return camb_sandbox
