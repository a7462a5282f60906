"""The sending half of `ApiClient`: lifecycle, one httpx client per event loop, and the retry loop.

Every request goes through `_request` (the `_retry.py` policy and the shared 429 cooldown) and one error
map (`_http.py`); the family calls live in `_client.py`. Async only; any event loop may call it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import time
import warnings
import weakref
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any, TypeVar

import httpx

from camb_notebook.api._errors import (
    AmbiguousSubmitError,
    CambError,
    CambWarning,
    InvalidResponseError,
    UsageError,
)
from camb_notebook.api._http import error_for_response, map_transport_error
from camb_notebook.api._key import ApiKey, KeyAuth, resolve_api_key
from camb_notebook.api._retry import (
    NOT_SENT_ERRORS,
    SAFE_RETRY_ERRORS,
    Cooldown,
    RequestKind,
    RetryPolicy,
    parse_retry_after,
    should_retry_status,
)

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "WireCore"]

log = logging.getLogger("camb_notebook.api")

DEFAULT_BASE_URL = "https://client.camb.ai/apis"
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=60.0, pool=60.0)
_AMBIGUOUS_STATUSES = frozenset({500, 502, 503, 504})
_USER_AGENT = "camb-notebook/0.1"

T = TypeVar("T")
S = TypeVar("S", bound="WireCore")
BodyBuilder = Callable[[], contextlib.AbstractContextManager[dict[str, Any]]]


@contextlib.contextmanager
def _no_body() -> Iterator[dict[str, Any]]:
    """Keyword arguments for a request without a body."""
    yield {}


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
    ) -> None:
        self._key = resolve_api_key(api_key)
        self.base_url = (base_url or os.environ.get("CAMB_API_BASE") or DEFAULT_BASE_URL).rstrip("/") + "/"
        self.retry = retry or RetryPolicy()
        self._timeout = DEFAULT_TIMEOUT if timeout is None else httpx.Timeout(timeout)
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
        return f"<ApiClient {self.base_url} key={self._key.masked} {state}>"

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

    async def _request(
        self,
        method: str,
        path: str,
        *,
        kind: RequestKind,
        what: str,
        body: BodyBuilder = _no_body,
        params: Mapping[str, Any] | None = None,
        stream: bool = False,
        task_id: str | None = None,
        run_id: int | None = None,
        gone_means_deprecated: bool = False,
    ) -> httpx.Response:
        """Send with retries; returns a read response, or an open one when `stream` (caller closes it).

        `kind` "safe" retries every transient failure; "submit" and "stream" only provably unprocessed ones,
        and a create that failed after sending raises `AmbiguousSubmitError`.
        """
        start = self._clock()
        attempt = 0
        ids: dict[str, Any] = {"task_id": task_id, "run_id": run_id}
        shown = path.split("?", 1)[0]  # presigned media URLs carry signatures in the query: never logged
        while True:
            await self.cooldown.wait(self._sleep)
            client, gate = self._http()
            failure: Exception | None = None
            try:
                with body() as kwargs:
                    request = client.build_request(method, path, params=params, **kwargs)
                    async with gate:  # held until the body is read, so the pool always has a free slot
                        response = await client.send(request, stream=True)
                        if not (stream and response.is_success):
                            try:
                                await response.aread()
                            finally:
                                await response.aclose()
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
                failure = exc  # handled below, outside the handler, so no implicit __context__ is attached
            if failure is not None:
                error = map_transport_error(failure, what=what, submit=kind == "submit", **ids)
                retryable = isinstance(failure, SAFE_RETRY_ERRORS if kind == "safe" else NOT_SENT_ERRORS)
                delay = self.retry.backoff(attempt, self._rng())
                if not retryable or not self._may_retry(attempt, start, delay):
                    cause, failure = self._safe_cause(failure), None  # keep a key-bearing text out of locals
                    raise error from cause
                log.debug(
                    "%s %s: %s; retry %d in %.2fs", method, shown, type(failure).__name__, attempt + 1, delay
                )
                await self._sleep(delay)
                attempt += 1
                continue
            log.debug("%s %s -> %d (attempt %d)", method, shown, response.status_code, attempt + 1)
            if response.is_success:
                return response
            await self._raise_or_wait(
                response,
                kind=kind,
                what=what,
                attempt=attempt,
                start=start,
                ids=ids,
                gone=gone_means_deprecated,
            )
            attempt += 1

    def _safe_cause(self, exc: Exception) -> Exception | None:
        """The httpx exception to chain, or None if its text would show the key."""
        secret = self._key.reveal()
        return None if any(secret in str(arg) for arg in (exc, *exc.args)) else exc

    def _may_retry(self, attempt: int, start: float, delay: float) -> bool:
        """Whether retry number `attempt` fits the retry count and the per-call budget."""
        return attempt < self.retry.max_retries and self._clock() + delay - start <= self.retry.budget

    async def _raise_or_wait(
        self,
        response: httpx.Response,
        *,
        kind: RequestKind,
        what: str,
        attempt: int,
        start: float,
        ids: dict[str, Any],
        gone: bool,
    ) -> None:
        """Raise the error for a non-2xx answer, or wait before the next attempt if it may be retried."""
        status = response.status_code
        retry_after = parse_retry_after(response.headers, self._wallclock())
        error: CambError = error_for_response(
            response, what=what, key=self._key, retry_after=retry_after, gone_means_deprecated=gone, **ids
        )
        if not should_retry_status(kind, status, retry_after, response.headers):
            if kind == "submit" and status in _AMBIGUOUS_STATUSES:
                raise AmbiguousSubmitError(
                    f"{what}: the API answered {status} after receiving it", **ids
                ) from error
            raise error
        if retry_after is not None and retry_after > self.retry.retry_after_cap:
            raise error
        if retry_after is not None:
            delay = self.retry.retry_after_delay(retry_after, self._rng())
        else:
            delay = self.retry.backoff(attempt, self._rng())
        if status == 429:
            self.cooldown.extend(delay)  # every request of this client now waits at the gate
        if not self._may_retry(attempt, start, delay):
            raise error
        log.debug("%s: %d; retry %d in %.2fs", what, status, attempt + 1, delay)
        if status != 429:
            await self._sleep(delay)

    async def _json(
        self,
        method: str,
        path: str,
        *,
        kind: RequestKind,
        what: str,
        parse: Callable[[Any, str], T],
        **kw: Any,
    ) -> T:
        """Send, decode JSON and parse; a malformed answer to a safe request is read again (bounded)."""
        left = self.retry.invalid_response_retries if kind == "safe" else 0
        while True:
            response = await self._request(method, path, kind=kind, what=what, **kw)
            try:
                return parse(self._decode(response, what), what)
            except InvalidResponseError:
                if left == 0:
                    raise
                left -= 1
                log.debug("%s: malformed answer, reading again", what)

    def _decode(self, response: httpx.Response, what: str) -> Any:
        """The JSON body, or `InvalidResponseError` naming the content type (never the raw body)."""
        try:
            return json.loads(response.content)
        except ValueError:
            kind = response.headers.get("content-type", "no content type")
            raise InvalidResponseError(
                f"{what}: the answer is not JSON ({kind}, {len(response.content)} bytes)"
            ) from None
