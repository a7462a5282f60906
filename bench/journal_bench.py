"""Scenario 6: the journal's cost per job, and its size after 100k jobs before and after pruning.

Overhead: the exact journal calls the engine makes for one created job (the fingerprint claim, the rows at
creating / pending / fetching / succeeded, the stored result), timed over N jobs on a file journal, beside
the median round trip of one status poll to the sandbox process measured in the same run (the cheapest
request a job makes). Size: 100k finished jobs with results spread over 90 days, then `prune()` with the
defaults (finished jobs older than 30 days, cache over 500 MB), VACUUMed.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sandbox_proc import API_KEY, SandboxProcess

from camb_notebook.api import ApiClient
from camb_notebook.jobs._journal import JobRecord, Journal
from camb_notebook.jobs._lease import claim
from camb_notebook.jobs._prune import prune

__all__ = ["markdown", "scenario"]

RESULT = {"texts": ["Le renard brun rapide saute par-dessus le chien paresseux. " * 2] * 10}


def _record(i: int, state: str, *, task: str | None = None, finished: float | None = None) -> JobRecord:
    """One job row as the engine writes it."""
    now, created = time.time(), 1_700_000_000.0 + i  # a job's creation time never changes
    return JobRecord(
        f"{i:016x}", "translation", f"h{i}", '{"texts": ["..."]}', 1200, state, None, task, None, created,
        created, now, finished, None, 1, "k" * 16, "bench", now,
    )  # fmt: skip


def overhead(jobs: int) -> float:
    """Microseconds of journal work per created job (claim + 4 rows + the stored result)."""
    with tempfile.TemporaryDirectory(prefix="camb-journal-") as home:
        journal = Journal(home)
        journal.db  # noqa: B018 - open (and migrate) before timing
        started = time.perf_counter()
        for i in range(jobs):
            claim(journal, _record(i, "queued"), lambda _: False)
            journal.upsert(_record(i, "creating"))
            journal.upsert(_record(i, "pending", task=f"t{i}"))
            journal.upsert(_record(i, "fetching", task=f"t{i}"))
            journal.store_result(f"{i:016x}", "translation", f"h{i}", RESULT)
            journal.upsert(_record(i, "succeeded", task=f"t{i}", finished=time.time()))
        elapsed = time.perf_counter() - started
        journal.close()
    return elapsed / jobs * 1e6


def poll_round_trip(base_url: str, polls: int) -> float:
    """Median seconds of one status poll to the sandbox process."""

    async def run() -> float:
        async with ApiClient(api_key=API_KEY, base_url=base_url) as api:
            task = await api.create(
                "translation", {"texts": ["x"], "source_language": 1, "target_language": 76}
            )
            times = []
            for _ in range(polls):
                began = time.perf_counter()
                await api.status("translation", task)
                times.append(time.perf_counter() - began)
            return statistics.median(times)

    return asyncio.run(run())


def pruned_size(jobs: int) -> dict[str, Any]:
    """Journal size with `jobs` finished jobs over 90 days, and after the default prune."""
    rng = random.Random(15)
    with tempfile.TemporaryDirectory(prefix="camb-journal-") as home:
        journal = Journal(home)
        now = time.time()
        journal.db.execute("BEGIN")
        for i in range(jobs):
            finished = now - rng.uniform(0, 90) * 86400
            journal.upsert(_record(i, "succeeded", task=f"t{i}", finished=finished))
            journal.store_result(f"{i:016x}", "translation", f"h{i}", RESULT)
            journal.db.execute("UPDATE results SET stored_at = ? WHERE job_id = ?", (finished, f"{i:016x}"))
        journal.db.execute("COMMIT")
        journal.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = Path(journal.path).stat().st_size
        began = time.perf_counter()
        report = prune(journal)
        seconds = time.perf_counter() - began
        left = journal.db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0]
        journal.close()
    return {
        "jobs": jobs,
        "bytes_before": before,
        "bytes_after": report.bytes_after,
        "pruned_jobs": report.jobs,
        "jobs_left": left,
        "prune_seconds": seconds,
    }


def scenario(sb: SandboxProcess, quick: bool = False) -> dict[str, Any]:
    """Overhead per job beside one poll's round trip, and the pruned size."""
    jobs = 300 if quick else 3_000
    per_job = overhead(jobs)
    poll = poll_round_trip(sb.base_url, 50 if quick else 300)
    return {
        "jobs_timed": jobs,
        "overhead_us": per_job,
        "poll_ms": poll * 1000,
        "size": pruned_size(10_000 if quick else 100_000),
    }


def markdown(result: dict[str, Any]) -> list[str]:
    """Scenario 6 section of RESULTS.md."""
    size = result["size"]
    ratio = result["overhead_us"] / (result["poll_ms"] * 1000)
    return [
        "## 6. Journal: overhead per job and size after pruning",
        "",
        f"Journal work per created job (fingerprint claim, 4 row writes, the stored result; "
        f"{result['jobs_timed']:,} jobs on a file journal): **{result['overhead_us']:,.0f} µs**, "
        f"{ratio:.2f}× one status poll's round trip to the sandbox ({result['poll_ms']:.2f} ms median) — "
        "and a job makes at least three requests.",
        "",
        f"{size['jobs']:,} finished jobs with results, finished over the last 90 days: "
        f"**{size['bytes_before'] / 1e6:.1f} MB**; after `prune()` with the defaults (older than 30 days, "
        f"cache ≤ 500 MB; {size['pruned_jobs']:,} jobs dropped, {size['jobs_left']:,} kept, "
        f"{size['prune_seconds']:.1f} s): **{size['bytes_after'] / 1e6:.1f} MB**.",
        "",
    ]
