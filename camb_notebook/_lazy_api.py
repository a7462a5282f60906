"""LazyApi: the engine's view of a session's ApiClient, made (with the key) only when a job first needs it.

A session can exist, list jobs and resume without a key; the key is looked up on the first request.
Loop thread only. Usage: `JobManager(LazyApi(session))`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from camb_notebook._session import Camb

__all__ = ["LazyApi"]


class LazyApi:
    """The engine's view of the session's ApiClient, created (with the key) only when a job first needs it."""

    def __init__(self, owner: Camb) -> None:
        """Point at the owning session."""
        self._owner = owner

    async def create(self, family: Any, request: Any) -> str:
        """Create a task."""
        return await self._owner.api.create(family, request)

    async def status(self, family: Any, task_id: str) -> Any:
        """Poll a task."""
        return await self._owner.api.status(family, task_id)

    async def result(self, family: Any, run_id: int) -> Any:
        """Fetch a result."""
        return await self._owner.api.result(family, run_id)

    async def results(self, family: Any, run_ids: Sequence[int]) -> Any:
        """Fetch several results in bulk (batches use it)."""
        return await self._owner.api.results(family, run_ids)

    @property
    def rate_limit_hits(self) -> int:
        """429s the current client has seen (the engine shrinks its in-flight limit on new ones)."""
        api = self._owner._api
        return 0 if api is None else api.cooldown.hits

    async def aclose(self) -> None:
        """Close the current client, if one was made."""
        if self._owner._api is not None:
            await self._owner._api.aclose()
