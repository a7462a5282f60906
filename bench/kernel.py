"""Scenarios 3 and 5 in real kernels (jupyter_client): event-loop lag with N jobs polling, `%load_ext` time.

Lag: a task on the kernel's own asyncio loop sleeps 10 ms over and over and records the overshoot while the
kernel sits idle between cells, as it does while a user reads; meanwhile the bench times trivial cells
(execute round trip). The sandbox keeps every task PENDING, so all N jobs keep polling for the whole window.
This is the one place the lag target (p99 < 20 ms at 500 jobs, report row "3 lag, 500 jobs") is judged:
tests/kernel/test_engine.py only checks that the loop keeps running tasks, since a timing bound fails on a
loaded CI machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psutil
from common import summary
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager, start_new_kernel
from sandbox_proc import API_KEY, SandboxProcess

__all__ = ["lag_scenario", "load_ext_scenario"]

_LAG_SAMPLER = """
import asyncio, time
async def _bench_lag(seconds, period=0.01):
    lags, end = [], time.perf_counter() + seconds
    while time.perf_counter() < end:
        t = time.perf_counter()
        await asyncio.sleep(period)
        lags.append(time.perf_counter() - t - period)
    return lags
_bench_task = asyncio.get_running_loop().create_task(_bench_lag({seconds}))
"""

_SUBMIT = """
from camb_notebook import Camb
camb = Camb(api_key={key!r}, base_url={url!r}, max_in_flight=max(1, {n}))
jobs = [camb.translate(f"lag probe {{i}}", to="fr-fr", cache=False) for i in range({n})]
while any(job.state != "pending" for job in jobs):
    time.sleep(0.05)
"""

_LOAD_EXT = """
import time as _bench_time
_bench_t0 = _bench_time.perf_counter()
%load_ext camb_notebook
print(_bench_time.perf_counter() - _bench_t0)
"""


@contextmanager
def kernel(home: str) -> Iterator[tuple[KernelManager, BlockingKernelClient]]:
    """A fresh python3 kernel of this environment with its own CAMB_NOTEBOOK_HOME; shut down afterwards."""
    env = {**os.environ, "CAMB_NOTEBOOK_HOME": home}
    km, kc = start_new_kernel(kernel_name="python3", env=env, stderr=subprocess.DEVNULL)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def execute(kc: BlockingKernelClient, code: str, timeout: float = 120) -> str:
    """Run a cell and return its stdout; raise if it failed."""
    out: list[str] = []

    def hook(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append("\n".join(msg["content"]["traceback"]))

    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"cell failed: {''.join(out)[-2000:]}")
    return "".join(out)


def _round_trip(kc: BlockingKernelClient) -> float:
    """Seconds from sending a trivial cell to its reply."""
    started = time.perf_counter()
    execute(kc, "pass")
    return time.perf_counter() - started


def _cpu(km: KernelManager) -> float:
    """CPU seconds the kernel process has used."""
    pid = km.provisioner.process.pid
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def lag_run(sb: SandboxProcess, jobs: int, seconds: float, home: str) -> dict[str, Any]:
    """Lag and cell round trips in one fresh kernel while `jobs` jobs poll."""
    sb.setup(3600.0, None)
    with kernel(home) as (km, kc):
        execute(kc, "import time, json")
        execute(kc, _SUBMIT.format(key=API_KEY, url=sb.base_url, n=jobs))
        polls = sb.stats()["requests"].get("GET translate/{id}", 0)
        cpu = _cpu(km)
        execute(kc, _LAG_SAMPLER.format(seconds=seconds))
        end = time.perf_counter() + seconds
        trips = []
        while time.perf_counter() < end:
            trips.append(_round_trip(kc))
            time.sleep(0.2)
        time.sleep(max(0.0, end - time.perf_counter()) + 0.3)
        lags = json.loads(execute(kc, "print(json.dumps(await _bench_task))"))
        cpu = _cpu(km) - cpu
        polls = sb.stats()["requests"].get("GET translate/{id}", 0) - polls
        execute(kc, "camb.close()")
    return {
        "jobs": jobs,
        "seconds": seconds,
        "lag_ms": {k: v * 1000 if k != "n" else v for k, v in summary(lags).items()},
        "round_trip_ms": {k: v * 1000 if k != "n" else v for k, v in summary(trips).items()},
        "kernel_cpu_share": cpu / seconds,
        "polls_per_second": polls / seconds,
    }


def lag_scenario(sb: SandboxProcess, *, quick: bool) -> dict[str, Any]:
    """Lag at 0, 100 and 500 polling jobs (200 at most if quick)."""
    seconds, counts = (3.0, (0, 100, 200)) if quick else (20.0, (0, 100, 500))
    with tempfile.TemporaryDirectory(prefix="camb-bench-kernel-") as home:
        return {"runs": [lag_run(sb, n, seconds, home) for n in counts]}


def load_ext_scenario(*, quick: bool) -> dict[str, Any]:
    """`%load_ext camb_notebook` in fresh kernels: in-kernel time and extra cell round trip over `pass`."""
    inside, extra = [], []
    with tempfile.TemporaryDirectory(prefix="camb-bench-kernel-") as home:
        for _ in range(2 if quick else 5):
            with kernel(home) as (_, kc):
                empty = min(_round_trip(kc) for _ in range(3))
                started = time.perf_counter()
                inside.append(float(execute(kc, _LOAD_EXT).strip().splitlines()[-1]))
                extra.append(time.perf_counter() - started - empty)
    return {"in_kernel": summary(inside), "round_trip_extra": summary(extra), "kernels": len(inside)}
