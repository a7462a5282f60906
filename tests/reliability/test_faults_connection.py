"""Fault cases 7.1–7.3, 7.5–7.7, 7.14 and 7.25: connection-level faults against the sandbox and a raw server.

Each test asserts what the server saw (requests, tasks, TCP connections), not only what the client says.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from reliability_helpers import FAST_POLL, MakeApi, ScaledTime
from reliability_raw import RawRequest, RawServer, Reply, Reset

from camb_notebook.api import AmbiguousSubmitError, ApiConnectionError, JobDeadlineExceeded
from camb_notebook.jobs import JobManager, PollPolicy
from camb_notebook.sandbox import Sandbox, SandboxConfig, pseudo_localize

TRANSLATE = {"texts": ["Hello"], "source_language": 1, "target_language": 76}


def _free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def late_sandbox() -> Iterator[Callable[[int], Sandbox]]:
    """Start a fast sandbox on a given port on demand (the API coming up while the client retries)."""
    started: list[Sandbox] = []

    def start(port: int) -> Sandbox:
        sandbox = Sandbox(SandboxConfig.fast(), port=port).start()
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


async def test_7_1_connection_refused_twice_then_ok(
    make_api: MakeApi, late_sandbox: Callable[[int], Sandbox]
) -> None:
    """Connection refused twice on a create, then the API is up: 3 attempts, one request served, one task."""
    port = _free_port()
    started: list[Sandbox] = []

    def api_comes_up(_: float) -> None:
        if len(clock.sleeps) == 2:  # after the second refused attempt
            started.append(late_sandbox(port))

    clock = ScaledTime(on_sleep=api_comes_up)
    api = make_api(base_url=f"http://127.0.0.1:{port}/apis", api_key="sandbox", sleep=clock.sleep)
    async with api:
        task_id = await api.create("translation", TRANSLATE)
    assert len(clock.sleeps) == 2  # two refused attempts, the third connected
    stats = started[0].stats
    assert stats.requests == {"POST translate": 1}
    assert stats.tasks_created == {"translation": 1}
    assert task_id


async def test_7_2_connect_timeout_is_retried(
    make_api: MakeApi, late_sandbox: Callable[[int], Sandbox]
) -> None:
    """A create whose connect times out (full accept queue) is retried: nothing was sent, one task results.

    PoolTimeout cannot happen against a real server here (requests wait at the client's own gate, see
    7.3); `tests/unit/api/test_api_client_retry.py::test_create_retries_when_not_sent` covers its retry.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):  # fill the accept queue so the next SYN is dropped
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.05)
    started: list[Sandbox] = []

    def api_comes_up(_: float) -> None:
        listener.close()
        for filler in fillers:
            filler.close()
        started.append(late_sandbox(port))

    clock = ScaledTime(on_sleep=api_comes_up)
    timeout = httpx.Timeout(5.0, connect=0.3)
    api = make_api(base_url=f"http://127.0.0.1:{port}/apis", timeout=timeout, sleep=clock.sleep)
    async with api:
        assert await api.create("translation", TRANSLATE)
    assert len(clock.sleeps) == 1
    assert started[0].stats.requests == {"POST translate": 1}
    assert started[0].stats.tasks_created == {"translation": 1}


async def test_7_3_two_hundred_requests_on_a_small_pool_never_hit_pool_timeout(
    make_api: MakeApi, camb_sandbox: Sandbox
) -> None:
    """200 concurrent polls of a slow server through 5 connections and a 0.2 s pool timeout all succeed."""
    import asyncio

    camb_sandbox.configure(faults=[{"fault": "stall=0.02", "route": "GET translate/*", "times": None}])
    timeout = httpx.Timeout(5.0, pool=0.2)
    async with make_api(max_connections=5, timeout=timeout) as api:
        task_id = await api.create("translation", TRANSLATE)
        statuses = await asyncio.gather(*(api.status("translation", task_id) for _ in range(200)))
    assert len(statuses) == 200
    stats = camb_sandbox.stats
    assert stats.requests["GET translate/{id}"] == 200 and stats.faults_injected == {"stall": 200}
    assert stats.connections_opened <= 5


def test_7_5_create_answered_after_the_read_timeout_is_not_resubmitted(make_api: MakeApi) -> None:
    """The duplicate-submit trap: the server creates the task, then answers after the client's read timeout.

    The API has no idempotency key, so the client must surface AmbiguousSubmitError instead of resending;
    the server holds exactly one task. (A raw server: the sandbox's `stall` holds a request *before*
    processing it, so it cannot create a task whose answer is late.)
    """
    created: list[str] = []

    def handler(request: RawRequest) -> Reply | Reset:
        created.append(f"task-{len(created) + 1}")
        return Reply(200, {"task_id": created[-1]}, delay=0.6)

    import asyncio

    async def create() -> None:
        async with make_api(base_url=server.url, timeout=httpx.Timeout(5.0, read=0.2)) as api:
            with pytest.raises(AmbiguousSubmitError, match="may have been created"):
                await api.create("translation", TRANSLATE)

    with RawServer(handler) as server:
        asyncio.run(create())
        assert server.count("POST", "translate") == 1
    assert created == ["task-1"]


