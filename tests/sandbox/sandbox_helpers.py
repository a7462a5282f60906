"""Helpers for the sandbox tests: poll a task to its end, create a task."""

from __future__ import annotations

import time
from typing import Any

import httpx


def finish(api: httpx.Client, status_path: str, *, want: str = "SUCCESS") -> dict[str, Any]:
    """Poll `status_path` until it leaves PENDING, assert it reached `want`, and return the status body."""
    for _ in range(300):
        body: dict[str, Any] = api.get(status_path).raise_for_status().json()
        if body["status"] != "PENDING":
            assert body["status"] == want, body
            return body
        time.sleep(0.01)
    raise AssertionError(f"{status_path} stayed PENDING")


def create(api: httpx.Client, path: str, **kwargs: Any) -> str:
    """POST a create request, assert 200, and return the task_id."""
    response = api.post(path, **kwargs)
    assert response.status_code == 200, response.text
    task_id: str = response.json()["task_id"]
    return task_id


TRANSLATE = {"texts": ["Hello", "World"], "source_language": 1, "target_language": "es-es"}
