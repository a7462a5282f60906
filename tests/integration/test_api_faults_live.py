"""Retry rules and stream failures of ApiClient against sandbox faults over real loopback HTTP."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from camb_notebook.api import (
    AmbiguousSubmitError,
    ApiClient,
    ApiConnectionError,
    InvalidResponseError,
    RateLimitedError,
    RetryPolicy,
)
from camb_notebook.sandbox import Sandbox

TRANSLATE = {"texts": ["Hi"], "source_language": 1, "target_language": 76}
FAST = RetryPolicy(backoff_base=0.01, backoff_cap=0.05, retry_after_jitter=0.0)


@pytest.fixture
async def api(camb_sandbox: Sandbox) -> AsyncIterator[ApiClient]:
    """A client with millisecond backoff pointed at the sandbox."""
    async with ApiClient(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url, retry=FAST) as client:
        yield client


async def test_status_survives_503_reset_and_malformed(api: ApiClient, camb_sandbox: Sandbox) -> None:
    """A poll retried through a 503, a socket reset and truncated JSON still answers."""
    task_id = await api.create("translation", TRANSLATE)
    for fault in ("503", "reset", "malformed"):
        camb_sandbox.fail_next(fault, route="GET translate/*")
    status = await api.status("translation", task_id)
    assert status.status in ("PENDING", "SUCCESS")
    assert camb_sandbox.stats.requests["GET translate/{id}"] == 4


async def test_create_retried_after_429_makes_one_task(api: ApiClient, camb_sandbox: Sandbox) -> None:
    """A 429 with Retry-After on create is waited out and retried; the server holds exactly one task."""
    camb_sandbox.configure(fault_retry_after=1)
    camb_sandbox.fail_next("429", route="POST translate")
    assert await api.create("translation", TRANSLATE)
    assert camb_sandbox.stats.tasks_created.get("translation") == 1
    assert api.cooldown.remaining() == 0.0


@pytest.mark.parametrize("fault", ["500", "502", "reset"])
async def test_create_failing_after_send_is_ambiguous(
    api: ApiClient, camb_sandbox: Sandbox, fault: str
) -> None:
    """500/502/reset on create are not resubmitted: one request, AmbiguousSubmitError, no duplicate task."""
    camb_sandbox.fail_next(fault, route="POST translate")
    with pytest.raises(AmbiguousSubmitError):
        await api.create("translation", TRANSLATE)
    assert camb_sandbox.stats.requests["POST translate"] == 1
    assert camb_sandbox.stats.tasks_created.get("translation", 0) == 0


async def test_create_connection_refused_is_retried_then_fails_cleanly() -> None:
    """A refused connection (nothing listening) is retried, then reported as a connection error."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound but not listening: connections are refused
        port = sock.getsockname()[1]
        async with ApiClient(api_key="k", base_url=f"http://127.0.0.1:{port}/apis", retry=FAST) as api:
            with pytest.raises(ApiConnectionError) as info:
                await api.create("translation", TRANSLATE)
    assert isinstance(info.value.__cause__, httpx.ConnectError)


async def test_persistent_malformed_answer(api: ApiClient, camb_sandbox: Sandbox) -> None:
    """Truncated JSON on every poll ends, after two re-reads, in InvalidResponseError."""
    task_id = await api.create("translation", TRANSLATE)
    camb_sandbox.fail_next("malformed", route="GET translate/*", times=10)
    with pytest.raises(InvalidResponseError):
        await api.status("translation", task_id)
    assert camb_sandbox.stats.requests["GET translate/{id}"] == 3


async def test_long_retry_after_raises_at_once(api: ApiClient, camb_sandbox: Sandbox) -> None:
    """Retry-After above 120 s raises RateLimitedError after a single request."""
    camb_sandbox.configure(fault_retry_after=600)
    camb_sandbox.fail_next("429", route="GET list-voices")
    with pytest.raises(RateLimitedError) as info:
        await api.list_voices()
    assert info.value.retry_after == 600
    assert camb_sandbox.stats.requests["GET list-voices"] == 1


async def test_stream_cut_keeps_first_chunk(api: ApiClient, camb_sandbox: Sandbox) -> None:
    """A connection dropped after the first chunk ends the stream with one error and keeps that chunk."""
    camb_sandbox.fail_next("cut", route="POST tts-stream")
    stream = api.tts_stream("This stream will be cut.", 1, "en-us", output_format="wav")
    with pytest.raises(ApiConnectionError) as info:
        await stream.read()
    assert len(stream.chunks) == 1 and stream.audio.startswith(b"RIFF")
    assert len(info.value._render_traceback_()) == 1


async def test_gather_200_requests_never_hits_pool_timeout(camb_sandbox: Sandbox) -> None:
    """200 concurrent slow polls through 10 connections with a 0.5 s pool timeout all succeed."""
    camb_sandbox.fail_next("stall=0.02", route="GET list-voices", times=200)
    timeout = httpx.Timeout(10.0, pool=0.5)
    async with ApiClient(
        api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url, max_connections=10, timeout=timeout
    ) as api:
        results = await asyncio.gather(*(api.list_voices() for _ in range(200)))
    assert len(results) == 200 and all(results)
    assert camb_sandbox.stats.connections_opened <= 10


async def test_sequential_polls_reuse_connections(api: ApiClient, camb_sandbox: Sandbox) -> None:
    """Fifty sequential polls ride on at most two TCP connections (keep-alive)."""
    task_id = await api.create("translation", TRANSLATE)
    before = camb_sandbox.stats.connections_opened
    for _ in range(50):
        await api.status("translation", task_id)
    assert camb_sandbox.stats.connections_opened - before <= 2
