"""Dataset dry runs: time and peak RSS growth of `translate_dataset(..., dry_run=True)`, and whether its
numbers equal what the run then creates (tasks; billable characters against the sandbox's billed count).

Each step is a fresh process (the sandbox in its own, processing 0 s), data as `datasets.py` (2 targets,
30 % duplicates spread over the file, chunks of 1,000 texts). Writes bench/datasets-dry-run.json.
Usage: `python bench/datasets_dry_run.py [ROWS ...]` (default 200000 1000000; the run follows the first size).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from datasets import CHUNK, MAX_IN_FLIGHT, TARGETS, _peak_rss, make_dataset
from sandbox_proc import API_KEY, SandboxProcess


def measure(mode: str, source: str, dest: str, home: str, url: str) -> dict[str, Any]:
    """In this (fresh) process: a dry run, or a dry run followed by the run it describes."""
    import psutil
    import pyarrow  # noqa: F401  (loaded before the baseline)

    from camb_notebook import Camb

    with Camb(api_key=API_KEY, base_url=url, home=home, max_in_flight=MAX_IN_FLIGHT) as camb:
        rss_before = psutil.Process().memory_info().rss
        started, cpu = time.perf_counter(), time.process_time()
        options: dict[str, Any] = {"to": TARGETS, "chunk_size": CHUNK, "max_chars": CHUNK * 100}
        est = camb.translate_dataset(source, dest, dry_run=True, **options)
        out: dict[str, Any] = {
            "mode": mode,
            "rows": est.rows,
            "dry_run_wall": time.perf_counter() - started,
            "dry_run_cpu": time.process_time() - cpu,
            "dry_run_peak_growth_mib": (_peak_rss() - rss_before) / 2**20,
            "distinct_texts": est.distinct_texts,
            "tasks": est.tasks,
            "billable_characters": {t: est.per_target[t]["billable_characters"] for t in TARGETS},
        }
        if mode == "run":
            started = time.perf_counter()
            result = est.run().result()
            out.update(
                run_wall=time.perf_counter() - started,
                run_tasks=result.tasks_created,
                run_characters=result.characters_sent,
                run_texts_sent=result.texts_sent,
            )
    return out


def _worker(*args: str) -> dict[str, Any]:
    """Run this file's `measure` in a fresh process; its last stdout line is JSON."""
    done = subprocess.run(
        [sys.executable, __file__, "worker", *args], capture_output=True, text=True, cwd=Path(__file__).parent
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    value: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return value


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        print(json.dumps(measure(*sys.argv[2:7])), flush=True)
        sys.exit(0)
    sizes = [int(a) for a in sys.argv[1:]] or [200_000, 1_000_000]
    results = []
    for k, rows in enumerate(sizes):
        with tempfile.TemporaryDirectory(prefix="camb-bench-dry-") as tmp, SandboxProcess() as sb:
            root = Path(tmp)
            make_dataset(root / "in.parquet", rows)
            sb.setup(0.0, None)
            args = [str(root / "in.parquet"), str(root / "out.parquet"), str(root / "home"), sb.base_url]
            result = _worker("run" if k == 0 else "dry", *args)
            stats = sb.stats()
            result["sandbox_tasks"] = sum(stats["tasks_created"].values())
            result["sandbox_billed"] = stats.get("billed_characters")
            print(json.dumps(result), flush=True)
            results.append(result)
    (Path(__file__).parent / "datasets-dry-run.json").write_text(json.dumps(results, indent=1) + "\n")
