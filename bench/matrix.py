"""The limit matrix: ours vs the peer (bench/peer.py) per server concurrency × processing time, side by side.

Scenario (issue 17): 10,000 rows × 2 targets, 30 % duplicates → 140 tasks of ≤ 100 texts; the sandbox in its
own process; the limit is ⌈tasks / concurrency⌉ × processing. Per cell and run, interleaved so load drift
hits every variant alike: ours at defaults (a fresh journal: nothing remembered), ours with `max_in_flight`
= the server's concurrency, the peer told the limit (semaphore = concurrency) and the peer as users write it
(semaphore 64). Each run's 429s and requests per task come from the sandbox's `__sandbox__/stats`.

Quick (one cell, one run, printed only): `python bench/matrix.py --concurrency 64 --processing 2 --runs 1`
(`--over` adds the oversubscribed row, `--latency` the one-line latency). Everything, medians of 3, into
bench/matrix.json + the "Matrix" section of bench/RESULTS.md + bench/matrix.png: `python bench/matrix.py
--full` (about 45 min: concurrency 8 at 5 s alone is ~90 s per run). `--render` rewrites the report only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pandas as pd  # noqa: E402
from batch import TARGETS, run_batch  # noqa: E402
from common import make_texts, session  # noqa: E402
from matrix_report import acceptance, write_report, write_rerun  # noqa: E402
from peer import translate_column  # noqa: E402
from sandbox_proc import API_KEY, SandboxProcess  # noqa: E402

from camb_notebook.frames import assemble_long  # noqa: E402
from camb_notebook.jobs import translation_batch  # noqa: E402
from camb_notebook.sandbox import pseudo_localize  # noqa: E402

ROWS = 10_000
UNTUNED = 64  # the semaphore a user picks without knowing the server's limit
OVER = {"concurrency": 8, "processing": 2.0, "max_in_flight": 1000}
VARIANTS = ("ours_default", "ours_limit", "peer_tuned", "peer_untuned")


def _load1() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def run_peer(
    sb: SandboxProcess, texts: list[str], *, processing: float, concurrency: int, semaphore: int
) -> dict[str, Any]:
    """One peer run against a freshly set-up sandbox: wall, tasks, 429s, requests per task, wrong cells."""
    sb.setup(processing, concurrency)
    started = time.perf_counter()
    out = asyncio.run(
        translate_column(texts, TARGETS, api_key=API_KEY, base_url=sb.base_url, concurrency=semaphore)
    )
    wall = time.perf_counter() - started
    stats = sb.stats()
    tasks = stats["tasks_created"].get("translation", 0)
    wrong = sum(
        got != pseudo_localize(text, target)
        for target in TARGETS
        for got, text in zip(out[target], texts, strict=True)
    )
    return {
        "wall": wall,
        "tasks": tasks,
        "rate_limited": stats["requests"].get("POST translate", 0) - tasks,
        "requests_per_task": sum(stats["requests"].values()) / tasks,
        "wrong_cells": wrong,
    }


def run_variant(
    sb: SandboxProcess, texts: list[str], variant: str, *, processing: float, concurrency: int
) -> dict[str, Any]:
    """One run of one variant of one cell (plus the 1-minute load when it started)."""
    load = _load1()
    if variant.startswith("ours"):
        limit = None if variant == "ours_default" else concurrency
        full = run_batch(sb, texts, processing=processing, concurrency=concurrency, max_in_flight=limit)
        keys = ("wall", "tasks", "rate_limited", "requests_per_task", "wrong_cells", "max_in_flight")
        run = {key: full[key] for key in keys}
    else:
        semaphore = concurrency if variant == "peer_tuned" else UNTUNED
        run = run_peer(sb, texts, processing=processing, concurrency=concurrency, semaphore=semaphore)
    return {**run, "load1": load}


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the numeric figures over the runs, the runs themselves kept beside them."""
    keys = ("wall", "rate_limited", "requests_per_task", "wrong_cells", "load1")
    return {
        **{key: statistics.median(run[key] for run in runs) for key in keys},
        "tasks": runs[0]["tasks"],
        "runs": runs,
    }


