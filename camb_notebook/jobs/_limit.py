"""InFlightLimit: how many jobs may hold a task on the server at once, discovered from the server's 429s.

The API publishes no concurrency limit, so the window is found from both sides. Slow start: begin small
(`START`) and, while jobs wait for a slot, grow by one for each accepted create (a window of accepted creates
doubles it; creates stay clocked by their answers, so an overshoot costs at most the creates then in flight).
The first 429 ends slow start: the window becomes the tasks the server holds for us at that moment (what it
admitted, plus creates in flight then that it admits after all; at least half the window), at once for every
waiting create, and its Retry-After shuts one shared gate that all creates pass. Then AIMD around it: a clean
run of `PROBE_EVERY` windows of accepted creates (with work queued, `PROBE_PAUSE` s after the last cut) grows
it by one; a 429 sets it to what the server held, and a 429 right after one with no create accepted in between
cuts that by a quarter. An explicit `maximum` caps all of it; a remembered limit (journal) is a start.

A slot is held from before the create until the task's final status is seen (the server frees its own slot by
then), so results are fetched outside the window. Waiting jobs are served first come, first served; a slot
freed is handed to the next waiter at once. An optional `lease` (e.g. one `distributed.Semaphore` shared by
a cluster's workers) is taken with each slot. Loop thread only (asyncio; hand-written because anyio's
CapacityLimiter has no priority re-queue, no shared gate and no view of what the slots hold).
Usage: `await limit.acquire()`; `await limit.gate()`; `limit.accepted(t)` / `limit.throttled(t, ra)`.
"""

from __future__ import annotations

import asyncio
import collections
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

__all__ = ["PROBE_EVERY", "PROBE_PAUSE", "START", "InFlightLimit", "Lease", "LimitStats"]

START = 8  # the first window while discovering (and never above an explicit maximum)
PROBE_EVERY = 8  # windows of clean creates (with work queued) between two +1 probes above a found limit
PROBE_PAUSE = 30.0  # and at least this many seconds since the last cut (a probe's 429 holds every create)
_BACKOFF = 1.0  # seconds the gate shuts on a 429 without Retry-After (doubled on each refused retry)


class Lease(Protocol):
    """A slot of a limit shared beyond this engine: awaited after the local slot, released with it."""

    async def acquire(self) -> None:
        """Wait for a shared slot (loop thread)."""

    def release(self) -> None:
        """Give a shared slot back without blocking the loop thread."""


@dataclass
class LimitStats:
    """What the limit saw: creates accepted and refused, the widest window, and how fast slots refill."""

    accepted: int = 0
    throttled: int = 0
    peak_window: int = 0
    peak_active: int = 0  # most tasks the server held for us at once (accepted, final status not yet seen)
    refills: int = 0  # slots freed while a job waited, handed over at once
    idle_seconds: float = 0.0  # final status seen → the next create in that slot, summed
    max_idle: float = 0.0
    early: int = 0  # creates sent while the gate was shut, in slots our own tasks freed after the 429


