"""LoopThread: the engine's asyncio loop, run in one daemon `camb-loop` thread so polling survives busy cells.

Only this thread touches httpx and SQLite; other threads hand it work with `submit`/`call_soon`/`run_sync`.
`run_sync` waits in short slices so a kernel interrupt (SIGINT) lands, and then cancels the work.
Usage: `loop = LoopThread(); loop.run_sync(some_coroutine_function, arg, timeout=5)`.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["LoopThread", "in_engine_thread"]

T = TypeVar("T")

_SLICE = 0.05  # seconds between interrupt checks / event drains while a caller blocks
_local = threading.local()


def in_engine_thread() -> bool:
    """True on any LoopThread's thread (where blocking on a job would deadlock the engine)."""
    return bool(getattr(_local, "engine", False))


class LoopThread:
    """One asyncio loop in a daemon thread; start() is idempotent, stop() joins, atexit stops (no join)."""

    def __init__(self, name: str = "camb-loop", *, gil_switch_interval: float | None = 0.001) -> None:
        """Create a stopped loop thread (it starts on first use).

        Once started, the interpreter's GIL switch interval is lowered to `gil_switch_interval` (None: keep
        it): with 500 jobs polling, the kernel's main thread otherwise waits up to 5 ms for the GIL at each
        wake-up (kernel loop lag p99 measured 21–56 ms at 5 ms, 12–18 ms at 1 ms, loaded 2-core machine).
        """
        self._name = name
        self._switch_interval = gil_switch_interval
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    def __repr__(self) -> str:
        """Show the thread name and whether it runs."""
        return f"<LoopThread {self._name}: {'running' if self.running else 'stopped'}>"

    @property
    def running(self) -> bool:
        """True while the loop thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The engine's event loop (starting the thread if needed)."""
        self.start()
        assert self._loop is not None
        return self._loop

    def in_loop_thread(self) -> bool:
        """True when called from the loop thread itself."""
        return self._thread is not None and threading.current_thread() is self._thread

    def start(self) -> None:
        """Start the thread and wait until its loop runs; re-raise any startup error in the caller."""
        with self._lock:
            if self.running:
                return
            ready = threading.Event()
            failure: list[BaseException] = []
            loop = asyncio.new_event_loop()

            def main() -> None:
                _local.engine = True
                asyncio.set_event_loop(loop)
                try:
                    loop.call_soon(ready.set)
                    loop.run_forever()
                except BaseException as exc:  # surfaced in start() when it happens before `ready`
                    failure.append(exc)
                    ready.set()
                finally:
                    _finish(loop)

            thread = threading.Thread(target=main, name=self._name, daemon=True)
            self._loop, self._thread = loop, thread
            thread.start()
            ready.wait()
            if failure:
                raise failure[0]
            if self._switch_interval is not None and sys.getswitchinterval() > self._switch_interval:
                sys.setswitchinterval(self._switch_interval)
            atexit.register(self._stop_at_exit)

    def stop(self, timeout: float | None = 5.0) -> None:
        """Cancel remaining tasks, stop the loop and join the thread (harmless when already stopped)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            if loop is None or thread is None or not thread.is_alive():
                return
            with contextlib.suppress(RuntimeError):  # loop closed in the meantime
                loop.call_soon_threadsafe(loop.stop)
            if threading.current_thread() is not thread:
                thread.join(timeout)
            atexit.unregister(self._stop_at_exit)

    def _stop_at_exit(self) -> None:
        """At interpreter exit: ask the loop to stop without joining (never hang the exit)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(loop.stop)

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run `fn(*args)` on the loop thread soon (from any thread)."""
        self.loop.call_soon_threadsafe(fn, *args)

    def spawn(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run `coro` as a strongly referenced task on the loop; returns a thread-safe future of it."""
        outer: concurrent.futures.Future[T] = concurrent.futures.Future()

        def create() -> None:
            if outer.cancelled():
                coro.close()
                return
            task = asyncio.ensure_future(coro)
            self._tasks.add(task)
            task.add_done_callback(lambda t: _settle(t, outer, self._tasks))
            outer.add_done_callback(lambda f: self._cancel_threadsafe(task) if f.cancelled() else None)

        try:
            self.call_soon(create)
        except RuntimeError:
            coro.close()
            raise
        return outer

    def _cancel_threadsafe(self, task: asyncio.Task[Any]) -> None:
        """Cancel a loop task from any thread (ignored once the loop is closed)."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(task.cancel)

    def run_sync(
        self,
        fn: Callable[..., Awaitable[T]] | Coroutine[Any, Any, T],
        *args: Any,
        timeout: float | None = None,
        idle: Callable[[], object] | None = None,
    ) -> T:
        """Run a coroutine (or coroutine function with args) on the loop and block for its result.

        Waits in slices so a kernel interrupt lands (the work is then cancelled, KeyboardInterrupt re-raised),
        calls `idle()` between slices (the dispatcher drains main-thread events there), re-raises the original
        error, or TimeoutError after `timeout` seconds. Refuses to run on the loop thread (it would deadlock).
        """
        if self.in_loop_thread():
            if asyncio.iscoroutine(fn):
                fn.close()
            raise RuntimeError("run_sync() called on the camb-loop thread; await the coroutine instead")
        coro = fn if asyncio.iscoroutine(fn) else _call(fn, *args)
        future = self.spawn(coro)
        return wait_future(future, timeout=timeout, idle=idle)


def wait_future(
    future: concurrent.futures.Future[T],
    *,
    timeout: float | None = None,
    idle: Callable[[], object] | None = None,
    cancel_on_interrupt: bool = True,
) -> T:
    """Block on `future` in interruptible slices, running `idle()` between them; cancel on interrupt."""
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while True:
            if idle is not None:
                idle()
            remaining = _SLICE if deadline is None else min(_SLICE, deadline - time.monotonic())
            if remaining <= 0:
                raise TimeoutError(f"no result within {timeout} s")
            try:
                return future.result(timeout=remaining)
            except concurrent.futures.TimeoutError:
                continue
    except KeyboardInterrupt:
        if cancel_on_interrupt:
            future.cancel()
        raise


async def _call(fn: Callable[..., Awaitable[T]], *args: Any) -> T:
    """Await `fn(*args)` (creates the coroutine on the loop thread)."""
    return await fn(*args)


def _settle(
    task: asyncio.Task[T], outer: concurrent.futures.Future[T], tasks: set[asyncio.Task[Any]]
) -> None:
    """Copy a finished task's outcome to its thread-safe future and drop the strong reference."""
    tasks.discard(task)
    exc = None if task.cancelled() else task.exception()  # always retrieved: asyncio never logs it as lost
    with contextlib.suppress(concurrent.futures.InvalidStateError):  # a waiter cancelled `outer` meanwhile
        if task.cancelled():
            outer.cancel()
        elif exc is not None:
            outer.set_exception(exc)
        else:
            outer.set_result(task.result())


def _finish(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left on a stopped loop, let it unwind, then close the loop."""
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    with contextlib.suppress(RuntimeError):
        loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
