"""Fault cases 7.4, 7.8–7.13, 7.15 and 7.16: error statuses, Retry-After, storms and malformed answers.

The sandbox's fault knobs produce the statuses; a raw server sends the header and schema variants the
sandbox cannot. Unit tests in `tests/unit/api/` prove the same rules on a MockTransport; these prove them
over loopback HTTP and count what the server saw.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Callable

import pytest
from reliability_helpers import MakeApi, ScaledTime
from reliability_raw import RawRequest, RawServer, Reply, Reset

from camb_notebook.api import (
    AmbiguousSubmitError,
    CambWarning,
    InvalidResponseError,
    PollFailedError,
    RateLimitedError,
    RetryPolicy,
)
from camb_notebook.jobs import JobManager, PollPolicy
from camb_notebook.sandbox import Sandbox, pseudo_localize

TRANSLATE = {"texts": ["Hello"], "source_language": 1, "target_language": 76}
STATUS = "GET translate/{id}"


async def test_7_4_502_on_create_is_ambiguous_and_not_resent(
    make_api: MakeApi, camb_sandbox: Sandbox
) -> None:
    """502 on a create: no retry (the API has no idempotency key), AmbiguousSubmitError, one request.

    Unit twin: `test_api_client_retry.py::test_create_after_sending_is_ambiguous`.
    """
    camb_sandbox.fail_next("502", route="POST translate")
    async with make_api() as api:
        with pytest.raises(AmbiguousSubmitError, match="answered 502"):
            await api.create("translation", TRANSLATE)
    assert camb_sandbox.stats.requests == {"POST translate": 1}
    assert camb_sandbox.stats.total_tasks == 0


async def test_7_8_retry_after_is_obeyed_and_holds_concurrent_requests(
    make_api: MakeApi, camb_sandbox: Sandbox
) -> None:
    """429 with Retry-After: 2 waits 2–3 s (scaled clock); a poll started meanwhile waits at the gate too."""
    camb_sandbox.configure(fault_retry_after=2)
    held: list[asyncio.Task[object]] = []
    clock = ScaledTime()
    async with make_api(sleep=clock.sleep, clock=clock.clock) as api:
        task_id = await api.create("translation", TRANSLATE)
        camb_sandbox.fail_next("429", route="GET translate/*")

        def start_second(seconds: float) -> None:
            if not held:  # the first sleep is the 429's: start another poll while the gate is shut
                held.append(asyncio.ensure_future(api.status("translation", task_id)))

        clock.on_sleep = start_second
        await api.status("translation", task_id)
        await held[0]
    first, second = clock.sleeps[0], clock.sleeps[1]
    assert 2.0 - 0.1 <= first <= 3.0
    assert 0 < second <= first  # the second poll waited at the shared cooldown, not on its own 429
    stats = camb_sandbox.stats
    assert stats.requests[STATUS] == 3 and stats.faults_injected == {"429": 1}


def _after_429(headers: dict[str, str]) -> Callable[[RawRequest], Reply | Reset]:
    """A raw status route answering 429 with `headers` once, then PENDING."""
    seen: list[RawRequest] = []

    def handler(request: RawRequest) -> Reply | Reset:
        seen.append(request)
        if len(seen) == 1:
            return Reply(429, {"detail": "slow down"}, headers=headers)
        return Reply(200, {"status": "PENDING"})

    return handler


def _http_date(seconds_ahead: float) -> str:
    """An HTTP-date `seconds_ahead` from now."""
    return email.utils.formatdate(time.time() + seconds_ahead, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ({"retry-after": "HTTP-DATE+3"}, 1.9, 4.1),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.4, 2.6),
        ({"retry-after": "0"}, 0.0, 0.011),
        ({"retry-after": "-5"}, 0.0, 0.011),
        ({"retry-after": "inf"}, 0.0, 0.011),
        ({"retry-after": "nan"}, 0.0, 0.011),
        ({"retry-after": "soon, maybe"}, 0.0, 0.011),
    ],
    ids=["http-date", "ms-wins", "zero", "negative", "inf", "nan", "garbage"],
)
async def test_7_9_retry_after_forms_are_parsed_or_fall_back_to_backoff(
    make_api: MakeApi, headers: dict[str, str], low: float, high: float
) -> None:
    """Retry-After as HTTP-date or ms is obeyed; 0, negative, inf, nan and garbage use the normal backoff.

    Unit twin: `test_api_retry.py::test_parse_retry_after` (every form under a frozen clock).
    """
    sent = {k: _http_date(3) if v == "HTTP-DATE+3" else v for k, v in headers.items()}
    clock = ScaledTime()
    with RawServer(_after_429(sent)) as server:
        async with make_api(base_url=server.url, sleep=clock.sleep, clock=clock.clock) as api:
            status = await api.status("translation", "t-1")
        assert server.count("GET", "translate/t-1") == 2
    assert status.status == "PENDING"
    assert len(clock.sleeps) == 1 and low <= clock.sleeps[0] <= high


async def test_7_10_hour_long_retry_after_raises_at_once(make_api: MakeApi, camb_sandbox: Sandbox) -> None:
    """Retry-After: 3600 raises RateLimitedError(retry_after=3600) promptly: one request, no sleep."""
    camb_sandbox.configure(fault_retry_after=3600)
    camb_sandbox.fail_next("429", route="GET list-voices")
    clock = ScaledTime()
    started = time.monotonic()
    async with make_api(sleep=clock.sleep, clock=clock.clock) as api:
        with pytest.raises(RateLimitedError) as info:
            await api.list_voices()
    assert info.value.retry_after == 3600
    assert clock.sleeps == [] and time.monotonic() - started < 2
    assert camb_sandbox.stats.requests == {"GET list-voices": 1}


async def test_7_11_persistent_429_gives_up_within_budget(make_api: MakeApi, camb_sandbox: Sandbox) -> None:
    """Endless 429s end after max_retries (5 requests) with RateLimitedError, all waits inside the budget."""
    camb_sandbox.configure(faults=[{"fault": "429", "route": "GET list-voices", "times": None}])
    clock = ScaledTime()
    policy = RetryPolicy()
    async with make_api(retry=policy, sleep=clock.sleep, clock=clock.clock) as api:
        with pytest.raises(RateLimitedError):
            await api.list_voices()
    assert camb_sandbox.stats.requests == {"GET list-voices": policy.max_retries + 1}
    assert len(clock.sleeps) == policy.max_retries
    assert sum(clock.sleeps) <= policy.budget


def test_7_12a_one_500_on_a_poll_is_transparent(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """A single 500 on a status poll is retried inside the client; the job succeeds with one task."""
    camb_sandbox.fail_next("500", route="GET translate/*")
    job = make_manager().submit("translation", TRANSLATE)
    assert job.result(timeout=10).texts == (pseudo_localize("Hello", "fr-fr"),)
    stats = camb_sandbox.stats
    assert stats.faults_injected == {"500": 1} and stats.tasks_created == {"translation": 1}
    assert stats.requests[STATUS] >= 2


def test_7_12b_500_on_every_poll_ends_in_poll_failed_after_bounded_attempts(
    make_manager: Callable[..., JobManager], make_api: MakeApi, camb_sandbox: Sandbox
) -> None:
    """500 on every poll: (1 + max_retries) requests per poll × max_poll_failures, then PollFailedError."""
    camb_sandbox.configure(faults=[{"fault": "500", "route": "GET translate/*", "times": None}])
    api = make_api(retry=RetryPolicy(max_retries=2, backoff_base=0.001))
    manager = make_manager(api=api, policy=PollPolicy(first=0.01, jitter=0.0, max_poll_failures=3))
    job = manager.submit("translation", TRANSLATE)
    with pytest.raises(PollFailedError) as info:
        job.result(timeout=10)
    assert info.value.task_id == job.task_id is not None
    stats = camb_sandbox.stats
    assert stats.requests[STATUS] == 3 * 3
    assert stats.tasks_created == {"translation": 1}
    assert "GET translation-result/{id}" not in stats.requests


async def test_7_13_503_storm_spreads_retries_and_stays_under_the_connection_cap(
    make_api: MakeApi, camb_sandbox: Sandbox
) -> None:
    """100 polls all answered 503 once: every retry waits a jittered, distinct delay; ≤10 connections."""
    clock = ScaledTime()
    # Real seconds for the retry budget: a loaded machine must not run a scaled clock past it.
    async with make_api(max_connections=10, sleep=clock.sleep, clock=time.monotonic) as api:
        task_id = await api.create("translation", TRANSLATE)
        camb_sandbox.fail_next("503", route="GET translate/*", times=100)
        await asyncio.gather(*(api.status("translation", task_id) for _ in range(100)))
    delays = clock.sleeps  # one per 503 (a retry may meet one of the 100 faults again)
    assert len(delays) == 100
    d = api.retry.backoff_base
    assert all(d / 2 <= x <= 4 * d for x in delays)  # equal jitter: a floor, spread above it
    assert len({round(x, 6) for x in delays}) >= 90
    stats = camb_sandbox.stats
    assert stats.requests[STATUS] == 200 and stats.faults_injected == {"503": 100}
    assert stats.connections_opened <= 10


async def test_7_15_malformed_200_is_reread_at_most_twice(make_api: MakeApi, camb_sandbox: Sandbox) -> None:
    """Truncated JSON with 200: a poll is read again (≤2 times), then InvalidResponseError; creates never."""
    async with make_api() as api:
        task_id = await api.create("translation", TRANSLATE)
        camb_sandbox.fail_next("malformed", route="GET translate/*", times=2)
        assert (await api.status("translation", task_id)).status in ("PENDING", "SUCCESS")
        camb_sandbox.fail_next("malformed", route="GET translate/*", times=3)
        with pytest.raises(InvalidResponseError) as info:
            await api.status("translation", task_id)
        camb_sandbox.fail_next("malformed", route="POST translate")
        with pytest.raises(InvalidResponseError):
            await api.create("translation", TRANSLATE)
    assert "application/json" in str(info.value) and '"SUCC' not in str(info.value)
    stats = camb_sandbox.stats
    assert stats.requests[STATUS] == 3 + 3
    assert stats.requests["POST translate"] == 2 and stats.tasks_created == {"translation": 1}


def _drifting_api() -> Callable[[RawRequest], Reply | Reset]:
    """A raw API with schema drift: an unknown status twice, then SUCCESS and a result."""
    polls: list[RawRequest] = []

    def handler(request: RawRequest) -> Reply | Reset:
        if request.method == "POST":
            return Reply(200, {"task_id": "drift-1"})
        if request.path.startswith("/apis/translation-result/"):
            return Reply(200, {"texts": ["Bonjour"]})
        polls.append(request)
        if len(polls) <= 2:
            return Reply(200, {"status": "QUEUED_FOR_GPU"})
        return Reply(200, {"status": "SUCCESS", "run_id": 9})

    return handler


def test_7_16a_unknown_status_warns_once_and_polling_continues(
    make_manager: Callable[..., JobManager], make_api: MakeApi
) -> None:
    """An undocumented status is treated as "not done" with exactly one warning; the job then succeeds."""
    with RawServer(_drifting_api()) as server:
        manager = make_manager(api=make_api(base_url=server.url))
        with pytest.warns(CambWarning, match="QUEUED_FOR_GPU") as caught:
            result = manager.submit("translation", TRANSLATE).result(timeout=10)
        assert result.texts == ("Bonjour",)
        assert len([w for w in caught if issubclass(w.category, CambWarning)]) == 1
        assert server.count("GET", "translate/drift-1") == 3
        assert server.count("POST", "translate") == 1


async def test_7_16b_create_without_task_id_is_a_clear_error(make_api: MakeApi) -> None:
    """A create answer missing `task_id` raises at once, says the task may exist, and is not resent."""
    with RawServer(lambda request: Reply(200, {"id": "renamed-field"})) as server:
        async with make_api(base_url=server.url) as api:
            with pytest.raises(InvalidResponseError, match="may exist"):
                await api.create("translation", TRANSLATE)
        assert server.count("POST", "translate") == 1
