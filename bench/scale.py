"""Scenario 4: 100k / 1M rows at ~0 processing time: client CPU per 100k rows, assembly time, peak RSS.

Each size runs in a fresh worker process (`python bench/scale.py ROWS BASE_URL HOME CHUNK`) so its peak
RSS (VmHWM) belongs to that size alone; the worker prints one JSON line.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil
from common import make_texts
from sandbox_proc import API_KEY, SandboxProcess

from camb_notebook import Camb
from camb_notebook.frames import translate_frame

__all__ = ["scenario"]

TARGETS = ("fr-fr", "de-de")
MAX_IN_FLIGHT = 64  # the server limit of scenario 1; httpx slows down past ~50 requests in flight anyway


def _peak_rss() -> int:
    """This process's peak RSS in bytes: VmHWM (ru_maxrss would include the parent's RSS at fork on Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status (the scale scenario needs Linux)")


def worker(
    rows: int, base_url: str, home: str, chunk_size: int, input_dtype: str = "default"
) -> dict[str, Any]:
    """Build the frame, translate it, and measure CPU, wall, assembly time and memory (in this process).

    `input_dtype`: "default" (pandas' own inference: Arrow-backed `str` on pandas 3) or "object".
    """
    texts = pd.Series(make_texts(rows), dtype=None if input_dtype == "default" else input_dtype)
    frame = pd.DataFrame({"id": np.arange(rows, dtype="int64"), "text": texts})
    del texts
    gc.collect()
    frame_bytes = int(frame.memory_usage(deep=True).sum())
    rss_before = psutil.Process().memory_info().rss
    with Camb(api_key=API_KEY, base_url=base_url, home=home, max_in_flight=MAX_IN_FLIGHT) as camb:
        cpu = time.process_time()
        started = time.perf_counter()
        batch = translate_frame(
            frame, "text", to=list(TARGETS), session=camb, chunk_size=chunk_size, max_chars=chunk_size * 100
        )
        while not batch.done():
            time.sleep(0.01)
        translated = time.perf_counter()
        out = batch.result()  # the wide frame is assembled here, on first result()
        finished = time.perf_counter()
        cpu = time.process_time() - cpu
        tasks = len(batch.jobs)
    assert out["camb_status"].eq("ok").all()
    peak = _peak_rss()
    return {
        "rows": rows,
        "chunk_size": chunk_size,
        "tasks": tasks,
        "frame_bytes": frame_bytes,
        "out_bytes": int(out.memory_usage(deep=True).sum()),
        "rss_before": rss_before,
        "peak_rss": peak,
        "wall": finished - started,
        "translate_wall": translated - started,
        "assemble": finished - translated,
        "client_cpu": cpu,
        "cpu_per_100k": cpu / rows * 100_000,
        "peak_growth_x_frame": (peak - rss_before) / frame_bytes,
    }


def run_size(
    sb: SandboxProcess, rows: int, home: str, chunk_size: int, *, input_dtype: str = "default"
) -> dict[str, Any]:
    """Run one size in a worker process against a reset sandbox; adds the server's CPU time."""
    sb.setup(0.0, None)
    server_cpu = sb.cpu_seconds()
    proc = subprocess.run(
        [sys.executable, __file__, str(rows), sb.base_url, home, str(chunk_size), input_dtype],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent,
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["server_cpu"] = sb.cpu_seconds() - server_cpu
    stats = sb.stats()
    result["requests_per_task"] = sum(stats["requests"].values()) / max(1, result["tasks"])
    return result


def scenario(sb: SandboxProcess, home: str, *, quick: bool) -> dict[str, Any]:
    """100k rows at the default chunk size and at 1,000 texts per chunk, 1M rows at 1,000 (less if quick)."""
    runs = (
        [(10_000, 100), (20_000, 1_000)] if quick else [(100_000, 100), (100_000, 1_000), (1_000_000, 1_000)]
    )
    return {
        "targets": list(TARGETS),
        "max_in_flight": MAX_IN_FLIGHT,
        "sizes": [run_size(sb, rows, home, chunk) for rows, chunk in runs],
    }


if __name__ == "__main__":
    rows_arg, url_arg, home_arg, chunk_arg, dtype_arg = sys.argv[1:6]
    print(json.dumps(worker(int(rows_arg), url_arg, home_arg, int(chunk_arg), dtype_arg)))
