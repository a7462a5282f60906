"""The connection half of `ApiClient`: settings, lifecycle, and one httpx client per event loop.

The retry loop that sends through it lives in `_send.py`; the task-family calls in `_tasks.py` and
`_client.py`. Async only; any event loop may use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import random
import ssl
import time
import warnings
import weakref
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from camb_notebook.api._endpoint import checked_base_url, shown_url
from camb_notebook.api._errors import CambWarning, UsageError
from camb_notebook.api._key import ApiKey, KeyAuth, resolve_api_key
from camb_notebook.api._retry import Cooldown, RetryPolicy

__all__ = ["DEFAULT_TIMEOUT", "WireCore"]

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=60.0, pool=60.0)
_USER_AGENT = "camb-notebook/0.1"

S = TypeVar("S", bound="WireCore")


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One TLS context per process (made once: loading the CA bundle takes ~25 ms per client)."""
    return httpx.create_ssl_context()


class WireCore:
    """Connection handling and retries shared by every call of `ApiClient`."""

    def __init__(
        self,
        *,
        api_key: str | ApiKey | None = None,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float | None = None,
        max_connections: int = 100,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        wallclock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
        allow_insecure: bool = False,
    ) -> None:
        self.base_url = checked_base_url(base_url, allow_insecure=allow_insecure)
        self._key = resolve_api_key(api_key)
        self.retry = retry or RetryPolicy()
        self._timeout = DEFAULT_TIMEOUT if timeout is None else httpx.Timeout(timeout)
        # The longest one request may take in all (the read timeout bounds each read only).
        self.request_timeout = max(60.0, 2 * (self._timeout.read or 30.0))
        if max_connections < 1:
            raise UsageError("max_connections must be at least 1")
        self.max_connections = max_connections
        self._transport = transport
        self._sleep = sleep
        self._clock = clock
        self._wallclock = wallclock
        self._rng = rng
        self.cooldown = Cooldown(clock)
        self._clients: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[httpx.AsyncClient, asyncio.Semaphore]
        ] = weakref.WeakKeyDictionary()
        self._closed = False
        self._warned: set[str] = set()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<ApiClient {shown_url(self.base_url)} key={self._key.masked} {state}>"

    @property
    def rate_limit_hits(self) -> int:
        """429s this client has seen (the job engine adapts its in-flight limit to new ones)."""
        return self.cooldown.hits

    @property
    def api_key(self) -> ApiKey:
        """The masked key this client sends."""
        return self._key

    async def __aenter__(self: S) -> S:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pools of every loop this client used; closing twice is harmless."""
        self._closed = True
        current = asyncio.get_running_loop()
        entries = list(self._clients.items())
        self._clients.clear()
        for loop, (client, _gate) in entries:
            if loop is current:
                await client.aclose()
            elif loop.is_running() and not loop.is_closed():
                future = asyncio.run_coroutine_threadsafe(client.aclose(), loop)
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.wrap_future(future), timeout=5)

    def _http(self) -> tuple[httpx.AsyncClient, asyncio.Semaphore]:
        """This loop's httpx client and its in-flight gate, made on first use."""
        if self._closed:
            raise UsageError("This ApiClient is closed", hint="Create a new ApiClient")
        loop = asyncio.get_running_loop()
        entry = self._clients.get(loop)
        if entry is None or entry[0].is_closed:
            limits = httpx.Limits(
                max_connections=self.max_connections,
                max_keepalive_connections=min(self.max_connections, 20),
                keepalive_expiry=20.0,
            )
            client = httpx.AsyncClient(
                verify=_ssl_context(),
                base_url=self.base_url,
                auth=KeyAuth(self._key, self.base_url),
                timeout=self._timeout,
                limits=limits,
                transport=self._transport,
                headers={"user-agent": _USER_AGENT},
            )
            # Requests wait here, not in httpx's pool, so a large gather never hits PoolTimeout.
            entry = (client, asyncio.Semaphore(self.max_connections))
            self._clients[loop] = entry
        return entry

    def _warn_once(self, key: str, message: str, category: type[Warning] = CambWarning) -> None:
        """Warn about `key` only the first time this client sees it."""
        if key not in self._warned:
            self._warned.add(key)
            warnings.warn(message, category, stacklevel=3)
