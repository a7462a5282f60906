"""Retry behaviour of ApiClient over MockTransport with a fake clock (design.md: Retries, Fault cases)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from api_fakes import FakeClock, Script, json_response

from camb_notebook.api import (
    AmbiguousSubmitError,
    ApiClient,
    ApiConnectionError,
    ApiStatusError,
    ApiTimeout,
    AuthenticationError,
    InvalidResponseError,
    RateLimitedError,
    RetryPolicy,
    ValidationError,
)

MakeClient = Callable[..., ApiClient]
PENDING = {"status": "PENDING"}
CREATED = {"task_id": "task-1"}
TRANSLATE = {"texts": ["hi"], "source_language": 1, "target_language": 76}


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow connect"),
        httpx.PoolTimeout("pool"),
        httpx.ReadTimeout("slow"),
        httpx.WriteTimeout("slow"),
        httpx.ReadError("reset"),
        httpx.WriteError("reset"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        json_response(408, {}),
        json_response(500, {}),
        json_response(502, {}),
        json_response(503, {}),
        json_response(504, {}),
    ],
    ids=lambda f: type(f).__name__ if isinstance(f, Exception) else f"HTTP{f.status_code}",
)
async def test_safe_request_retries_transient_failures(
    make_client: MakeClient, clock: FakeClock, failure: httpx.Response | Exception
) -> None:
    """A status poll survives two transient failures, with equal-jitter backoff between attempts."""
    script = Script(failure, failure, json_response(200, PENDING))
    async with make_client(script) as api:
        status = await api.status("translation", "task-1")
    assert status.status == "PENDING"
    assert len(script.requests) == 3
    assert clock.sleeps == [0.25, 0.5]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
async def test_safe_request_does_not_retry_client_errors(make_client: MakeClient, status: int) -> None:
    """4xx answers other than 408/429 fail at once."""
    script = Script(json_response(status, {"detail": "no"}))
    async with make_client(script) as api:
        with pytest.raises(ApiStatusError) as info:
            await api.status("translation", "task-1")
    assert info.value.status_code == status
    assert len(script.requests) == 1


async def test_gives_up_after_max_retries(make_client: MakeClient, clock: FakeClock) -> None:
    """Persistent 500s stop after max_retries retries with the last error."""
    script = Script(json_response(500, {}))
    async with make_client(script, retry=RetryPolicy(max_retries=3)) as api:
        with pytest.raises(ApiStatusError) as info:
            await api.status("translation", "task-1")
    assert info.value.status_code == 500
    assert len(script.requests) == 4
    assert clock.sleeps == [0.25, 0.5, 1.0]


async def test_budget_stops_retries_before_deadline(make_client: MakeClient, clock: FakeClock) -> None:
    """No retry starts whose sleep would end past the per-call budget."""
    script = Script(httpx.ConnectError("refused"))
    policy = RetryPolicy(max_retries=50, budget=10.0)
    async with make_client(script, retry=policy) as api:
        with pytest.raises(ApiConnectionError):
            await api.status("translation", "task-1")
    assert sum(clock.sleeps) <= 10.0
    assert clock.sleeps == [0.25, 0.5, 1.0, 2.0, 4.0]


async def test_connect_error_maps_to_connection_error_with_cause(make_client: MakeClient) -> None:
    """The final error is ours, chained from httpx's."""
    script = Script(httpx.ReadTimeout("timed out"))
    async with make_client(script, retry=RetryPolicy(max_retries=0)) as api:
        with pytest.raises(ApiTimeout) as info:
            await api.status("translation", "task-1")
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert info.value.task_id == "task-1"


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), httpx.PoolTimeout("pool")],
    ids=["ConnectError", "ConnectTimeout", "PoolTimeout"],
)
async def test_create_retries_when_not_sent(make_client: MakeClient, failure: Exception) -> None:
    """A create that never reached the server is retried and creates one task."""
    script = Script(failure, failure, json_response(200, CREATED))
    async with make_client(script) as api:
        assert await api.create("translation", TRANSLATE) == "task-1"
    assert len(script.requests) == 3


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("slow"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("Server disconnected"),
        httpx.WriteTimeout("slow"),
        json_response(500, {}),
        json_response(502, {}),
        json_response(503, {}),
        json_response(504, {}),
    ],
    ids=lambda f: type(f).__name__ if isinstance(f, Exception) else f"HTTP{f.status_code}",
)
async def test_create_after_sending_is_ambiguous(
    make_client: MakeClient, failure: httpx.Response | Exception
) -> None:
    """A create that may have reached the server is not resubmitted; AmbiguousSubmitError says so."""
    script = Script(failure, json_response(200, CREATED))
    async with make_client(script) as api:
        with pytest.raises(AmbiguousSubmitError) as info:
            await api.create("translation", TRANSLATE)
    assert len(script.requests) == 1
    assert "may have been created" in str(info.value)