def _limit(tasks: int, concurrency: int, processing: float) -> float:
    """⌈tasks / concurrency⌉ × processing: no client can finish sooner."""
    return -(-tasks // concurrency) * processing


def run_cell(
    sb: SandboxProcess, texts: list[str], *, concurrency: int, processing: float, runs: int
) -> dict[str, Any]:
    """Every variant `runs` times (interleaved), then medians; one line printed per run."""
    done: dict[str, list[dict[str, Any]]] = {variant: [] for variant in VARIANTS}
    for index in range(runs):
        for variant in VARIANTS:
            run = run_variant(sb, texts, variant, processing=processing, concurrency=concurrency)
            done[variant].append(run)
            limit = _limit(run["tasks"], concurrency, processing)
            print(
                f"  c={concurrency} p={processing:g} run {index + 1}/{runs} {variant:13} "
                f"{run['wall']:6.2f} s = {run['wall'] / limit:.2f}× limit {limit:g} s, "
                f"{run['rate_limited']} × 429, {run['requests_per_task']:.2f} req/task, "
                f"load {run['load1']:.1f}",
                flush=True,
            )
    medians = {variant: _median(done[variant]) for variant in VARIANTS}
    tasks = medians["ours_limit"]["tasks"]
    return {
        "concurrency": concurrency,
        "processing": processing,
        "tasks": tasks,
        "limit": _limit(tasks, concurrency, processing),
        **medians,
    }


def run_oversubscribed(sb: SandboxProcess, texts: list[str], *, runs: int) -> dict[str, Any]:
    """Ours with `max_in_flight=1000` against a server that admits 8 (2 s processing)."""
    done = []
    for index in range(runs):
        load = _load1()
        full = run_batch(
            sb,
            texts,
            processing=OVER["processing"],
            concurrency=OVER["concurrency"],
            max_in_flight=OVER["max_in_flight"],
        )
        run = {
            key: full[key] for key in ("wall", "tasks", "rate_limited", "requests_per_task", "wrong_cells")
        }
        done.append({**run, "load1": load})
        print(
            f"  oversubscribed run {index + 1}/{runs}: {run['wall']:.2f} s, {run['rate_limited']} × 429",
            flush=True,
        )
    median = _median(done)
    return {**OVER, "limit": _limit(median["tasks"], OVER["concurrency"], OVER["processing"]), **median}


def run_latency(sb: SandboxProcess, *, samples: int, processing: float = 1.0) -> dict[str, Any]:
    """One text into one target, what `%%camb_translate` runs (a batch finalized to the long frame): call →
    result wall time, `samples` calls in one session (a loaded kernel), each a new text (no cache hit)."""
    sb.setup(processing, 64)
    walls = []
    with session(sb) as camb:
        for index in range(samples):
            frame = pd.DataFrame({"text": [f"Latency probe {index}: the quick brown fox."]})
            started = time.perf_counter()
            batch = translation_batch(
                camb.manager,
                frame["text"].tolist(),
                to=["fr-fr"],
                finalize=lambda outcome, frame=frame: assemble_long(frame, "text", outcome),
            )
            out = batch.result()
            walls.append(time.perf_counter() - started)
            assert out["camb_status"].eq("ok").all(), out
    median = statistics.median(walls)
    print(f"  latency: median {median:.3f} s over {samples} (processing {processing:g} s)", flush=True)
    return {"processing": processing, "samples": samples, "walls": walls, "median": median}


def _floats(text: str) -> list[float]:
    """A comma-separated list of numbers."""
    return [float(x) for x in text.split(",") if x]


def main(argv: list[str] | None = None) -> None:
    """Run the chosen cells (and extras), print them, and with --full write JSON, RESULTS.md and the chart."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--concurrency", default="64", help="server concurrencies, comma-separated")
    parser.add_argument("--processing", default="2", help="processing seconds per task, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per cell (the report shows medians)")
    parser.add_argument("--over", action="store_true", help="also the oversubscribed row")
    parser.add_argument("--latency", action="store_true", help="also the one-line latency")
    parser.add_argument("--samples", type=int, default=15, help="calls for the latency median")
    parser.add_argument("--full", action="store_true", help="8,64,256 × 1,2,5, both extras, write the report")
    parser.add_argument("--json", type=Path, help="also write this run's figures to this file")
    parser.add_argument(
        "--rerun", metavar="TITLE", help="write these cells as a rerun section after the matrix"
    )
    parser.add_argument("--render", action="store_true", help="measure nothing: rewrite from matrix.json")
    args = parser.parse_args(argv)
    saved = HERE / "matrix.json"
    if args.render:
        write_report(json.loads(saved.read_text(encoding="utf-8")), HERE)
        return
    if args.full:
        args.concurrency, args.processing, args.over, args.latency = "8,64,256", "1,2,5", True, True
    texts = make_texts(ROWS)
    began, load_before = time.perf_counter(), " / ".join(f"{x:.1f}" for x in os.getloadavg())
    result: dict[str, Any] = {"rows": ROWS, "targets": list(TARGETS), "untuned": UNTUNED, "runs": args.runs}
    with SandboxProcess() as sb:
        result["cells"] = []
        for concurrency in [int(c) for c in _floats(args.concurrency)]:
            for processing in _floats(args.processing):
                cell = run_cell(sb, texts, concurrency=concurrency, processing=processing, runs=args.runs)
                result["cells"].append(cell)
                _print_cell(cell)
        if args.over:
            result["oversubscribed"] = run_oversubscribed(sb, texts, runs=args.runs)
        if args.latency:
            result["latency"] = run_latency(sb, samples=args.samples)
    load_after = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    result.update(seconds=time.perf_counter() - began, load_before=load_before, load_after=load_after)
    result["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    result["commit"] = _commit()
    for point, measured, ok in acceptance(result):
        print(f"{'holds' if ok else 'OPEN '} {point}: {measured}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if args.rerun:
        write_rerun(result, HERE, args.rerun)
    if args.full:
        saved.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        write_report(result, HERE)
        print(f"wrote {saved}, {HERE / 'RESULTS.md'} (Matrix section) and {HERE / 'matrix.png'}")


def _commit() -> str:
    """The checked-out commit (short), "" outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return out.stdout.strip()


def _print_cell(cell: dict[str, Any]) -> None:
    """The cell's medians in one line per variant."""
    limit = cell["limit"]
    print(f"c={cell['concurrency']} p={cell['processing']:g}: limit {limit:g} s ({cell['tasks']} tasks)")
    for variant in VARIANTS:
        run = cell[variant]
        print(
            f"  median {variant:13} {run['wall']:6.2f} s = {run['wall'] / limit:.2f}× limit, "
            f"{run['rate_limited']:g} × 429, {run['requests_per_task']:.2f} req/task",
            flush=True,
        )
    ours, tuned, untuned = (
        cell["ours_default"]["wall"],
        cell["peer_tuned"]["wall"],
        cell["peer_untuned"]["wall"],
    )
    print(f"  ours/peer tuned {ours / tuned:.2f}×, ours/peer untuned {ours / untuned:.2f}×", flush=True)


if __name__ == "__main__":
    main()