def test_7_6_reset_in_the_middle_of_a_poll_is_retried(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """A poll whose connection is aborted before any byte is retried and the job completes with one task."""
    camb_sandbox.fail_next("reset", route="GET translate/*")
    job = make_manager().submit("translation", TRANSLATE)
    assert job.result(timeout=10).texts == (pseudo_localize("Hello", "fr-fr"),)
    stats = camb_sandbox.stats
    assert stats.faults_injected == {"reset": 1}
    assert stats.requests["GET translate/{id}"] >= 2
    assert stats.tasks_created == {"translation": 1}


def _result_server(truncate: int) -> Callable[[RawRequest], Reply | Reset]:
    """A raw result route whose first `truncate` answers stop halfway through the body."""
    seen = [0]
    body = {"texts": ["Bonjour " + "x" * 200]}

    def handler(request: RawRequest) -> Reply | Reset:
        seen[0] += 1
        return Reply(200, body, send_bytes=40 if seen[0] <= truncate else None)

    return handler


async def test_7_7_reset_mid_result_body_is_retried_and_never_accepted_truncated(make_api: MakeApi) -> None:
    """A result cut short (Content-Length shortfall) is fetched again; a persistently cut one is an error."""
    with RawServer(_result_server(truncate=1)) as server:
        async with make_api(base_url=server.url) as api:
            result = await api.result("translation", 7)
        assert result.texts == ("Bonjour " + "x" * 200,)  # type: ignore[union-attr]
        assert server.count("GET", "translation-result/7") == 2
    with RawServer(_result_server(truncate=100)) as server:
        async with make_api(base_url=server.url) as api:
            with pytest.raises(ApiConnectionError, match="answer"):
                await api.result("translation", 7)
        assert server.count("GET", "translation-result/7") == 5  # 1 + max_retries, none accepted


async def test_7_14a_status_reply_after_the_read_timeout_is_retried(
    make_api: MakeApi, camb_sandbox: Sandbox
) -> None:
    """A status answer held past the read timeout is a ReadTimeout; the retry gets the answer."""
    async with make_api() as api:
        task_id = await api.create("translation", TRANSLATE)
        camb_sandbox.fail_next("stall=0.5", route="GET translate/*")
        api_short = make_api(timeout=httpx.Timeout(5.0, read=0.15))
        async with api_short:
            status = await api_short.status("translation", task_id)
    assert status.status in ("PENDING", "SUCCESS")
    assert camb_sandbox.stats.requests["GET translate/{id}"] == 2


def _drip_server() -> Callable[[RawRequest], Reply | Reset]:
    """A raw API that creates a task, then answers its status one byte every 50 ms (never a read timeout)."""

    def handler(request: RawRequest) -> Reply | Reset:
        if request.method == "POST":
            return Reply(200, {"task_id": "drip-1"})
        return Reply(200, {"status": "PENDING", "pad": "." * 400}, drip_interval=0.05)

    return handler


def test_7_14b_slow_drip_still_hits_the_job_deadline(
    make_manager: Callable[..., JobManager], make_api: MakeApi
) -> None:
    """A status reply dripping 1 byte per 50 ms (no read timeout fires) still ends at the job deadline."""
    with RawServer(_drip_server()) as server:
        api = make_api(base_url=server.url, timeout=httpx.Timeout(5.0, read=0.3))
        manager = make_manager(api=api, policy=PollPolicy(first=0.01, jitter=0.0, deadline=1.0))
        job = manager.submit("translation", TRANSLATE)
        started = time.monotonic()
        with pytest.raises(JobDeadlineExceeded) as info:
            job.result(timeout=15)
        assert time.monotonic() - started < 4.0, "the deadline waited for the dripping reply"
        assert info.value.task_id == "drip-1" and info.value.job is job
        assert server.count("POST", "translate") == 1


async def test_7_25_fifty_sequential_polls_reuse_the_connection(
    make_api: MakeApi, camb_sandbox: Sandbox
) -> None:
    """50 sequential polls of one task travel over at most 2 TCP connections (keep-alive works)."""
    async with make_api() as api:
        task_id = await api.create("translation", TRANSLATE)
        for _ in range(50):
            await api.status("translation", task_id)
    stats = camb_sandbox.stats
    assert stats.requests["GET translate/{id}"] == 50
    assert stats.connections_opened <= 2


def test_fast_poll_policy_is_what_the_engine_tests_use() -> None:
    """The shared fast poll policy keeps the schedule tests on a millisecond scale."""
    assert FAST_POLL.first < 0.1 and FAST_POLL.cap < 0.1