async def test_create_retries_503_with_retry_after(make_client: MakeClient, clock: FakeClock) -> None:
    """503 with Retry-After proves the create was refused, so it is retried after the given wait."""
    script = Script(json_response(503, {}, **{"retry-after": "3"}), json_response(200, CREATED))
    async with make_client(script) as api:
        assert await api.create("translation", TRANSLATE) == "task-1"
    assert clock.sleeps == [3.0]


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 422])
async def test_create_never_retries_client_errors(make_client: MakeClient, status: int) -> None:
    """4xx on a create fails at once with the matching error class."""
    script = Script(json_response(status, {"detail": "no"}))
    async with make_client(script) as api:
        with pytest.raises(ApiStatusError):
            await api.create("translation", TRANSLATE)
    assert len(script.requests) == 1


async def test_429_retry_after_is_honoured(make_client: MakeClient, clock: FakeClock) -> None:
    """429 with Retry-After: 2 waits 2 s plus jitter, then succeeds."""
    script = Script(json_response(429, {}, **{"retry-after": "2"}), json_response(200, PENDING))
    async with make_client(script, rng=lambda: 0.5) as api:
        await api.status("translation", "task-1")
    assert clock.sleeps == [2.5]


async def test_429_retry_after_ms_and_date(make_client: MakeClient, clock: FakeClock) -> None:
    """retry-after-ms wins over Retry-After."""
    script = Script(
        json_response(429, {}, **{"retry-after-ms": "1500", "retry-after": "9"}), json_response(200, PENDING)
    )
    async with make_client(script) as api:
        await api.status("translation", "task-1")
    assert clock.sleeps == [1.5]


async def test_invalid_retry_after_falls_back_to_backoff(make_client: MakeClient, clock: FakeClock) -> None:
    """A garbage Retry-After uses the normal backoff."""
    script = Script(json_response(429, {}, **{"retry-after": "later"}), json_response(200, PENDING))
    async with make_client(script) as api:
        await api.status("translation", "task-1")
    assert clock.sleeps == [0.25]


async def test_long_retry_after_raises_at_once(make_client: MakeClient, clock: FakeClock) -> None:
    """Retry-After: 3600 raises RateLimitedError(retry_after=3600) without sleeping."""
    script = Script(json_response(429, {}, **{"retry-after": "3600"}))
    async with make_client(script) as api:
        with pytest.raises(RateLimitedError) as info:
            await api.status("translation", "task-1")
    assert info.value.retry_after == 3600.0
    assert clock.sleeps == []
    assert len(script.requests) == 1


async def test_retry_after_past_budget_raises_at_once(make_client: MakeClient, clock: FakeClock) -> None:
    """A Retry-After within the cap but beyond the call budget also raises at once."""
    script = Script(json_response(429, {}, **{"retry-after": "90"}))
    async with make_client(script) as api:
        with pytest.raises(RateLimitedError):
            await api.status("translation", "task-1")
    assert clock.sleeps == []


