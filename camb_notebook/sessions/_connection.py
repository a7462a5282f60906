"""Connection: a session's key, base URL and wire client, made (with the key) only when a request needs it.

It is also the engine's view of the API (`create`/`status`/`result`/`results`), so a session can exist, list
jobs and resume without a key. Changing the key retires the old client; running polls finish with it.
Usage: `JobManager(Connection(api_key, base_url))`; task calls on the engine's loop thread only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from camb_notebook.api import (
    DEFAULT_BASE_URL,
    ApiClient,
    ApiKey,
    MissingKeyError,
    checked_base_url,
    resolve_api_key,
    shown_url,
)

__all__ = ["Connection"]


class Connection:
    """A session's key and wire client: the client is made on first use and replaced when the key changes."""

    def __init__(
        self, api_key: str | ApiKey | None, base_url: str | None, *, allow_insecure: bool = False
    ) -> None:
        """Keep the key (else looked up when first needed: CAMB_API_KEY → .env) and the checked base URL."""
        self._key = None if api_key is None else ApiKey(api_key)
        checked_base_url(
            base_url, allow_insecure=allow_insecure
        )  # a bad or clear-text base fails here, early
        self.base_url = base_url
        self.allow_insecure = allow_insecure
        self._client: ApiClient | None = None
        self._retired: list[ApiClient] = []

    @property
    def endpoint(self) -> str:
        """Where requests go (argument, else CAMB_API_BASE, else the real API), credentials masked."""
        return shown_url(self.base_url or os.environ.get("CAMB_API_BASE") or DEFAULT_BASE_URL)

    @property
    def client(self) -> ApiClient:
        """The wire client (created on first use; use it on the engine's loop thread only)."""
        if self._client is None:
            self._client = ApiClient(
                api_key=self._key, base_url=self.base_url, allow_insecure=self.allow_insecure
            )
        return self._client

    # -- the engine's view (loop thread) ---------------------------------------------------------------------

    async def create(self, family: Any, request: Any) -> str:
        """Create a task."""
        return await self.client.create(family, request)

    async def create_or_429(self, family: Any, request: Any) -> str:
        """Create a task; a 429 raises at once (the engine backs off itself)."""
        return await self.client.create_or_429(family, request)

    async def status(self, family: Any, task_id: str) -> Any:
        """Poll a task."""
        return await self.client.status(family, task_id)

    async def result(self, family: Any, run_id: int) -> Any:
        """Fetch a result."""
        return await self.client.result(family, run_id)

    async def results(self, family: Any, run_ids: Sequence[int]) -> Any:
        """Fetch several results in bulk (batches use it)."""
        return await self.client.results(family, run_ids)

    async def speak(self, request: Any) -> Any:
        """Speech read whole from tts-stream (a direct job: no task)."""
        return await self.client.speak(request)

    @property
    def rate_limit_hits(self) -> int:
        """429s the current client has seen (the engine shrinks its in-flight limit on new ones)."""
        return 0 if self._client is None else self._client.cooldown.hits

    async def aclose(self) -> None:
        """Close the current client and every retired one."""
        clients = [*self._retired, *([self._client] if self._client is not None else [])]
        self._retired.clear()
        for client in clients:
            await client.aclose()

    # -- the key -------------------------------------------------------------------------------------------

    def require_key(self, hint: str | None = None) -> None:
        """Raise MissingKeyError (with `hint`, else the default one) unless an API key can be found."""
        try:
            resolve_api_key(self._key)
        except MissingKeyError:
            raise MissingKeyError("No CAMB.AI API key", hint=hint) from None

    def key_status(self) -> str:
        """Where the key comes from, masked (never the key)."""
        try:
            key = resolve_api_key(self._key)
        except MissingKeyError:
            return "no API key (set CAMB_API_KEY or call set_key())"
        return f"API key set ({key.masked})"

    def set_key(self, key: str | ApiKey) -> None:
        """Use another API key for new requests (running polls finish with the old client)."""
        self._key = ApiKey(key)
        if self._client is not None:
            self._retired.append(self._client)
            self._client = None
