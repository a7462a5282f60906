"""The sandbox as a separate process for the benchmarks, so its CPU never shares the client's GIL.

Started with `python -m camb_notebook.sandbox --port 0`, steered and read through the `__sandbox__` routes.
Usage: `with SandboxProcess() as sb: sb.configure(max_pending_per_key=64); sb.stats()`.
"""

from __future__ import annotations

import subprocess
import sys
from types import TracebackType
from typing import Any

import httpx
import psutil

__all__ = ["API_KEY", "SandboxProcess"]

API_KEY = "sandbox"
_KEY = {"x-api-key": API_KEY}
_BANNER = "CAMB.AI sandbox listening at "


class SandboxProcess:
    """A sandbox server in a child process: `.base_url`, `configure()`, `reset()`, `stats()`, CPU time."""

    def __init__(self) -> None:
        """Prepare (not start) the child process."""
        self._proc: subprocess.Popen[str] | None = None
        self.base_url = ""

    def start(self) -> SandboxProcess:
        """Start the server and wait for the line that names its URL."""
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "camb_notebook.sandbox", "--port", "0", "--key", API_KEY],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            if line.startswith(_BANNER):
                self.base_url = line[len(_BANNER) :].strip()
                return self
        raise RuntimeError("the sandbox process exited before it printed its URL")

    def stop(self) -> None:
        """Terminate the child and wait for it."""
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(10)
            self._proc = None

    def __enter__(self) -> SandboxProcess:
        """Start the server."""
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Stop the server."""
        self.stop()

    def configure(self, **patch: Any) -> None:
        """Patch the live config (`processing_time`, `max_pending_per_key`, ...)."""
        httpx.post(
            f"{self.base_url}/__sandbox__/config", json=patch, headers=_KEY, timeout=30
        ).raise_for_status()

    def reset(self) -> None:
        """Forget every task and counter (the config stays)."""
        httpx.post(f"{self.base_url}/__sandbox__/reset", headers=_KEY, timeout=30).raise_for_status()

    def stats(self) -> dict[str, Any]:
        """The counters: tasks created per family, requests per route, connections."""
        response = httpx.get(f"{self.base_url}/__sandbox__/stats", headers=_KEY, timeout=30)
        response.raise_for_status()
        stats: dict[str, Any] = response.json()
        return stats

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        assert self._proc is not None
        times = psutil.Process(self._proc.pid).cpu_times()
        return float(times.user + times.system)

    def setup(self, processing: float, concurrency: int | None) -> None:
        """Reset, then give translation a fixed processing time (no per-character part) and a server limit."""
        self.reset()
        self.configure(
            processing_time={"translation": processing},
            time_per_char=0.0,
            max_pending_per_key=concurrency,
            faults=[],
            fault_rate=0.0,
        )
