"""Suite-wide isolation (own journal/cache home, no ambient key or endpoint) and the `slow` tier.

Bounded waits and sandbox task holds live in suite_helpers.py (`from suite_helpers import wait_until`).
Tests marked `kernel` or `browser` (real kernels, JupyterLab) are marked `slow` too; `make test-fast` runs
`-m "not slow and not browser"`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the journal and cache at a temp dir and clear CAMB_* variables so tests never share state."""
    home = tmp_path / "camb-home"
    home.mkdir()
    monkeypatch.setenv("CAMB_NOTEBOOK_HOME", str(home))
    for name in ("CAMB_API_KEY", "CAMB_API_BASE", "CAMB_SANDBOX"):
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.hookimpl(trylast=True)  # after tests/kernel/conftest.py adds its `kernel` marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every real-kernel or browser test `slow` (the fast tier deselects them)."""
    for item in items:
        if item.get_closest_marker("kernel") or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
