"""Pure retry-policy rules: backoff formula, Retry-After parsing, retryable statuses, the shared cooldown."""

from __future__ import annotations

import email.utils

import httpx
import pytest
from api_fakes import FakeClock

from camb_notebook.api import Cooldown, RetryPolicy
from camb_notebook.api._retry import parse_retry_after, should_retry_status

NOW = 1_800_000_000.0


def test_backoff_is_equal_jitter_of_capped_doubling() -> None:
    """Delay n lies in [d/2, d] with d = min(20, 0.5·2^n)."""
    policy = RetryPolicy()
    assert [policy.backoff(n, 0.0) for n in range(7)] == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 10.0]
    assert [policy.backoff(n, 1.0) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 20.0]


def test_policy_is_frozen_and_keyword_only() -> None:
    """RetryPolicy cannot be built positionally or changed after creation."""
    with pytest.raises(TypeError):
        RetryPolicy(3)  # type: ignore[misc]
    policy = RetryPolicy(max_retries=1)
    with pytest.raises(AttributeError):
        policy.max_retries = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after-ms": "garbage", "retry-after": "9"}, 9.0),
        ({"retry-after": email.utils.formatdate(NOW + 30, usegmt=True)}, 30.0),
        ({"retry-after": email.utils.formatdate(NOW - 30, usegmt=True)}, None),
        ({"retry-after": "0"}, None),
        ({"retry-after": "-5"}, None),
        ({"retry-after": "inf"}, None),
        ({"retry-after": "nan"}, None),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    """Seconds, HTTP-date and retry-after-ms parse; zero, negative, non-finite and garbage give None."""
    assert parse_retry_after(httpx.Headers(headers), NOW) == expected


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_safe_requests_retry_transient_statuses(status: int) -> None:
    """Safe requests retry 408, 429 and 5xx gateway statuses."""
    assert should_retry_status("safe", status, None, httpx.Headers())


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 410, 422, 501])
def test_no_request_retries_client_errors(status: int) -> None:
    """400/401/402/403/404/409/422 are never retried."""
    for kind in ("safe", "submit", "stream"):
        assert not should_retry_status(kind, status, None, httpx.Headers())  # type: ignore[arg-type]


def test_submits_retry_only_provably_unprocessed_statuses() -> None:
    """A create retries 429 and 503-with-Retry-After, nothing else."""
    headers = httpx.Headers()
    assert should_retry_status("submit", 429, None, headers)
    assert should_retry_status("submit", 503, 2.0, headers)
    for status in (408, 500, 502, 504):
        assert not should_retry_status("submit", status, 2.0, headers)
    assert not should_retry_status("submit", 503, None, headers)


def test_x_should_retry_header_wins() -> None:
    """`x-should-retry: false` stops a retry; `true` allows one."""
    assert not should_retry_status("safe", 503, None, httpx.Headers({"x-should-retry": "false"}))
    assert should_retry_status("submit", 500, None, httpx.Headers({"x-should-retry": "true"}))


async def test_cooldown_holds_until_extended_time() -> None:
    """After extend(5) a waiter sleeps exactly until the gate opens; an open gate does not sleep."""
    clock = FakeClock()
    gate = Cooldown(clock.monotonic)
    await gate.wait(clock.sleep)
    assert clock.sleeps == []
    gate.extend(5.0)
    gate.extend(2.0)  # never shortens
    assert gate.remaining() == 5.0
    await gate.wait(clock.sleep)
    assert clock.sleeps == [5.0]
    assert gate.remaining() == 0.0
