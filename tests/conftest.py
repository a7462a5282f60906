"""Suite-wide isolation: every test gets its own journal/cache home and no ambient key or endpoint."""

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
