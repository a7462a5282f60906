"""Scenario 2: detection delay, from the moment a task completes on the server to its result being in hand.

The server completes a task `processing` seconds after creating it; the client learns the creation time
when the create call returns (`job.submitted_at`), so `finished_at - (submitted_at + processing)` is the
delay, low by at most the create call's own latency. The seed docs' schedule (poll at once, then after 1, 2,
4, 8, 10, 10 … s) is computed beside it for the same processing times.
"""

from __future__ import annotations

from typing import Any

from common import session, summary
from sandbox_proc import SandboxProcess

__all__ = ["scenario", "seed_delay"]


def seed_delay(processing: float) -> float:
    """The seed docs' loop: how long after completion its first poll that can see SUCCESS comes."""
    at, wait = 0.0, 1.0
    while at < processing:
        at += wait
        wait = min(wait * 2, 10.0)
    return at - processing


def run_delays(sb: SandboxProcess, processing: float, jobs: int) -> dict[str, Any]:
    """`jobs` independent one-text translation jobs started together; their detection delays."""
    sb.setup(processing, None)
    with session(sb, max_in_flight=jobs) as camb:
        submitted = [
            camb.translate(f"delay probe {processing} s #{i}", to="fr-fr", cache=False) for i in range(jobs)
        ]
        camb.wait(submitted)
    delays = []
    for job in submitted:
        assert job.state == "succeeded" and job.submitted_at is not None and job.finished_at is not None
        delays.append(job.finished_at - (job.submitted_at + processing))
    return {
        "processing": processing,
        "delay": summary(delays),
        "seed_delay": seed_delay(processing),
        "polls_per_task": sb.stats()["requests"].get("GET translate/{id}", 0) / jobs,
    }


def scenario(sb: SandboxProcess, *, quick: bool) -> dict[str, Any]:
    """Short and long tasks (the target covers tasks under 10 s; 30 s shows the capped schedule)."""
    times = [0.5, 2.0] if quick else [1.0, 3.0, 8.0, 30.0]
    return {"jobs": 10 if quick else 40, "runs": [run_delays(sb, p, 10 if quick else 40) for p in times]}
