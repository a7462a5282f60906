"""Scenario 2: detection delay, from the moment a task completes on the server to its result being in hand.

The server completes a task `processing` seconds after creating it; the client learns the creation time
when the create call returns (`job.submitted_at`), so `finished_at - (submitted_at + processing)` is the
delay, low by at most the create call's own latency. The seed docs' loop (poll at once, then after 1, 2, 4,
8, 10, 10 … s) runs beside our jobs in threads, on the same server at the same time, measured the same way.
"""

from __future__ import annotations

import contextlib
import io
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from batch import WHAT_IF_POLICIES, seed_translate
from common import describe, session, summary
from sandbox_proc import SandboxProcess

from camb_notebook.jobs import Job, PollPolicy

__all__ = ["scenario"]

WHAT_IF_POLICY = WHAT_IF_POLICIES[-1]  # the densest what-if schedule of scenario 1


def _seed_delay(base_url: str, text: str, processing: float) -> float:
    """One seed-docs translation in this thread; seconds from server completion to result in hand."""
    _, created = seed_translate(text, "fr-fr", base_url)
    return time.time() - (created + processing)


def run_delays(sb: SandboxProcess, processing: float, jobs: int, seed_jobs: int) -> dict[str, Any]:
    """`jobs` of our one-text jobs and `seed_jobs` seed-docs loops started together; their delays."""
    sb.setup(processing, None)
    with (
        contextlib.redirect_stdout(io.StringIO()),  # the seed loop prints progress lines
        ThreadPoolExecutor(seed_jobs) as pool,
        session(sb, max_in_flight=jobs) as camb,
    ):
        seeds = [
            pool.submit(_seed_delay, sb.base_url, f"seed probe {processing} s #{i}", processing)
            for i in range(seed_jobs)
        ]
        submitted = [
            camb.translate(f"delay probe {processing} s #{i}", to="fr-fr", cache=False) for i in range(jobs)
        ]
        camb.wait(submitted)
        seed_delays = [future.result() for future in seeds]
    return {
        "processing": processing,
        "delay": summary(_job_delays(submitted, processing)),
        "seed_delay": summary(seed_delays),
    }


def _job_delays(jobs: list[Job], processing: float) -> list[float]:
    """Seconds from server completion to result in hand, per job."""
    delays = []
    for job in jobs:
        assert job.state == "succeeded" and job.submitted_at is not None and job.finished_at is not None
        delays.append(job.finished_at - (job.submitted_at + processing))
    return delays


def run_what_if(sb: SandboxProcess, processing: float, jobs: int, policy: PollPolicy) -> dict[str, Any]:
    """Our jobs alone under another poll schedule: their delays and status polls per task."""
    sb.setup(processing, None)
    with session(sb, max_in_flight=jobs, policy=policy) as camb:
        submitted = [
            camb.translate(f"what-if probe {processing} s #{i}", to="fr-fr", cache=False) for i in range(jobs)
        ]
        camb.wait(submitted)
    return {
        "processing": processing,
        "policy": describe(policy),
        "delay": summary(_job_delays(submitted, processing)),
        "polls_per_task": sb.stats()["requests"].get("GET translate/{id}", 0) / jobs,
    }


def scenario(sb: SandboxProcess, *, quick: bool) -> dict[str, Any]:
    """Short and long tasks (the target covers tasks under 10 s; 30 s shows the capped schedule)."""
    times = [0.5, 2.0] if quick else [1.0, 2.0, 4.0, 8.0, 30.0]
    jobs, seed_jobs = (10, 4) if quick else (40, 10)
    return {
        "jobs": jobs,
        "seed_jobs": seed_jobs,
        "runs": [run_delays(sb, p, jobs, seed_jobs) for p in times],
        "what_if": [run_what_if(sb, p, jobs, WHAT_IF_POLICY) for p in ([2.0] if quick else [2.0, 4.0, 8.0])],
    }
