"""The sending half of `ApiClient`: the retry loop every request goes through, and JSON decoding.

`_request` applies the `RetryPolicy` (`_retry.py`), honours the shared 429 cooldown, and maps every failure
through one error map (`_http.py`). Async only; any event loop may call it.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import anyio
import httpx

from camb_notebook.api._core import WireCore
from camb_notebook.api._errors import AmbiguousSubmitError, CambError, InvalidResponseError
from camb_notebook.api._http import error_for_response, map_transport_error
from camb_notebook.api._retry import (
    NOT_SENT_ERRORS,
    SAFE_RETRY_ERRORS,
    RequestKind,
    parse_retry_after,
    should_retry_status,
)

__all__ = ["BodyBuilder", "Sender", "json_body"]

log = logging.getLogger("camb_notebook.api")

_AMBIGUOUS_STATUSES = frozenset({500, 502, 503, 504})

T = TypeVar("T")
BodyBuilder = Callable[[], contextlib.AbstractContextManager[dict[str, Any]]]


@contextlib.contextmanager
def _no_body() -> Iterator[dict[str, Any]]:
    """Keyword arguments for a request without a body."""
    yield {}


def json_body(payload: Mapping[str, Any]) -> BodyBuilder:
    """A body builder for a JSON request."""

    @contextlib.contextmanager
    def body() -> Iterator[dict[str, Any]]:
        yield {"json": dict(payload)}

    return body


async def _exchange(client: httpx.AsyncClient, request: httpx.Request, stream: bool) -> httpx.Response:
    """Send `request` and read its body (only the headers of a successful stream)."""
    response = await client.send(request, stream=True)
    if not (stream and response.is_success):
        try:
            await response.aread()
        finally:
            await response.aclose()
    return response


class Sender(WireCore):
    """Sends one request with retries, decodes JSON answers (the base of every `ApiClient` call)."""

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
        raise_429: bool = False,
    ) -> httpx.Response:
        """Send with retries; returns a read response, or an open one when `stream` (caller closes it).

        `kind` "safe" retries every transient failure; "submit" and "stream" only provably unprocessed ones,
        and a create that failed after sending raises `AmbiguousSubmitError`. `raise_429`: a 429 raises
        `RateLimitedError` at once, without holding the client's other requests (the caller backs off).
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
                        # The read timeout bounds each read; this bounds the whole answer, so a server
                        # dripping a byte at a time cannot stretch one request (a stream: its headers).
                        # (anyio, not asyncio.wait_for: on 3.11 wait_for can swallow a cancel() at its end.)
                        with anyio.fail_after(self.request_timeout):
                            response = await _exchange(client, request, stream)
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
                failure = exc  # handled below, outside the handler, so no implicit __context__ is attached
            except TimeoutError:
                failure = httpx.ReadTimeout(f"the whole answer took over {self.request_timeout:g} s")
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
                raise_429=raise_429,
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
        raise_429: bool = False,
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
        if (retry_after is not None and retry_after > self.retry.retry_after_cap) or (
            raise_429 and status == 429
        ):
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
