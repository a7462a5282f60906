"""The fixed cost of a batch on this machine: what 140 tasks cost a client when the server takes no time.

With the sandbox's processing near zero, a batch's wall is all client and server work: planning, the
HTTP requests (create, status, result for every chunk), the journal and assembling the frame. Measured
side by side in one run for two clients at the same server concurrency:

- peer: the official SDK script of `peer.py` (semaphore = the server concurrency, 10 ms poll loop).
- ours: `translate_frame` at defaults (dedupe, journal, result cache, QA checks, the frame).

A matrix cell's wall can only come within 10 % of its limit when this fixed cost fits in 10 % of the
processing time (the 140 creates cannot all be sent before the work they start has to run).
Usage: `python bench/floor.py [--runs 5] [--concurrency 256]` → bench/floor.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from batch import TARGETS, run_batch  # noqa: E402
from common import make_texts  # noqa: E402
from peer import translate_column  # noqa: E402
from sandbox_proc import API_KEY, SandboxProcess  # noqa: E402

__all__ = ["main"]

PROCESSING = 0.001  # the sandbox's smallest useful processing time: a task is done by its first poll


def _peer(sb: SandboxProcess, texts: list[str], concurrency: int) -> dict[str, float]:
    """One peer run against a freshly set-up sandbox: wall, client and server CPU seconds, requests."""
    sb.setup(PROCESSING, concurrency)
    server, cpu, started = sb.cpu_seconds(), time.process_time(), time.perf_counter()
    asyncio.run(
        translate_column(
            texts, TARGETS, api_key=API_KEY, base_url=sb.base_url, concurrency=concurrency, poll=0.01
        )
    )
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    requests = sum(sb.stats()["requests"].values())
    return {"wall": wall, "client_cpu": cpu, "server_cpu": sb.cpu_seconds() - server, "requests": requests}


def _ours(sb: SandboxProcess, texts: list[str], concurrency: int) -> dict[str, float]:
    """One run of ours at defaults (a fresh journal): the same figures."""
    run = run_batch(sb, texts, processing=PROCESSING, concurrency=concurrency, max_in_flight=None)
    figures = {k: float(run[k]) for k in ("wall", "client_cpu", "server_cpu", "tasks")}
    return figures | {"requests": run["requests_per_task"] * run["tasks"]}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Measure the two clients round-robin (`--runs` rounds) and print and record their medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args(argv)
    texts = make_texts(args.rows)
    runs: dict[str, list[dict[str, float]]] = {"peer": [], "ours": []}
    with SandboxProcess() as sb:
        for _ in range(args.runs):
            runs["peer"].append(_peer(sb, texts, args.concurrency))
            runs["ours"].append(_ours(sb, texts, args.concurrency))
    tasks = int(runs["ours"][0]["tasks"])
    medians = {
        name: {
            k: statistics.median(r[k] for r in values)
            for k in ("wall", "client_cpu", "server_cpu", "requests")
        }
        for name, values in runs.items()
    }
    record = {"concurrency": args.concurrency, "rows": args.rows, "tasks": tasks, "runs": args.runs}
    record |= {"medians": medians, "all": runs}
    for name, m in medians.items():
        print(
            f"{name:>5}: wall {m['wall']:.2f} s for {tasks} tasks; client CPU {m['client_cpu']:.2f} s,"
            f" sandbox CPU {m['server_cpu']:.2f} s for {m['requests']:.0f} requests"
            f" ({m['server_cpu'] / m['requests'] * 1e3:.2f} ms each)"
        )
    (HERE / "floor.json").write_text(json.dumps(record, indent=2) + "\n")
    return record


if __name__ == "__main__":
    main()
