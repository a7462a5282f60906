"""The error tree: one-line IPython rendering, ids carried, httpx map complete, server text scrubbed."""

from __future__ import annotations

import inspect

import httpx
import pytest

import camb_notebook.api as api
from camb_notebook.api import (
    AmbiguousSubmitError,
    ApiError,
    ApiStatusError,
    ApiTimeout,
    CambError,
    JobError,
    JobFailed,
    UsageError,
)
from camb_notebook.api._http import TRANSPORT_ERROR_MAP, error_for_response, map_transport_error

ERRORS = [obj for obj in vars(api).values() if inspect.isclass(obj) and issubclass(obj, CambError)]


def build(cls: type[CambError]) -> CambError:
    """An instance of any error class with a two-line message and ids."""
    kwargs: dict[str, object] = {"task_id": "t-1", "run_id": 7}
    if issubclass(cls, ApiStatusError):
        kwargs["status_code"] = 500
    if cls in (api.LanguageError, api.MissingKeyError):
        return cls("bad\nlanguage")
    return cls("first line\nsecond line", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_every_error_renders_one_line(cls: type[CambError]) -> None:
    """`_render_traceback_` gives exactly one line starting with the class name."""
    lines = build(cls)._render_traceback_()
    assert len(lines) == 1 and "\n" not in lines[0]
    assert lines[0].startswith(f"{cls.__name__}: ")


def test_ids_and_hint_in_message() -> None:
    """task_id and run_id appear in the text, followed by the fix."""
    error = JobFailed(
        "the server reported ERROR", exception_reason="SOURCE_NOT_FOUND", task_id="t-1", run_id=7
    )
    assert str(error).startswith("the server reported ERROR: SOURCE_NOT_FOUND (task_id=t-1, run_id=7). ")
    assert error.exception_reason == "SOURCE_NOT_FOUND" and error.message is None


def test_tree_shape() -> None:
    """Design contract: branches sit under CambError as documented."""
    assert issubclass(api.LanguageError, UsageError) and issubclass(api.MissingKeyError, UsageError)
    for cls in (api.AuthenticationError, api.ValidationError, api.PaymentRequiredError, api.NotFoundError):
        assert issubclass(cls, ApiStatusError)
    assert issubclass(api.RateLimitedError, ApiStatusError) and issubclass(
        api.EndpointGoneError, api.NotFoundError
    )
    for cls in (api.ApiConnectionError, ApiTimeout, api.InvalidResponseError, AmbiguousSubmitError):
        assert issubclass(cls, ApiError)
    for cls in (JobFailed, api.JobTimedOut, api.QuotaExceeded, api.JobDeadlineExceeded):
        assert issubclass(cls, JobError)
    for cls in (api.ResultUnavailableError, api.PollFailedError, api.JobCancelled):
        assert issubclass(cls, JobError)


def _httpx_exceptions() -> list[type[Exception]]:
    """Every exception class httpx exports."""
    return [
        obj
        for name in httpx.__all__
        if inspect.isclass(obj := getattr(httpx, name)) and issubclass(obj, Exception)
    ]


def test_transport_error_map_is_complete() -> None:
    """Every httpx exception class has its own entry (none falls through to a parent's)."""
    mapped = {source for source, _target, _said in TRANSPORT_ERROR_MAP}
    missing = [
        cls.__name__ for cls in _httpx_exceptions() if cls not in mapped and cls is not httpx.CookieConflict
    ]
    assert missing == []


def test_transport_map_order_is_most_specific_first() -> None:
    """No entry is shadowed by an earlier, broader one."""
    sources = [source for source, _t, _s in TRANSPORT_ERROR_MAP]
    for i, cls in enumerate(sources):
        assert not any(issubclass(cls, earlier) for earlier in sources[:i]), cls


@pytest.mark.parametrize(
    "cls", [c for c in _httpx_exceptions() if c is not httpx.CookieConflict], ids=lambda c: c.__name__
)
def test_mapped_message_never_holds_httpx_text(cls: type[Exception]) -> None:
    """Our message is our own: httpx's (which can hold a URL with a query) never appears."""
    secret = "https://x.test/a?api_key=SECRET"
    request = httpx.Request("GET", secret)
    if cls is httpx.HTTPStatusError:
        exc: Exception = cls(secret, request=request, response=httpx.Response(500, request=request))
    elif issubclass(cls, httpx.RequestError):
        exc = cls(secret, request=request)
    else:
        try:
            exc = cls(secret)  # type: ignore[call-arg]
        except TypeError:  # the stream errors take no message
            exc = cls()
    error = map_transport_error(exc, what="GET status")
    assert "SECRET" not in str(error) and isinstance(error, CambError)


def test_server_text_is_scrubbed() -> None:
    """Server error text loses the key and URL query strings and is cut short."""
    from api_fakes import CANARY

    from camb_notebook.api import ApiKey

    body = f'{{"detail": "key {CANARY} invalid; see https://h/x?sig=abc&token=zzz {"y" * 400}"}}'
    response = httpx.Response(403, content=body.encode())
    error = error_for_response(response, what="GET x", key=ApiKey(CANARY))
    assert CANARY not in str(error) and "sig=abc" not in str(error) and "token" not in str(error)
    assert len(str(error)) < 400
