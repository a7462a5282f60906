"""LoopThread and wait_future: results, errors, timeouts, interrupts and the loop-thread guard."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from camb_notebook.jobs import LoopThread


@pytest.fixture
def loop_thread() -> Iterator[LoopThread]:
    """A started loop thread, stopped after the test."""
    lt = LoopThread()
    lt.start()
    yield lt
    lt.stop()


async def _thread_name() -> str:
    await asyncio.sleep(0)
    return threading.current_thread().name


def test_run_sync_runs_on_the_named_loop_thread(loop_thread: LoopThread) -> None:
    """A coroutine function and a coroutine object both run on the `camb-loop` thread."""
    assert loop_thread.run_sync(_thread_name) == "camb-loop"
    assert loop_thread.run_sync(_thread_name()) == "camb-loop"


def test_run_sync_reraises_the_original_error(loop_thread: LoopThread) -> None:
    """The coroutine's own exception reaches the caller unchanged."""

    async def boom() -> None:
        raise ValueError("original")

    with pytest.raises(ValueError, match="original"):
        loop_thread.run_sync(boom)


def test_run_sync_times_out_and_cancels(loop_thread: LoopThread) -> None:
    """A timeout raises TimeoutError; the work keeps nothing alive on the loop."""
    with pytest.raises(TimeoutError):
        loop_thread.run_sync(asyncio.sleep, 30, timeout=0.1)


def test_interrupt_cancels_the_work(loop_thread: LoopThread) -> None:
    """A KeyboardInterrupt during the wait cancels the coroutine on the loop and is re-raised."""
    started, cancelled = threading.Event(), threading.Event()

    async def slow() -> None:
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    def interrupt() -> None:
        if started.is_set():
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        loop_thread.run_sync(slow, idle=interrupt)
    assert cancelled.wait(5)


def test_run_sync_refuses_the_loop_thread(loop_thread: LoopThread) -> None:
    """Blocking on the loop from its own thread raises instead of deadlocking."""

    async def nested() -> str:
        try:
            loop_thread.run_sync(_thread_name)
        except RuntimeError as exc:
            return str(exc)
        return "no error"

    assert "camb-loop thread" in loop_thread.run_sync(nested)


def test_start_is_idempotent_and_stop_joins() -> None:
    """start() twice keeps one thread; stop() ends it and a later use starts a fresh one."""
    lt = LoopThread()
    lt.start()
    first = lt.loop
    lt.start()
    assert lt.loop is first and lt.running
    lt.stop()
    assert not lt.running
    assert lt.run_sync(_thread_name) == "camb-loop"
    lt.stop()
