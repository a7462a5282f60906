"""`make bench`: every benchmark scenario against a sandbox process, into bench/RESULTS.md + results.png.

Each scenario measures its baseline in the same run (the naive loop, the server limit, 0 jobs polling), so
the ratios hold on a noisy shared machine even when absolute seconds do not. `--quick` runs everything small
(about a minute) and writes to a scratch folder instead of bench/. Usage: `python bench/run.py [--quick]
[--only batch,delay,lag,scale,load_ext]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import batch  # noqa: E402
import delay  # noqa: E402
import journal_bench  # noqa: E402
import kernel  # noqa: E402
import report  # noqa: E402
import scale  # noqa: E402
from sandbox_proc import SandboxProcess  # noqa: E402

Runner = Callable[[SandboxProcess, str, bool], dict[str, Any]]

SCENARIOS: dict[str, Runner] = {
    "batch": lambda sb, home, quick: batch.scenario(sb, quick=quick),
    "delay": lambda sb, home, quick: delay.scenario(sb, quick=quick),
    "lag": lambda sb, home, quick: kernel.lag_scenario(sb, quick=quick),
    "scale": lambda sb, home, quick: scale.scenario(sb, home, quick=quick),
    "load_ext": lambda sb, home, quick: kernel.load_ext_scenario(quick=quick),
    "journal": lambda sb, home, quick: journal_bench.scenario(sb, quick=quick),
}


def _load() -> str:
    """The 1/5/15-minute load averages."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def _header(args: argparse.Namespace, started: float, load_before: str) -> list[str]:
    """What, when, where and under which load the figures were measured."""
    stack = ", ".join(
        f"{name} {version(name)}" for name in ("pandas", "httpx", "httpcore", "ipykernel", "uvicorn")
    )
    return [
        "# camb-notebook benchmarks",
        "",
        f"`python bench/run.py{' --quick' if args.quick else ''}` on "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {time.perf_counter() - started:.0f} s in all. "
        f"Python {platform.python_version()}, {stack}.",
        f"Machine: {os.cpu_count()} cores, **shared with other engineers working at the same time**: "
        f"load average (1/5/15 min) {load_before} before the run, {_load()} after. Absolute seconds are "
        "noisy; every scenario therefore reports ratios against a baseline measured in the same run. The "
        "sandbox runs as a separate process (`python -m camb_notebook.sandbox`), so its CPU is not on the "
        "client's GIL, but both share the same cores.",
    ]


def _measure(args: argparse.Namespace, names: list[str]) -> dict[str, Any]:
    """Run the scenarios against one sandbox process; the figures plus the report's header."""
    started, load_before = time.perf_counter(), _load()
    results: dict[str, Any] = {}
    with SandboxProcess() as sb, tempfile.TemporaryDirectory(prefix="camb-bench-") as home:
        for name in names:
            began = time.perf_counter()
            results[name] = SCENARIOS[name](sb, home, args.quick)
            print(f"{name}: {time.perf_counter() - began:.1f} s", flush=True)
    return {"header": _header(args, started, load_before), "results": results}


def main(argv: list[str] | None = None) -> None:
    """Run the chosen scenarios and write the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="every scenario small (about a minute)")
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenarios to run")
    parser.add_argument(
        "--out", type=Path, help="output folder (default bench/, or a temp folder with --quick)"
    )
    parser.add_argument(
        "--render", action="store_true", help="measure nothing: rewrite the report from <out>/results.json"
    )
    args = parser.parse_args(argv)
    names = [name for name in args.only.split(",") if name]
    unknown = set(names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}; choose from {list(SCENARIOS)}")
    out = args.out or (Path(tempfile.gettempdir()) / "camb-bench-quick" if args.quick else HERE)
    out.mkdir(parents=True, exist_ok=True)
    saved = out / "results.json"
    if args.render:
        run = json.loads(saved.read_text(encoding="utf-8"))
    else:
        run = _measure(args, names)
        saved.write_text(json.dumps(run, indent=1), encoding="utf-8")
    results = run["results"]
    analysis = HERE / "analysis.md"
    notes = analysis.read_text(encoding="utf-8").splitlines() if analysis.exists() and not args.quick else []
    report.write_markdown(out / "RESULTS.md", results, run["header"], notes)
    report.plot(out / "results.png", results)
    for scenario, target, measured, ok in report.targets(results):
        print(f"{'MET   ' if ok else 'MISSED'} {scenario}: {target} — {measured}")
    print(f"wrote {out / 'RESULTS.md'} and {out / 'results.png'}")


if __name__ == "__main__":
    main()