async def test_persistent_429_gives_up(make_client: MakeClient, clock: FakeClock) -> None:
    """Endless 429s end in RateLimitedError after max_retries, within the budget."""
    script = Script(json_response(429, {}, **{"retry-after": "5"}))
    async with make_client(script) as api:
        with pytest.raises(RateLimitedError):
            await api.status("translation", "task-1")
    assert len(script.requests) == 5
    assert sum(clock.sleeps) <= RetryPolicy().budget


async def test_cooldown_after_429_holds_other_requests(make_client: MakeClient, clock: FakeClock) -> None:
    """After one call gives up on a 429, the next call of the same client first waits out the cooldown."""
    sent_at: dict[str, float] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        task = request.url.path.rsplit("/", 1)[-1]
        sent_at.setdefault(task, clock.now)
        if task == "a":
            return httpx.Response(429, headers={"retry-after": "4"}, request=request)
        return httpx.Response(200, json=PENDING, request=request)

    async with make_client(handler, retry=RetryPolicy(max_retries=0)) as api:
        with pytest.raises(RateLimitedError):
            await api.status("translation", "a")
        await api.status("translation", "b")
    assert clock.sleeps == [4.0]
    assert sent_at["b"] == sent_at["a"] + 4.0


async def test_concurrent_requests_share_the_cooldown(make_client: MakeClient, clock: FakeClock) -> None:
    """Requests in a gather that hit 429 together all wait for the one gate, then succeed."""
    answered: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        task = request.url.path.rsplit("/", 1)[-1]
        if task not in answered:
            answered.append(task)
            return httpx.Response(429, headers={"retry-after": "2"}, request=request)
        return httpx.Response(200, json=PENDING, request=request)

    async with make_client(handler) as api:
        results = await asyncio.gather(*(api.status("translation", t) for t in "abc"))
    assert [r.status for r in results] == ["PENDING"] * 3
    assert api.cooldown.remaining() == 0.0
    assert sum(clock.sleeps) <= 2.0 * 3


async def test_invalid_json_is_reread_twice_then_raises(make_client: MakeClient) -> None:
    """A 200 HTML page on a poll is read again at most twice, then InvalidResponseError names the type."""
    script = Script(httpx.Response(200, text="<html>proxy</html>", headers={"content-type": "text/html"}))
    async with make_client(script) as api:
        with pytest.raises(InvalidResponseError) as info:
            await api.status("translation", "task-1")
    assert len(script.requests) == 3
    assert "text/html" in str(info.value)
    assert "proxy" not in str(info.value)


async def test_create_without_task_id_is_not_retried(make_client: MakeClient) -> None:
    """A create answered without task_id raises at once and says the task may exist."""
    script = Script(json_response(200, {"id": 3}))
    async with make_client(script) as api:
        with pytest.raises(InvalidResponseError, match="may exist"):
            await api.create("translation", TRANSLATE)
    assert len(script.requests) == 1


async def test_422_names_the_fields(make_client: MakeClient) -> None:
    """A FastAPI 422 becomes ValidationError listing the rejected fields."""
    detail = [
        {"loc": ["body", "texts"], "msg": "field required", "type": "missing"},
        {"loc": ["body", "target_language"], "msg": "unknown language", "type": "value_error"},
    ]
    script = Script(json_response(422, {"detail": detail}))
    async with make_client(script) as api:
        with pytest.raises(ValidationError) as info:
            await api.create("translation", TRANSLATE)
    assert info.value.fields == ["texts", "target_language"]
    assert "texts: field required" in str(info.value)


async def test_401_is_authentication_error(make_client: MakeClient) -> None:
    """401 is not retried and says to check the key."""
    script = Script(json_response(401, {"error": "Invalid API key", "status": 401}))
    async with make_client(script) as api:
        with pytest.raises(AuthenticationError, match="CAMB_API_KEY"):
            await api.status("translation", "t")
    assert len(script.requests) == 1
