"""Translate httpx failures and error responses into `CambError`s, in this one place.

`map_transport_error` covers every httpx exception (a test checks the map is complete); `error_for_response`
turns a non-2xx answer into the matching `ApiStatusError`. Messages are ours: never httpx's text (it can
hold URLs with query strings), never headers; server text is scrubbed of the key and of URL queries.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from camb_notebook.api._errors import (
    AmbiguousSubmitError,
    ApiConnectionError,
    ApiError,
    ApiStatusError,
    ApiTimeout,
    AuthenticationError,
    CambError,
    EndpointGoneError,
    InvalidResponseError,
    NotFoundError,
    PaymentRequiredError,
    RateLimitedError,
    UsageError,
    ValidationError,
)
from camb_notebook.api._key import ApiKey
from camb_notebook.api._retry import NOT_SENT_ERRORS

__all__ = ["TRANSPORT_ERROR_MAP", "error_for_response", "map_transport_error", "server_detail"]

# httpx exception → (our class, what happened); most specific first.
TRANSPORT_ERROR_MAP: tuple[tuple[type[Exception], type[CambError], str], ...] = (
    (httpx.PoolTimeout, ApiTimeout, "no free connection in the pool in time"),
    (httpx.ConnectTimeout, ApiTimeout, "connecting to the API timed out"),
    (httpx.ReadTimeout, ApiTimeout, "the API did not answer in time"),
    (httpx.WriteTimeout, ApiTimeout, "sending the request timed out"),
    (httpx.TimeoutException, ApiTimeout, "the request timed out"),
    (httpx.ConnectError, ApiConnectionError, "could not connect to the API"),
    (httpx.ReadError, ApiConnectionError, "the connection broke while reading the answer"),
    (httpx.WriteError, ApiConnectionError, "the connection broke while sending the request"),
    (httpx.CloseError, ApiConnectionError, "closing the connection failed"),
    (httpx.NetworkError, ApiConnectionError, "a network error occurred"),
    (httpx.ProxyError, ApiConnectionError, "the proxy refused the request"),
    (httpx.RemoteProtocolError, ApiConnectionError, "the API closed the connection without a full answer"),
    (httpx.LocalProtocolError, UsageError, "the request could not be encoded (bad header or body)"),
    (httpx.ProtocolError, ApiConnectionError, "an HTTP protocol error occurred"),
    (httpx.UnsupportedProtocol, UsageError, "the API base URL must start with http:// or https://"),
    (httpx.DecodingError, InvalidResponseError, "the answer could not be decoded"),
    (httpx.TooManyRedirects, InvalidResponseError, "the API redirected too many times"),
    (httpx.TransportError, ApiConnectionError, "the request failed in transport"),
    (httpx.RequestError, ApiConnectionError, "the request failed"),
    (httpx.HTTPStatusError, ApiStatusError, "the API answered with an error status"),
    (httpx.HTTPError, ApiConnectionError, "the request failed"),
    (httpx.InvalidURL, UsageError, "the API base URL or path is not a valid URL"),
    (httpx.StreamClosed, InvalidResponseError, "the answer stream was closed before it was read"),
    (httpx.StreamConsumed, InvalidResponseError, "the answer stream was already consumed"),
    (httpx.ResponseNotRead, InvalidResponseError, "the answer was not read"),
    (httpx.RequestNotRead, UsageError, "the request body was not read"),
    (httpx.StreamError, InvalidResponseError, "the answer stream failed"),
)


def map_transport_error(
    exc: Exception, *, what: str, submit: bool = False, task_id: str | None = None, run_id: int | None = None
) -> CambError:
    """Our error for an httpx exception; a create that may have been sent becomes `AmbiguousSubmitError`."""
    target: type[CambError] = ApiConnectionError
    said = "the request failed"
    for source, mapped, text in TRANSPORT_ERROR_MAP:
        if isinstance(exc, source):
            target, said = mapped, text
            break
    if submit and issubclass(target, ApiError) and not isinstance(exc, NOT_SENT_ERRORS):
        return AmbiguousSubmitError(
            f"{what}: {said} after the request was sent", task_id=task_id, run_id=run_id
        )
    if issubclass(target, ApiStatusError):
        status = exc.response.status_code if isinstance(exc, httpx.HTTPStatusError) else 0
        return target(f"{what}: {said}", status_code=status, task_id=task_id, run_id=run_id)
    return target(f"{what}: {said}", task_id=task_id, run_id=run_id)


_URL_QUERY = re.compile(r"(https?://[^\s?\"']+)\?[^\s\"']*")


def _clean(text: str, key: ApiKey | None, limit: int = 200) -> str:
    """Scrub the key and URL query strings from server text and cut it to `limit` characters."""
    if key is not None:
        text = key.scrub(text)
    text = " ".join(_URL_QUERY.sub(r"\1?…", text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def server_detail(body: bytes, key: ApiKey | None) -> tuple[str, list[str]]:
    """The server's explanation from an error body, and the names of the fields a 422 complains about."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        return _clean(body.decode("utf-8", "replace"), key), []
    if isinstance(data, dict):
        detail = data.get("detail", data.get("error", data.get("message", "")))
    else:
        detail = data
    if isinstance(detail, list):
        fields: list[str] = []
        parts: list[str] = []
        for item in detail:
            if not isinstance(item, dict):
                parts.append(str(item))
                continue
            loc = [str(x) for x in item.get("loc") or () if x not in ("body", "query", "path", "header")]
            name = _clean(".".join(loc), key, 60) or "request"
            fields.append(name)
            parts.append(f"{name}: {item.get('msg', 'invalid')}")
        return _clean("; ".join(parts), key), list(dict.fromkeys(fields))
    return _clean(detail if isinstance(detail, str) else json.dumps(detail), key), []


def error_for_response(
    response: httpx.Response,
    *,
    what: str,
    key: ApiKey | None,
    retry_after: float | None = None,
    task_id: str | None = None,
    run_id: int | None = None,
    gone_means_deprecated: bool = False,
) -> ApiStatusError:
    """The `ApiStatusError` subclass for a non-2xx answer (the body must have been read)."""
    status = response.status_code
    detail, fields = server_detail(response.content, key)
    said = f" ({detail})" if detail else ""
    ids: dict[str, Any] = {"status_code": status, "task_id": task_id, "run_id": run_id}
    if gone_means_deprecated and status in (404, 410):
        return EndpointGoneError(f"{what}: the endpoint is gone ({status})", **ids)
    if status == 422:
        named = ", ".join(fields) or "the request"
        return ValidationError(f"{what}: the API rejected {named}{said}", fields=fields, **ids)
    if status in (401, 403):
        verb = "rejected the API key" if status == 401 else "denied access with this key"
        return AuthenticationError(f"{what}: the API {verb} ({status}){said}", **ids)
    if status == 402:
        return PaymentRequiredError(f"{what}: payment required (402){said}", **ids)
    if status == 404:
        return NotFoundError(f"{what}: not found (404){said}", **ids)
    if status == 429:
        return RateLimitedError(f"{what}: rate limited (429){said}", retry_after=retry_after, **ids)
    return ApiStatusError(f"{what}: the API answered {status}{said}", **ids)
