"""InFlightLimit: how many jobs may be between create and result at once, adapted to the server's 429s.

The API publishes no concurrency limit, so it is discovered (AIMD): a 429 while creating shrinks the limit to
3/4 (at most once a second, so one burst of 429s counts once), and each run of `limit` clean creates grows it
by one, back up to `maximum`. Jobs already holding a slot keep it. Loop thread only (anyio CapacityLimiter).
An optional `lease` (e.g. one `distributed.Semaphore` shared by a cluster's workers) is taken with each
slot, so several engines in several processes stay under one global limit.
Usage: `await limit.acquire()`, `limit.release()`, `limit.record_create(throttled=...)`.
"""

from __future__ import annotations

import time
from typing import Protocol

import anyio

__all__ = ["InFlightLimit", "Lease"]


class Lease(Protocol):
    """A slot of a limit shared beyond this engine: awaited after the local slot, released with it."""

    async def acquire(self) -> None:
        """Wait for a shared slot (loop thread)."""

    def release(self) -> None:
        """Give a shared slot back without blocking the loop thread."""


class InFlightLimit:
    """An anyio CapacityLimiter (made lazily, on the loop) whose size follows AIMD on create 429s."""

    def __init__(self, maximum: int) -> None:
        """Start at `maximum` slots."""
        self._maximum = maximum
        self._limiter: anyio.CapacityLimiter | None = None
        self._clean_creates = 0  # creates since the last 429, for growing the adapted limit back
        self._last_shrink = -1e9  # monotonic time of the last 429-driven shrink
        self.lease: Lease | None = None  # a shared slot held with each local one (set before the first job)

    def __repr__(self) -> str:
        """Current size and ceiling."""
        return f"<InFlightLimit {self.total}/{self._maximum}>"

    @property
    def maximum(self) -> int:
        """The ceiling the adapted size grows back to."""
        return self._maximum

    @maximum.setter
    def maximum(self, value: int) -> None:
        """Set a new ceiling (any thread); `resize()` on the loop thread applies it to the limiter."""
        self._maximum = value

    def resize(self) -> None:
        """Loop thread: make the current size the ceiling (applies to waiting jobs at once)."""
        if self._limiter is not None:
            self._limiter.total_tokens = self._maximum

    @property
    def total(self) -> int:
        """The current (adapted) number of slots."""
        return self._maximum if self._limiter is None else int(self._limiter.total_tokens)

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """The underlying limiter (created on first use, which must be on the loop thread)."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self._maximum)
        return self._limiter

    async def acquire(self) -> None:
        """Wait for a slot (held by the current task), then for the shared lease if one is set."""
        await self.limiter.acquire()
        if self.lease is not None:
            try:
                await self.lease.acquire()
            except BaseException:
                self.limiter.release()
                raise

    def release(self) -> None:
        """Give the current task's slot (and its shared lease) back."""
        self.limiter.release()
        if self.lease is not None:
            self.lease.release()

    def record_create(self, *, throttled: bool) -> None:
        """Adapt after a create: shrink on a 429, grow slowly after clean ones."""
        limiter = self.limiter
        now = time.monotonic()
        if throttled:
            self._clean_creates = 0
            if now - self._last_shrink >= 1.0:
                self._last_shrink = now
                limiter.total_tokens = max(1, int(limiter.total_tokens * 0.75))
        elif limiter.total_tokens < self._maximum:
            self._clean_creates += 1
            if self._clean_creates >= limiter.total_tokens:
                self._clean_creates = 0
                limiter.total_tokens = min(self._maximum, limiter.total_tokens + 1)
