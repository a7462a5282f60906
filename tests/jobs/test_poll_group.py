"""Poll coordination: the group's leader polls for all, and the session's timing brackets a task's end."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from camb_notebook.api import TaskStatus
from camb_notebook.jobs import PollGroup, PollPolicy, poll_until_terminal
from camb_notebook.jobs._poll import _delay
from camb_notebook.jobs._poll_group import Sibling, Timing

SLOW = PollPolicy(first=30.0, cap=30.0, jitter=0.0, group_first=30.0)  # polls only when woken


class Scripted:
    """A status route answering PENDING until it is told the task is done."""

    def __init__(self) -> None:
        self.done = False
        self.polls = 0

    async def status(self, family: Any, task_id: str) -> TaskStatus:
        self.polls += 1
        return TaskStatus("SUCCESS", run_id=1) if self.done else TaskStatus("PENDING")


def test_timing_probes_once_between_its_bounds_then_polls_just_after_the_shortest_seen() -> None:
    """PENDING 0.8 s after a create's answer, SUCCESS 1.2 s after one's send: the next task probes at 1.0 s,
    then polls at 1.2 s after its send, then (its create took 0.1 s) at 1.2 s after its answer."""
    timing = Timing()
    assert timing.next_poll(0.0, probed=False) is None  # nothing seen: the schedule decides
    timing.pending(0.85, lag=0.05)
    timing.success(1.2)
    assert timing.lo == pytest.approx(0.8)
    assert timing.next_poll(0.0, probed=False) == pytest.approx(1.0)
    assert timing.next_poll(1.0, probed=True, lag=0.1) == pytest.approx(1.205)
    assert timing.next_poll(1.205, probed=True, lag=0.1) == pytest.approx(1.305)
    assert timing.next_poll(1.305, probed=True, lag=0.1) is None  # past both: the overrun waits decide
    timing.success(1.05)  # the probe side closes in: the next first poll comes sooner
    assert timing.next_poll(0.0, probed=False) == pytest.approx((0.8 + 1.05) / 2)
    timing.pending(1.1, lag=0.3)  # still PENDING 0.8 s after a slow create's answer: no news, hi stays
    assert timing.hi == pytest.approx(1.05) and timing.lo == pytest.approx(0.8)
    timing.pending(1.1)  # a task still running past the shortest seen: bracket again
    assert timing.hi is None and timing.next_poll(0.0, probed=False) is None
    # Just past the last end seen (1.05 s) the wait is a twentieth of the age; before it, or at twice it,
    # the ordinary schedule decides.
    assert timing.overrun_wait(1.2) == pytest.approx(0.06)
    assert timing.overrun_wait(1.0) is None and timing.overrun_wait(2.2) is None
    assert Timing().overrun_wait(1.2) is None  # no end seen: nothing to be past


async def test_followers_wait_for_the_leader_and_poll_once_after_it_ends() -> None:
    """A group of five: only the leader polls while all run; its SUCCESS brings each follower's one poll."""
    group = PollGroup(min_gap=0.0)
    apis = [Scripted() for _ in range(5)]
    quick = PollPolicy(first=0.02, cap=0.02, jitter=0.0, group_first=0.02)
    leader = asyncio.ensure_future(poll_until_terminal(apis[0], "translation", "t0", quick, group=group))
    await asyncio.sleep(0)
    followers = [
        asyncio.ensure_future(poll_until_terminal(api, "translation", f"t{i}", SLOW, group=group))
        for i, api in enumerate(apis[1:], 1)
    ]
    await asyncio.sleep(0.2)
    assert apis[0].polls >= 1 and all(api.polls == 0 for api in apis[1:])
    for api in apis:
        api.done = True
    await asyncio.wait_for(asyncio.gather(leader, *followers), 30)
    assert all(api.polls == 1 for api in apis[1:])


async def test_a_new_leader_takes_over_when_the_leader_stops() -> None:
    """The leader's task fails: the oldest follower leads at once instead of waiting out its long wait."""
    group = PollGroup(min_gap=0.0)
    first, second = Scripted(), Scripted()
    leader = asyncio.ensure_future(poll_until_terminal(first, "translation", "t0", SLOW, group=group))
    await asyncio.sleep(0)
    follower = asyncio.ensure_future(poll_until_terminal(second, "translation", "t1", SLOW, group=group))
    await asyncio.sleep(0.05)
    leader.cancel()  # the leader leaves (its job was cancelled)
    second.done = True
    assert (await asyncio.wait_for(follower, 30)).status == "SUCCESS" and second.polls == 1


def test_one_probe_is_out_at_a_time_whichever_task_asks_first() -> None:
    """A task that does not lead its group (an older one still polls) probes an open bracket when no other
    probe is out; a sibling asking meanwhile polls just after `hi`; once answered, the next task may probe."""
    policy = PollPolicy(jitter=0.0)
    timing = Timing()
    timing.pending(4.9)
    timing.success(5.1)
    group = PollGroup()
    older, me, sibling = Sibling(0.0, 0.0), Sibling(5.0, 5.0), Sibling(5.0, 5.0)
    for member in (older, me, sibling):
        group.join(member)
    assert not group.leads(me)
    delay, timed = _delay(policy, 0.0, None, group, me, timing, False, 0.0, 0.0)
    assert timed and delay == pytest.approx(5.0) and timing.probing is me  # the probe between 4.9 and 5.1
    delay, timed = _delay(policy, 0.0, None, group, sibling, timing, False, 0.0, 0.0)
    assert timed and delay == pytest.approx(5.105) and timing.probing is me  # one probe out: `hi` for it
    timing.release(sibling)
    assert timing.probing is me  # only the prober's answer frees the claim
    timing.pending(5.0)  # the probe's answer narrows the bracket
    timing.release(me)
    delay, _ = _delay(policy, 0.0, None, group, sibling, timing, False, 0.0, 0.0)
    assert delay == pytest.approx(5.05) and timing.probing is sibling  # the next task probes what is left
    assert not timing.claim(me, 5.07)  # still out: no second probe
    timing.release(sibling)
    assert not timing.claim(me, 5.2)  # a poll at or past `hi` is no probe
    assert timing.probing is None
