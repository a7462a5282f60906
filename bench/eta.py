"""Scenario "eta": does a dry run's ETA range contain the real wall time of the batch it prices?

One session on a sandbox process (fixed processing time, a server limit above the session's). A first batch
fills the journal with measured durations; then, ten times, a new batch of the same size (fresh texts, so no
cache hits) is priced with `dry_run=True` and run with `.run()`, and its wall time (from `.run()` until the
result is in) is compared with the range. Usage: `python bench/eta.py [--quick]` (a few minutes; writes
bench/eta_results.json and the "ETA" section of bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import make_texts, publish, session  # noqa: E402
from sandbox_proc import SandboxProcess  # noqa: E402

from camb_notebook.jobs import Estimate  # noqa: E402

TARGETS = ["fr-fr", "de-de"]
BEGIN, END = "<!-- eta:begin -->", "<!-- eta:end -->"


def _batch(camb: Any, texts: list[str]) -> tuple[Estimate, float]:
    """Price the batch (nothing sent), then run it; the estimate and the run's wall seconds."""
    estimate = camb.translate(texts, to=TARGETS, dry_run=True)
    started = time.perf_counter()
    estimate.run().result(timeout=600)
    return estimate, time.perf_counter() - started


def scenario(sb: SandboxProcess, *, rows: int, trials: int, processing: float) -> dict[str, Any]:
    """A warm-up batch, then `trials` priced-and-run batches of `rows` distinct rows × 2 targets."""
    sb.setup(processing, 64)
    runs = []
    with session(sb) as camb:
        _, warm = _batch(camb, [f"warm-up {t}" for t in make_texts(rows, duplicates=0.0, seed=1)])
        for trial in range(trials):
            texts = [f"trial {trial} {t}" for t in make_texts(rows, duplicates=0.0, seed=100 + trial)]
            estimate, wall = _batch(camb, texts)
            eta = estimate.eta
            assert eta is not None, "the warm-up batch should have measured durations"
            runs.append({"low": eta[0], "high": eta[1], "wall": wall, "tasks": estimate.tasks})
            print(f"  trial {trial + 1}: ETA {eta[0]:.2f}–{eta[1]:.2f} s, wall {wall:.2f} s", flush=True)
        concurrency = estimate.concurrency
    inside = sum(r["low"] <= r["wall"] <= r["high"] for r in runs)
    return {
        "rows": rows,
        "targets": len(TARGETS),
        "processing": processing,
        "concurrency": concurrency,
        "warm_wall": warm,
        "runs": runs,
        "inside": inside,
        "trials": trials,
    }


def report(result: dict[str, Any], load: str) -> str:
    """The RESULTS.md section: the target, one row per trial, the count inside the range."""
    verdict = "met" if result["inside"] >= 8 * result["trials"] / 10 else "**missed**"
    lines = [
        BEGIN,
        "## ETA: does the dry run's range contain the real wall time? (`python bench/eta.py`)",
        "",
        f"{result['rows']:,} distinct rows × {result['targets']} targets per batch "
        f"({result['runs'][0]['tasks']} tasks), sandbox processing {result['processing']:g} s per task, "
        f"the session's {result['concurrency']} chunks at once; a warm-up batch "
        f"({result['warm_wall']:.1f} s) fills the journal, then each trial prices a new batch of the same "
        f"size with `dry_run=True` and runs it with `.run()`. Load average before: {load}.",
        "",
        f"**Target ≥ 8 of 10 inside the range: {result['inside']} of {result['trials']} ({verdict}).**",
        "",
        "| trial | ETA low | ETA high | wall | inside |",
        "|---|---|---|---|---|",
    ]
    for i, run in enumerate(result["runs"], 1):
        inside = "yes" if run["low"] <= run["wall"] <= run["high"] else "no"
        lines.append(f"| {i} | {run['low']:.2f} s | {run['high']:.2f} s | {run['wall']:.2f} s | {inside} |")
    lines += [
        "",
        "The range is ⌈tasks / concurrency⌉ waves × the 10th–90th percentile of the journal's measured "
        "durations of tasks of the same size bucket (job created → result: the time a chunk holds an "
        "in-flight slot, create and fetch included; `jobs/_estimate.py`). It is wide (high ≈ 2× low) because "
        "the history mixes tasks timed without history (first poll at 0.75 s) and with it (polled near the "
        "expected end), and waits under load; a first version timed submit → result and ran short (in a "
        "quick run 1 of 3 walls fell above its range, the others near its top: the creates of each wave "
        "were not counted).",
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    """Run the scenario and write its JSON and its RESULTS.md section (replaced in place)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 trials, printed only")
    args = parser.parse_args()
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    with SandboxProcess() as sb:
        result = scenario(sb, rows=2_000, trials=3 if args.quick else 10, processing=1.0)
    section = report(result, load)
    print(section)
    if args.quick:
        return
    publish(HERE, "eta_results.json", result, section, BEGIN, END)


if __name__ == "__main__":
    main()