class InFlightLimit:
    """The window (see the module doc): `maximum` None discovers the limit, an int caps it."""

    def __init__(
        self, maximum: int | None = None, *, start: int = START, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Start at `start` slots (at most `maximum`), discovering upwards."""
        self._maximum = maximum
        self._clock = clock
        self._window = start if maximum is None else min(start, maximum)
        self.found: int | None = None  # the limit the last 429 showed (None: slow start, no 429 seen yet)
        self._held = 0  # slots taken (creating, or holding a task)
        self._active = 0  # of them, slots whose task the server accepted
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._changed: list[asyncio.Future[None]] = []
        self._gate_until = -math.inf  # monotonic time before which no create is sent (shared Retry-After)
        self._strikes = 0  # cuts by 429s with no create accepted in between (a repeat cuts harder)
        self._clean = 0  # accepted creates since the last change of the window after slow start
        self._last_cut = -math.inf  # when the window was last cut by a 429
        self._refused_at = (
            -math.inf
        )  # when the last 429 came back (slots freed after it are the server's room)
        self._freed: collections.deque[float] = collections.deque()  # final statuses whose slot a job awaits
        self._handed: dict[asyncio.Future[None], float] = {}  # waiter -> when the slot it got was freed
        self.stats = LimitStats(peak_window=self._window)
        self.lease: Lease | None = None  # a shared slot held with each local one (set before the first job)

    def __repr__(self) -> str:
        """Current window and cap."""
        cap = "discover" if self._maximum is None else self._maximum
        return f"<InFlightLimit {self._window} of max {cap}, {self._held} held>"

    # -- settings ------------------------------------------------------------------------------------------

    @property
    def maximum(self) -> int | None:
        """The explicit cap (None: discover the server's limit without one)."""
        return self._maximum

    @maximum.setter
    def maximum(self, value: int | None) -> None:
        """Set a new cap (any thread); `resize()` on the loop thread applies it."""
        self._maximum = value

    def resize(self) -> None:
        """Loop thread: apply the cap (at once to waiting jobs; a higher one lets the window grow)."""
        self._set(self._window)

    @property
    def total(self) -> int:
        """The current window: jobs that may hold a slot now."""
        return self._window

    @property
    def held(self) -> int:
        """Slots taken now."""
        return self._held

    @property
    def waiting(self) -> int:
        """Jobs waiting for a slot."""
        return sum(not f.done() for f in self._waiters)

    @property
    def estimate(self) -> int:
        """The concurrency to plan with (ETAs, a cluster's lease): the found limit, else the cap, else 32."""
        if self.found is not None:
            return self.found
        return self._maximum if self._maximum is not None else max(self._window, 32)

    def recall(self, limit: int, exact: bool) -> None:
        """Start from a remembered limit: `exact` (a 429 showed it) or a level proven free of 429s."""
        self.found = limit if exact else None
        self._clean = 0
        self._set(limit)
        self.stats.peak_window = self._window

    def learned(self) -> tuple[int, bool] | None:
        """What is worth remembering: (found limit, True), or (most tasks held without a 429, False)."""
        if self.found is not None:
            return self.found, True
        return (self.stats.peak_active, False) if self.stats.peak_active > START else None

    # -- slots ---------------------------------------------------------------------------------------------

    async def acquire(self, *, front: bool = False) -> float | None:
        """Wait for a slot (`front`: ahead of the others, for a create the server refused), then the lease.
        Returns when the slot was freed by a finished task, if it was handed over from one (else None)."""
        freed = None
        if self._held < self._window and not self.waiting:
            self._held += 1
        else:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            if front:
                self._waiters.appendleft(waiter)
            else:
                self._waiters.append(waiter)
            try:
                await waiter
            except BaseException:
                self._handed.pop(waiter, None)
                if waiter.done() and not waiter.cancelled():
                    self._give_back()  # handed a slot, but cancelled before taking it
                else:
                    self._waiters.remove(waiter)
                raise
            freed = self._handed.pop(waiter, None)
        if self.lease is not None:
            try:
                await self.lease.acquire()
            except BaseException:
                self._give_back()
                raise
        return freed

    def release(self, *, active: bool = False) -> None:
        """Give a slot (and its lease) back; `active` when it held an accepted task (its status is final)."""
        if active:
            self._active -= 1
            if self.waiting and self._held <= self._window:  # a job takes it now: idle until its create
                self._freed.append(self._clock())
        self._give_back()
        if self.lease is not None:
            self.lease.release()

    def _give_back(self) -> None:
        """Free one local slot and hand free slots to waiters."""
        self._held -= 1
        self._wake()

    def _wake(self) -> None:
        """Hand free slots to the longest-waiting jobs (a slot moves straight to its new holder)."""
        while self._waiters and self._held < self._window:
            waiter = self._waiters.popleft()
            if waiter.done():
                continue
            self._held += 1
            if self._freed:
                self._handed[waiter] = self._freed.popleft()
            waiter.set_result(None)

    def changed(self) -> asyncio.Future[None]:
        """A future resolved when the window next grows (a batch tops its queue of waiting jobs up then)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._changed = [f for f in self._changed if not f.done()]
        self._changed.append(future)
        return future

    def _notify(self) -> None:
        """Resolve the `changed()` futures."""
        futures, self._changed = self._changed, []
        for future in futures:
            if not future.done():
                future.set_result(None)

    def _set(self, window: int) -> None:
        """Resize the window (within 1 and the cap) and serve waiters."""
        if self._maximum is not None:
            window = min(window, self._maximum)
        grew = window > self._window
        self._window = max(1, window)
        self.stats.peak_window = max(self.stats.peak_window, self._window)
        self._wake()
        if grew:
            self._notify()

    # -- creates -------------------------------------------------------------------------------------------

    async def gate(self, freed: float | None = None) -> None:
        """Wait until the shared back-off after a 429 has passed. A create in a slot that one of our tasks
        freed (`freed`, from `acquire`) after the last 429 passes at once: the server has room for it."""
        if freed is not None and freed > self._refused_at:
            self.stats.early += self._gate_until > self._clock()
            return
        while (left := self._gate_until - self._clock()) > 0:
            await asyncio.sleep(left)

    def sending(self, freed: float | None = None) -> float:
        """A create is about to go out (in a slot a finished task freed at `freed`, if `acquire` said so):
        returns its send time (pass it to `accepted`/`throttled`)."""
        now = self._clock()
        if freed is not None:  # the slot sat idle from that task's final status until now
            idle = now - freed
            self.stats.refills += 1
            self.stats.idle_seconds += idle
            self.stats.max_idle = max(self.stats.max_idle, idle)
        return now

    def accepted(self, sent: float) -> None:
        """The server created the task: it holds the slot until its final status; grow while work queues."""
        self._active += 1
        self._strikes = 0
        self.stats.accepted += 1
        self.stats.peak_active = max(self.stats.peak_active, self._active)
        if self.found is not None and sent < self._last_cut:
            # In flight when the 429 came back and admitted all the same: the server holds it too, so the
            # limit it showed is one higher than the tasks counted then (their answers were still on the way).
            self.found += 1
            self._set(max(self._window, self.found))
            return
        if not self.waiting:
            return
        if self.found is None:
            self._set(self._window + 1)  # slow start: a window of accepted creates doubles it
            return
        self._clean += 1
        if self._clean >= PROBE_EVERY * self._window and self._clock() - self._last_cut >= PROBE_PAUSE:
            self._clean = 0
            self._set(self._window + 1)  # additive probe above the found limit

    def throttled(self, sent: float, retry_after: float | None) -> float:
        """The server answered 429 (nothing was created): shrink the window for everyone, shut the shared gate
        for Retry-After (or a doubling back-off), give the slot back. Returns the seconds the gate stays shut.
        """
        now = self._clock()
        self.stats.throttled += 1
        self._refused_at = now
        if sent >= self._last_cut:  # not one more answer of the burst the last cut already counted
            self._strikes += 1
            # What the server holds for us is what it admits; never below half (a 429 not caused by us).
            window = max(1, self._active, self._window // 2)
            if self._strikes > 1:
                window = min(window, max(1, self._window * 3 // 4))  # refused again: multiplicative cut
            self._last_cut = now
            self.found = window
            self._clean = 0
            self._set(min(window, self._window))
        if retry_after is not None:
            # A small spread only: one gate serves all our creates, and the server's value is whole seconds.
            wait = retry_after * (1 + 0.05 * random.random())
        else:
            wait = _BACKOFF * 2 ** min(self._strikes - 1, 5) * (0.5 + 0.5 * random.random())
        self._gate_until = max(self._gate_until, now + wait)
        self._give_back()
        if self.lease is not None:
            self.lease.release()
        return self._gate_until - now

    def failed(self) -> None:
        """A create failed otherwise (no task, or an unknown outcome the job reports): free the slot."""
        self.release()
