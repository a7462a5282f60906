"""Ticker: one daemon `camb-widgets` thread that redraws live progress drawers every ~100 ms.

Why a thread: a synchronous cell (`time.sleep`, a long pandas step) blocks the kernel's main thread, so
job callbacks wait until it ends; the ticker keeps bars moving meanwhile. It only sets traits on widgets that
already exist (ipykernel sends comm messages from any thread), under each drawer's lock; new widgets are made
on the main thread. The thread exits when nothing is registered. Usage: `TICKER.add(drawer)`.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Protocol

__all__ = ["INTERVAL", "TICKER", "Ticker"]

INTERVAL = 0.1  # seconds between redraws: widgets update at most this often
_log = logging.getLogger(__name__)


class Tickable(Protocol):
    """Anything the ticker can redraw; `tick()` returns False once it needs no more ticks."""

    def tick(self) -> bool:
        """Redraw from the current job state; False when finished."""


class Ticker:
    """Calls `tick()` on registered drawers (held weakly) until each reports it is finished."""

    def __init__(self, interval: float = INTERVAL) -> None:
        """Create an idle ticker (its thread starts on the first `add`)."""
        self._interval = interval
        self._lock = threading.Lock()
        self._items: weakref.WeakSet[Tickable] = weakref.WeakSet()
        self._thread: threading.Thread | None = None

    def add(self, item: Tickable) -> None:
        """Start ticking `item` (idempotent)."""
        with self._lock:
            self._items.add(item)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="camb-widgets", daemon=True)
                self._thread.start()

    def discard(self, item: Tickable) -> None:
        """Stop ticking `item`."""
        with self._lock:
            self._items.discard(item)

    def _run(self) -> None:
        """Tick everything, drop the finished, and exit when nothing is left."""
        while True:
            with self._lock:
                items = list(self._items)
                if not items:
                    self._thread = None
                    return
            for item in items:
                try:
                    alive = item.tick()
                except Exception:  # a broken drawer must not stop the others
                    _log.exception("progress redraw failed")
                    alive = False
                if not alive:
                    self.discard(item)
            time.sleep(self._interval)


TICKER = Ticker()
