"""Where a batch's time goes: every create, poll and result fetch of one run, timed, and the gaps summed.

The session's wire client is wrapped (bench only; the engine is unchanged) so each request's send and answer
time is recorded per task. From them: when the first create went out, how long slots sit idle between a
task's end on the server (its accepted create + processing, an upper bound) and the next create going out,
how late SUCCESS is seen, how long the results take, and the tail after the last task ended.
Usage: `python bench/trace.py --concurrency 64 --processing 1 [--max-in-flight 64] [--runs 2]`.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pandas as pd  # noqa: E402
from batch import TARGETS  # noqa: E402
from common import make_texts, session  # noqa: E402
from sandbox_proc import SandboxProcess  # noqa: E402

from camb_notebook.api import RateLimitedError  # noqa: E402
from camb_notebook.frames import translate_frame  # noqa: E402

__all__ = ["Tracer", "trace_run"]


class Tracer:
    """The engine's wire client with every task call's send and answer time recorded (the rest delegated)."""

    def __init__(self, api: Any) -> None:
        """Wrap `api`."""
        self._api = api
        self.creates: list[tuple[float, float, str | None]] = []  # sent, answered, task_id (None: a 429)
        self.polls: list[tuple[float, float, str, str]] = []  # sent, answered, task_id, status
        self.fetches: list[tuple[float, float, list[int]]] = []
        self.runs: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        """Everything else is the wrapped client's."""
        return getattr(self._api, name)

    async def create_or_429(self, family: Any, request: Any) -> str:
        """A create, timed."""
        sent = time.monotonic()
        try:
            task_id: str = await self._api.create_or_429(family, request)
        except RateLimitedError:
            self.creates.append((sent, time.monotonic(), None))
            raise
        self.creates.append((sent, time.monotonic(), task_id))
        return task_id

    async def status(self, family: Any, task_id: str) -> Any:
        """A poll, timed."""
        sent = time.monotonic()
        status = await self._api.status(family, task_id)
        self.polls.append((sent, time.monotonic(), task_id, status.status))
        if status.run_id is not None:
            self.runs[task_id] = status.run_id
        return status

    async def results(self, family: Any, run_ids: Sequence[int]) -> Any:
        """A bulk fetch, timed."""
        sent = time.monotonic()
        found = await self._api.results(family, run_ids)
        self.fetches.append((sent, time.monotonic(), list(run_ids)))
        return found

    async def result(self, family: Any, run_id: int) -> Any:
        """A single fetch, timed."""
        sent = time.monotonic()
        found = await self._api.result(family, run_id)
        self.fetches.append((sent, time.monotonic(), [run_id]))
        return found


async def _thread_time() -> float:
    """CPU seconds the engine's loop thread has used (run on that thread)."""
    return time.thread_time()


def _ms(values: list[float]) -> str:
    """Median / p90 / max of seconds, in ms."""
    if not values:
        return "-"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"med {statistics.median(ordered) * 1e3:.0f} p90 {p90 * 1e3:.0f} max {ordered[-1] * 1e3:.0f} ms"


