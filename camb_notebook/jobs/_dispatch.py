"""Main-thread dispatcher: engine events become callbacks that run only on the kernel's main thread.

The loop thread `post`s events; when a kernel (or any asyncio) loop was seen running on the main thread,
they are scheduled there with `call_soon_threadsafe`; a blocking wait on the main thread `drain`s them itself.
Outside a kernel the same queue is drained by blocking waits. Callback errors are logged, never raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import threading
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any

__all__ = ["Dispatcher", "call_in", "on_main_thread"]

log = logging.getLogger("camb_notebook")

_Event = tuple[Callable[..., Any], tuple[Any, ...], "contextvars.Context | None", "Hashable | None"]


def on_main_thread() -> bool:
    """True on the interpreter's main thread (where ipykernel runs cells)."""
    return threading.current_thread() is threading.main_thread()


class Dispatcher:
    """FIFO of callbacks for the main thread: posted from any thread, drained only on the main thread."""

    def __init__(self) -> None:
        """Create an empty dispatcher with no kernel loop known yet."""
        self._lock = threading.Lock()
        self._queue: deque[_Event] = deque()
        self._keys: set[Hashable] = set()
        self._kernel_loop: asyncio.AbstractEventLoop | None = None
        self._scheduled = False
        self._draining = False

    def capture(self) -> None:
        """Remember the asyncio loop running on the main thread (the kernel's), if any; user APIs call it."""
        if not on_main_thread():
            return
        try:
            self._kernel_loop = asyncio.get_running_loop()
        except RuntimeError:
            return

    def post(
        self,
        fn: Callable[..., Any],
        *args: Any,
        context: contextvars.Context | None = None,
        key: Hashable | None = None,
    ) -> None:
        """Queue `fn(*args)` for the main thread (in `context` if given); a pending `key` is not re-queued."""
        with self._lock:
            if key is not None:
                if key in self._keys:
                    return
                self._keys.add(key)
            self._queue.append((fn, args, context, key))
            loop = self._kernel_loop
            if loop is None or self._scheduled:
                return
            self._scheduled = True
        try:
            loop.call_soon_threadsafe(self.drain)
        except RuntimeError:  # that loop is closed: forget it, blocking waits still drain
            with self._lock:
                self._kernel_loop = None
                self._scheduled = False

    def pending(self) -> int:
        """Number of queued events."""
        return len(self._queue)

    def drain(self) -> int:
        """Run every queued event if on the main thread (not re-entrantly); returns how many ran."""
        if not on_main_thread() or self._draining:
            return 0
        self._draining = True
        ran = 0
        try:
            while True:
                with self._lock:
                    self._scheduled = False
                    if not self._queue:
                        return ran
                    fn, args, context, key = self._queue.popleft()
                    if key is not None:
                        self._keys.discard(key)
                call_in(context, fn, *args)
                ran += 1
        finally:
            self._draining = False


def call_in(context: contextvars.Context | None, fn: Callable[..., Any], *args: Any) -> None:
    """Call `fn(*args)` inside `context` (skipped if already entered), logging instead of raising errors."""
    try:
        if context is None:
            fn(*args)
        else:
            try:
                context.run(fn, *args)
            except RuntimeError as exc:
                if "cannot enter context" not in str(exc):
                    raise
                fn(*args)
    except Exception:
        with contextlib.suppress(Exception):
            log.exception("camb_notebook: a job callback failed: %r", fn)
