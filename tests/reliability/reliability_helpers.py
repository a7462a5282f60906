"""Shared pieces of the reliability suite: fast retry/poll policies and a scaled, recording clock."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from camb_notebook.api import ApiClient, RetryPolicy
from camb_notebook.jobs import PollPolicy

# Retries and polls on a millisecond scale, so a fault scenario costs milliseconds, not seconds.
FAST_RETRY = RetryPolicy(backoff_base=0.01, backoff_cap=0.05)
FAST_POLL = PollPolicy(first=0.01, cap=0.05, jitter=0.0, result_grace=0.01)

MakeApi = Callable[..., ApiClient]

REPO = Path(__file__).resolve().parents[2]
CANARY = "CANARY-3b9f0d72c4e81a56"  # the secret-canary key (only its last 4 characters may ever show)


def load_module(name: str, path: Path) -> ModuleType:
    """Import a helper module of another test folder by path (its folder is not on sys.path here)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


class ScaledTime:
    """A clock and sleep running `speedup` times faster than real time; sleeps are recorded (virtual s)."""

    def __init__(self, speedup: float = 50.0, on_sleep: Callable[[float], object] | None = None) -> None:
        self.speedup = speedup
        self.sleeps: list[float] = []
        self.on_sleep = on_sleep

    def clock(self) -> float:
        """Virtual monotonic seconds."""
        return time.monotonic() * self.speedup

    async def sleep(self, seconds: float) -> None:
        """Record the virtual wait, then really wait `seconds / speedup`."""
        self.sleeps.append(seconds)
        if self.on_sleep is not None:
            self.on_sleep(seconds)
        await asyncio.sleep(max(0.0, seconds) / self.speedup)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    """Poll `predicate` every 10 ms until it holds (for state another thread or process writes)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"{what} not reached in {timeout} s"
        time.sleep(0.01)
