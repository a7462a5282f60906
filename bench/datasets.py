"""Scenario 6: datasets larger than memory: `translate_dataset` (Parquet in, Parquet out, in batches) against
the in-memory path (`read_parquet` → `df.camb.translate` → `to_parquet`), processing 0 s, 2 targets.

Each run is a fresh worker process (`python bench/datasets.py run MODE ROWS BATCH_ROWS SOURCE DEST HOME
URL`) so its peak RSS (VmHWM) is its own; growth = peak − RSS after imports and session setup. A `verify`
worker then reads the 5M output batch by batch and checks every value against `pseudo_localize` of its input
and the row order. `python bench/datasets.py [--quick]` runs everything and writes bench/datasets.json.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sandbox_proc import API_KEY, SandboxProcess

TARGETS = ["fr-fr", "de-de"]
CHUNK = 1_000  # texts per task (as scenario 4 at 1M rows); max_chars scales with it
MAX_IN_FLIGHT = 64
_WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "seven", "bright"]
_WORDS += ["owls", "watch", "from", "an", "old", "oak", "tree"]


def _text(k: int) -> str:
    """The k-th distinct sentence (about 50 characters), the same every time."""
    rng = random.Random(k)
    return f"Row {k}: " + " ".join(rng.choices(_WORDS, k=7)) + "."


def make_dataset(path: Path, rows: int, duplicates: float = 0.3, block: int = 100_000) -> None:
    """A Parquet file of `rows` rows (id, text) where a `duplicates` share repeat an earlier text anywhere."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(11)
    seen = 0
    with pq.ParquetWriter(path, pa.schema([("id", pa.int64()), ("text", pa.string())])) as writer:
        for start in range(0, rows, block):
            size = min(block, rows - start)
            fresh = size - round(size * duplicates)
            ids = list(range(seen, seen + fresh)) + [rng.randrange(seen + fresh) for _ in range(size - fresh)]
            rng.shuffle(ids)
            seen += fresh
            writer.write_table(pa.table({"id": range(start, start + size), "text": [_text(k) for k in ids]}))


def _peak_rss() -> int:
    """This process's peak RSS in bytes (VmHWM)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM (Linux only)")


def run(mode: str, rows: int, batch_rows: int, source: str, dest: str, home: str, url: str) -> dict[str, Any]:
    """One measured run in this (fresh) process."""
    import pandas as pd
    import psutil
    import pyarrow  # noqa: F401  (imported before the baseline, as the in-memory path's pandas is)

    from camb_notebook import Camb
    from camb_notebook.frames import translate_frame

    with Camb(api_key=API_KEY, base_url=url, home=home, max_in_flight=MAX_IN_FLIGHT) as camb:
        rss_before = psutil.Process().memory_info().rss
        started = time.perf_counter()
        cpu = time.process_time()
        if mode == "dataset":
            job = camb.translate_dataset(
                source, dest, to=TARGETS, batch_rows=batch_rows, chunk_size=CHUNK, max_chars=CHUNK * 100
            )
            result = job.result()
            tasks, failed = result.tasks_created, result.failed_rows
        else:
            frame = pd.read_parquet(source)
            batch = translate_frame(
                frame, "text", TARGETS, session=camb, chunk_size=CHUNK, max_chars=CHUNK * 100
            )
            out = batch.result()
            out.to_parquet(dest)
            tasks, failed = len(batch.jobs), int((out["camb_status"] != "ok").sum())
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
    peak = _peak_rss()
    return {
        "mode": mode,
        "rows": rows,
        "batch_rows": batch_rows if mode == "dataset" else None,
        "wall": wall,
        "client_cpu": cpu,
        "rows_per_s": rows / wall,
        "tasks": tasks,
        "failed_rows": failed,
        "rss_before_mib": rss_before / 2**20,
        "peak_rss_mib": peak / 2**20,
        "growth_mib": (peak - rss_before) / 2**20,
    }


def verify(source: str, dest: str) -> dict[str, Any]:
    """Every output value equals pseudo_localize of its input; ids in order; as many rows as the input."""
    import pyarrow.parquet as pq

    from camb_notebook.sandbox import pseudo_localize

    rows = wrong = 0
    out = pq.ParquetFile(dest)
    for batch in out.iter_batches(
        batch_size=100_000, columns=["id", "text", *(f"text_{t}" for t in TARGETS)]
    ):
        columns = batch.to_pydict()
        if columns["id"] != list(range(rows, rows + batch.num_rows)):
            wrong += batch.num_rows
        for target in TARGETS:
            translated = columns[f"text_{target}"]
            wrong += sum(
                1 for t, x in zip(columns["text"], translated, strict=True) if x != pseudo_localize(t, target)
            )
        rows += batch.num_rows
    return {"rows": rows, "input_rows": pq.ParquetFile(source).metadata.num_rows, "wrong_values": wrong}


def _worker(*args: str) -> dict[str, Any]:
    """Run `datasets.py` in a fresh process; its last stdout line is JSON."""
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, cwd=Path(__file__).parent
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    value: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return value


def scenario(quick: bool, part: str = "all") -> dict[str, Any]:
    """1M rows both ways, 1M at three batch sizes, 5M at the default batch size, then verify the 5M output.

    `part` "large" runs only the 5M run, "small" only the 1M runs (two orchestrators can share the time).
    """
    small, large = (20_000, 100_000) if quick else (1_000_000, 5_000_000)
    plan = [("dataset", large, 50_000)] if part != "small" else []
    if part != "large":
        plan += [("memory", small, 0), ("dataset", small, 50_000)]
        plan += [("dataset", small, 10_000), ("dataset", small, 200_000)]
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="camb-bench-ds-") as tmp, SandboxProcess() as sb:
        root = Path(tmp)
        for rows in sorted({rows for _, rows, _ in plan}):
            make_dataset(root / f"in-{rows}.parquet", rows)
        for number, (mode, rows, batch_rows) in enumerate(plan):
            sb.setup(0.0, None)
            server = sb.cpu_seconds()
            dest, home = root / f"out-{number}.parquet", root / f"home-{number}"
            args = [str(root / f"in-{rows}.parquet"), str(dest), str(home), sb.base_url]
            result = _worker("run", mode, str(rows), str(batch_rows), *args)
            result["server_cpu"] = sb.cpu_seconds() - server
            result["sandbox_tasks"] = sum(sb.stats()["tasks_created"].values())
            print(json.dumps(result), flush=True)
            runs.append(result)
            if rows == large:
                check = _worker("verify", str(root / f"in-{rows}.parquet"), str(dest))
                print(json.dumps(check), flush=True)
                runs[-1]["verify"] = check
    return {"targets": TARGETS, "chunk_size": CHUNK, "max_in_flight": MAX_IN_FLIGHT, "runs": runs}


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"]:
        m, r, b, s, d, h, u = sys.argv[2:9]
        print(json.dumps(run(m, int(r), int(b), s, d, h, u)))
    elif sys.argv[1:2] == ["verify"]:
        print(json.dumps(verify(sys.argv[2], sys.argv[3])))
    else:
        part = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--part=")), "all")
        results = scenario("--quick" in sys.argv, part)
        name = "datasets-quick.json" if "--quick" in sys.argv else f"datasets-{part}.json"
        (Path(__file__).parent / name).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
