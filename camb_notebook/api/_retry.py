"""Retry policy for the wire client: what to retry, how long to wait, when to stop (docs/design.md, Retries).

Pure decisions plus the shared 429 `Cooldown`; the loop that sends lives in `_send.py`. Request classes:
*safe* (status/result reads, bulk reads) and *submit* (creates) / *stream* (streaming POSTs), which are
retried only when the request provably was not processed. Sleep, clock and randomness are injected.
Usage: `delay = policy.backoff(attempt, rng())`.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

import httpx

__all__ = [
    "NOT_SENT_ERRORS",
    "SAFE_RETRY_ERRORS",
    "SAFE_RETRY_STATUSES",
    "Cooldown",
    "RequestKind",
    "RetryPolicy",
    "parse_retry_after",
    "should_retry_status",
]

RequestKind = Literal["safe", "submit", "stream"]

# Transport errors after which a safe request may be sent again.
SAFE_RETRY_ERRORS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,  # connect, read, write and pool timeouts
    httpx.NetworkError,  # connect, read, write and close errors
    httpx.RemoteProtocolError,  # the server closed the socket before answering
)
# Transport errors that prove the request never reached the server (a create may be sent again).
NOT_SENT_ERRORS: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
SAFE_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How the client retries one call.

    Before retry n (0-based) it sleeps `d/2 + U(0, d/2)` with `d = min(backoff_cap, backoff_base * 2**n)`
    (equal jitter). A `Retry-After` in (0, retry_after_cap] seconds replaces that with `value + U(0, 1)`;
    a longer one raises `RateLimitedError` at once. It stops after `max_retries` retries, or when the next
    sleep would end more than `budget` seconds after the call began. Malformed 2xx answers to safe requests
    are retried at most `invalid_response_retries` times.
    """

    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_cap: float = 20.0
    budget: float = 60.0
    retry_after_cap: float = 120.0
    retry_after_jitter: float = 1.0
    invalid_response_retries: int = 2

    def backoff(self, attempt: int, rand: float) -> float:
        """Equal-jitter delay before retry `attempt` (0-based); `rand` is uniform in [0, 1)."""
        d = min(self.backoff_cap, self.backoff_base * 2.0**attempt)
        return d / 2 + rand * d / 2

    def retry_after_delay(self, retry_after: float, rand: float) -> float:
        """Delay for an honoured Retry-After value: the value plus up to `retry_after_jitter` seconds."""
        return retry_after + rand * self.retry_after_jitter


def _positive(value: float) -> float | None:
    """The value if it is a finite number above zero, else None."""
    return value if math.isfinite(value) and value > 0 else None


def parse_retry_after(headers: httpx.Headers, now: float) -> float | None:
    """Seconds to wait from `retry-after-ms`, `Retry-After` seconds or HTTP-date; None if absent or invalid.

    `now` is the wall-clock time (Unix seconds) used for HTTP-dates.
    """
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            found = _positive(float(ms) / 1000)
        except ValueError:
            found = None
        if found is not None:
            return found
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return _positive(float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return _positive(when.timestamp() - now)


def should_retry_status(
    kind: RequestKind, status: int, retry_after: float | None, headers: httpx.Headers
) -> bool:
    """Whether an error status may be retried for this request class (`x-should-retry` wins when sent)."""
    hint = headers.get("x-should-retry", "").strip().lower()
    if hint == "false":
        return False
    if hint == "true":
        return True
    if kind == "safe":
        return status in SAFE_RETRY_STATUSES
    # Creates and streams are retried only when the server says it did not process them.
    return status == 429 or (status == 503 and retry_after is not None)


class Cooldown:
    """A shared not-before gate: after a 429 every request of the client waits until it has passed."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._until = -math.inf
        self.hits = 0  # 429s seen so far; the job engine adapts its in-flight limit to it

    def __repr__(self) -> str:
        return f"<Cooldown remaining={self.remaining():.1f}s>"

    def remaining(self) -> float:
        """Seconds until requests may go out again (0 when open)."""
        return max(0.0, self._until - self._clock())

    def extend(self, seconds: float) -> None:
        """Hold every request for at least `seconds` from now (called on each 429)."""
        self.hits += 1
        self._until = max(self._until, self._clock() + seconds)

    async def wait(self, sleep: Callable[[float], Awaitable[object]]) -> None:
        """Sleep until the gate opens; sleeps again only if another 429 pushed it further meanwhile."""
        while (left := self.remaining()) > 0:
            until = self._until
            await sleep(left)
            if self._until == until:
                return
