"""Poll coordination: a batch's chunks poll as one group, and the session learns how long tasks take.

* `PollGroup`: jobs created under the same load (a batch's chunks). The oldest one still polling leads: it
  polls on the dense schedule; the others stretch their waits (`FOLLOW`×), since they cannot end before it.
  A chunk seen done after D s brings each sibling's next poll forward to D s after that sibling began (at
  once for older ones): a cohort of tasks created together is found done with about one poll each.
* `Timing`: per family and input size, bounds on how long such a task runs: `lo` (a task was still PENDING
  that long after its create was answered) and `hi` (one was SUCCESS that long after its create was sent).
  The server starts a task between the create's send and its answer, so both are true bounds however slow
  a create was. The next task polls first between them (once, while they are apart), then at `hi` after
  its send, then at `hi` after its answer (done by then unless it runs longer than any seen): for tasks of a
  steady length the end is seen within a few hundredths of a second without polling often. A task that runs
  past them is polled every twentieth of its age. One probe is out at a time (`probing`: whichever task asks
  first, leader or not), so each round of a batch halves the bracket once until it is closed.

Loop thread only. Usage: `group = PollGroup()`; `timing = Timings().get("translation", size)`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import anyio

from camb_notebook.jobs._journal import size_bucket

__all__ = ["FOLLOW", "PollGroup", "Sibling", "Timing", "Timings"]

FOLLOW = 3.0  # a follower's waits are this many times its own schedule (the leader's end wakes it anyway)
_APART = 0.005  # `lo` and `hi` closer than this share of `hi` (or 10 ms) need no probe between them
_AFTER = 0.005  # seconds after `hi` the poll goes out (the server's clock and ours tick apart)


@dataclass(eq=False)
class Sibling:
    """A polling job as its group sees it: when it began and last polled, when a sibling says it is due."""

    started: float
    polled: float
    due: float | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    async def sleep(self, delay: float) -> None:
        """Wait `delay` s, or less if a sibling's SUCCESS sets an earlier due time meanwhile."""
        until = time.monotonic() + delay
        while True:
            self.wake.clear()
            left = (until if self.due is None else min(until, self.due)) - time.monotonic()
            if left <= 0:
                return
            with anyio.move_on_after(left):
                await self.wake.wait()


class PollGroup:
    """Jobs created under the same load (see the module doc). No sibling is polled again sooner than
    `min_gap` s after its last poll, so one still running is not asked for every chunk that ends."""

    def __init__(self, min_gap: float = 0.25) -> None:
        """An empty group."""
        self.min_gap = min_gap
        self.polls = 0  # status polls its members sent (a batch's summary counts its requests with it)
        self._members: dict[Sibling, None] = {}  # in the order they began polling: the first one leads

    def join(self, member: Sibling) -> None:
        """Register a job that began polling."""
        self._members[member] = None

    def leads(self, member: Sibling) -> bool:
        """True for the oldest member still polling."""
        return next(iter(self._members), None) is member

    def leave(self, member: Sibling) -> None:
        """Forget a job that stopped polling; a new leader with no due time polls at once (minimum gap)."""
        led = self.leads(member)
        self._members.pop(member, None)
        head = next(iter(self._members), None)
        if led and head is not None and head.due is None:
            head.due = max(time.monotonic(), head.polled + self.min_gap)
            head.wake.set()

    def succeeded(self, member: Sibling) -> None:
        """`member` saw SUCCESS: bring forward each sibling's next poll to when it has run as long."""
        took = time.monotonic() - member.started
        for other in self._members:
            due = max(other.started + took, other.polled + self.min_gap)
            if other is not member and (other.due is None or due < other.due):
                other.due = due
                other.wake.set()


@dataclass
class Timing:
    """Bounds on how long one kind of task runs (module doc). Ages are seconds since the task's create was
    sent; `lag` is how long after its send the create was answered (the task started in between)."""

    lo: float = 0.0  # a task was still PENDING this long after its create was answered
    hi: float | None = None  # a task was SUCCESS this long after its create was sent (None: not known)
    end: float | None = None  # the last `hi` known (kept through an overrun)
    probing: object | None = None  # the poller whose probe between the bounds is out (one at a time)

    def pending(self, age: float, lag: float = 0.0) -> None:
        """A poll at `age` saw PENDING: the task runs longer than `age - lag` (a slow create's own wait
        does not count: the server may have started it only when it answered)."""
        floor = age - lag
        if self.hi is not None and floor >= self.hi:
            self.hi = None  # this task runs longer than the fastest seen: bracket again
        self.lo = max(self.lo, floor)

    def success(self, age: float) -> None:
        """A poll at `age` saw SUCCESS."""
        self.hi = age if self.hi is None else min(self.hi, age)
        self.end = self.hi
        if self.lo >= self.hi:
            self.lo = 0.0  # a faster task than the slowest seen: the lower bound starts again

    def next_poll(self, elapsed: float, probed: bool, lag: float = 0.0) -> float | None:
        """The age to poll at next (None: no estimate, or past it — the schedule decides): a probe between
        the bounds, else `hi` after the send, else `hi` after the answer (a create that took `lag`)."""
        hi = self.hi
        if hi is None:
            return None
        low = max(self.lo, elapsed)
        if not probed and self.lo > 0 and elapsed < hi and hi - low > max(0.01, _APART * hi):
            return (low + hi) / 2
        for at in (hi + _AFTER, hi + lag + _AFTER):
            if at > elapsed + _AFTER:
                return at
        return None

    def claim(self, poller: object, at: float) -> bool:
        """`poller` will poll at age `at`: True when that is a probe between the bounds, now its own (no other
        task probes until `release`); a second probe while one is out would ask the same question."""
        if self.hi is None or at >= self.hi or self.probing not in (None, poller):
            return False
        self.probing = poller
        return True

    def release(self, poller: object) -> None:
        """`poller`'s probe was answered (or abandoned): the next task may probe the narrowed bracket."""
        if self.probing is poller:
            self.probing = None

    def overrun_wait(self, age: float) -> float | None:
        """The wait for a task just past the ends seen (up to twice the last): a twentieth of its age (at
        least 30 ms); None when no end was seen, the task is not past it, or far past it (the schedule)."""
        if self.end is None or not self.end <= age < 2 * self.end:
            return None
        return max(0.03, 0.05 * age)


class Timings:
    """One `Timing` per (family, input size bucket), kept for the session."""

    def __init__(self) -> None:
        """Nothing seen yet."""
        self._seen: dict[tuple[str, int], Timing] = {}

    def get(self, family: str, size: int) -> Timing:
        """The timing of tasks like this one (created on first use)."""
        return self._seen.setdefault((family, size_bucket(size)), Timing())
