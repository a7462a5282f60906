"""LazyApi: the engine's view of a session's ApiClient, made (with the key) only when a job first needs it.

A session can exist, list jobs and resume without a key; the key is looked up on the first request.
Loop thread only. Usage: `JobManager(LazyApi(lambda: session.api, lambda: session._api))`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from camb_notebook.api import ApiClient

__all__ = ["LazyApi"]


class LazyApi:
    """The engine's view of the session's ApiClient, created (with the key) only when a job first needs it."""

    def __init__(self, client: Callable[[], ApiClient], current: Callable[[], ApiClient | None]) -> None:
        """`client()` makes (or returns) the session's client; `current()` returns it only if it exists."""
        self._client = client
        self._current = current

    async def create(self, family: Any, request: Any) -> str:
        """Create a task."""
        return await self._client().create(family, request)

    async def status(self, family: Any, task_id: str) -> Any:
        """Poll a task."""
        return await self._client().status(family, task_id)

    async def result(self, family: Any, run_id: int) -> Any:
        """Fetch a result."""
        return await self._client().result(family, run_id)

    async def results(self, family: Any, run_ids: Sequence[int]) -> Any:
        """Fetch several results in bulk (batches use it)."""
        return await self._client().results(family, run_ids)

    @property
    def rate_limit_hits(self) -> int:
        """429s the current client has seen (the engine shrinks its in-flight limit on new ones)."""
        api = self._current()
        return 0 if api is None else api.cooldown.hits

    async def aclose(self) -> None:
        """Close the current client, if one was made."""
        api = self._current()
        if api is not None:
            await api.aclose()
