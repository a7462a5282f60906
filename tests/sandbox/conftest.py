"""Fixtures for the sandbox tests: a plain httpx client on the session sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from camb_notebook.sandbox import Sandbox


@pytest.fixture
def api(camb_sandbox: Sandbox) -> Iterator[httpx.Client]:
    """Return an httpx client with the sandbox key, aimed at the sandbox base URL."""
    with httpx.Client(
        base_url=camb_sandbox.base_url + "/", headers={"x-api-key": camb_sandbox.api_key}
    ) as client:
        yield client