def trace_run(
    sb: SandboxProcess,
    texts: list[str],
    *,
    concurrency: int,
    processing: float,
    max_in_flight: int | None,
    policy: dict[str, float] | None = None,
) -> dict[str, Any]:
    """One batch, traced; returns the figures printed by `report`."""
    sb.setup(processing, concurrency)
    frame = pd.DataFrame({"text": texts})
    with session(sb, max_in_flight=max_in_flight) as camb:
        if policy:
            camb.manager.policy = dataclasses.replace(camb.manager.policy, **policy)
        tracer = Tracer(camb.manager.api)
        camb.manager.api = tracer
        cpu = camb.manager.loop.spawn(_thread_time()).result()
        started = time.monotonic()
        translate_frame(frame, "text", to=list(TARGETS), session=camb).result()
        wall = time.monotonic() - started
        cpu = camb.manager.loop.spawn(_thread_time()).result() - cpu
        stats = camb.manager.limit.stats
    accepted = [(s, a, t) for s, a, t in tracer.creates if t is not None]
    end_of = {t: s + processing for s, _, t in accepted}  # the earliest a task can have ended: sent + p
    end_hi = {t: a + processing for _, a, t in accepted}  # the latest: answered + p
    seen = {}
    for sent, answered, task_id, status in tracer.polls:
        if status == "SUCCESS" and task_id not in seen:
            seen[task_id] = (sent, answered)
    fetched: dict[int, float] = {}
    for _, answered, runs in tracer.fetches:
        for run in runs:
            fetched.setdefault(run, answered)
    sends = sorted(s for s, _, _ in tracer.creates)
    # a slot's idle gap: the k-th earliest task end (after the first `concurrency`) → the next create sent
    later = sorted(s for s, _, _ in accepted)[concurrency:]
    gaps = [max(0.0, send - end) for end, send in zip(sorted(end_of.values()), later, strict=False)]
    refused = [a for _, a, t in tracer.creates if t is None]
    first_429 = min(refused, default=None)
    return {
        "wall": wall,
        "engine_cpu": cpu,
        "limit": -(-len(accepted) // concurrency) * processing,
        "to_first_create": sends[0] - started,
        "creating": sends[-1] - sends[0],
        "create_rtt": [a - s for s, a, _ in accepted],
        "r429": len(refused),
        "r429_at": [a - started for a in refused],
        "last_create": sends[-1] - started,
        "late_seen": [seen[t][0] - end_hi[t] for t in end_hi if t in seen],
        "poll_rtt": [a - s for s, a, _, _ in tracer.polls],
        "polls_per_task": len(tracer.polls) / len(accepted),
        "fetch_after_seen": [
            fetched[tracer.runs[t]] - seen[t][1] for t in seen if tracer.runs.get(t) in fetched
        ],
        "slot_gap": gaps,
        "tail": started + wall - max(end_hi.values()),
        "idle": (stats.refills, stats.idle_seconds, stats.max_idle, stats.early),
        "full_at": sorted(s for s, _, _ in accepted)[min(concurrency, len(accepted)) - 1] - started,
        "first_429": None if first_429 is None else first_429 - started,
        "after_429": None
        if first_429 is None
        else min((s for s in sends if s > first_429), default=first_429) - started,
        "first_end": min(end_of.values()) - started,
        "first_seen": min((v[1] for v in seen.values()), default=started) - started,
    }


def report(label: str, run: dict[str, Any]) -> None:
    """Print one traced run."""
    print(
        f"{label}: wall {run['wall']:.2f} s = {run['wall'] / run['limit']:.2f}× limit {run['limit']:g} s; "
        f"{run['r429']} × 429; polls/task {run['polls_per_task']:.2f}; engine thread CPU "
        f"{run['engine_cpu']:.2f} s = {run['engine_cpu'] / len(run['create_rtt']) * 1e3:.1f} ms per task"
    )
    print(
        f"  start → first create {run['to_first_create'] * 1e3:.0f} ms; creates spread "
        f"{run['creating']:.2f} s; the limit-th sent at {run['full_at']:.3f} s"
    )
    if run["first_429"] is not None:
        print(f"  first 429 answered at {run['first_429']:.3f} s, next create at {run['after_429']:.3f} s")
        at = ", ".join(f"{t:.1f}" for t in run["r429_at"])
        print(f"  429s answered at {at} s; last create sent at {run['last_create']:.1f} s")
    print(
        f"  first task end (≥ send + p) {run['first_end']:.3f} s, first SUCCESS answered "
        f"{run['first_seen']:.3f} s; tail (last end ≤ answer + p → result) {run['tail'] * 1e3:.0f} ms"
    )
    print(f"  create rtt {_ms(run['create_rtt'])}; poll rtt {_ms(run['poll_rtt'])}")
    print(f"  SUCCESS seen after end (≤ answer + p) {_ms(run['late_seen'])}")
    print(f"  result after SUCCESS answer {_ms(run['fetch_after_seen'])}")
    print(f"  slot gap: k-th end → next create sent {_ms(run['slot_gap'])}")
    refills, idle, most, early = run["idle"]
    print(f"  engine: {refills} refills, idle {idle:.2f} s (max {most * 1e3:.0f} ms); {early} past a gate")


def _cap(variant: str, concurrency: int) -> int:
    """`limit` → the server's concurrency, else the number given."""
    return concurrency if variant == "limit" else int(variant)


def main() -> None:
    """Trace runs of one cell, variants interleaved."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--processing", type=float, default=1.0)
    parser.add_argument("--max-in-flight", default="none,limit")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--policy", default="", help="poll policy what-ifs, ';'-separated: 'group_first=0.1'")
    args = parser.parse_args()
    texts = make_texts(10_000)
    variants = args.max_in_flight.split(",")
    policies = [
        {k: float(v) for k, v in (kv.split("=") for kv in p.split(",") if kv)} for p in args.policy.split(";")
    ]
    with SandboxProcess() as sb:
        for index in range(args.runs):
            for variant in variants:
                for policy in policies:
                    mif = None if variant == "none" else _cap(variant, args.concurrency)
                    run = trace_run(
                        sb,
                        texts,
                        concurrency=args.concurrency,
                        processing=args.processing,
                        max_in_flight=mif,
                        policy=policy,
                    )
                    report(f"run {index + 1} max_in_flight={variant} {policy or ''}", run)


if __name__ == "__main__":
    main()
