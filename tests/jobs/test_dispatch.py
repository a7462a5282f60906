"""Dispatcher: engine events run only on the main thread, via the kernel loop or a blocking wait's drain."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading

import pytest

from camb_notebook.jobs import Dispatcher


def _post_from_thread(dispatcher: Dispatcher, fn: object, **kw: object) -> None:
    """Post an event from a worker thread (as the loop thread does)."""
    t = threading.Thread(target=dispatcher.post, args=(fn,), kwargs=kw)
    t.start()
    t.join()


def test_events_wait_for_a_main_thread_drain() -> None:
    """An event posted from another thread runs only when the main thread drains, and on the main thread."""
    d = Dispatcher()
    ran: list[str] = []
    _post_from_thread(d, lambda: ran.append(threading.current_thread().name))
    assert ran == [] and d.pending() == 1
    worker = threading.Thread(target=d.drain)
    worker.start()
    worker.join()
    assert ran == []
    assert d.drain() == 1
    assert ran == ["MainThread"]


def test_keyed_events_are_coalesced() -> None:
    """Posting the same key twice before a drain queues the event once."""
    d = Dispatcher()
    ran: list[int] = []
    for i in range(3):
        d.post(ran.append, i, key="job-1")
    d.post(ran.append, 9)
    d.drain()
    assert ran == [0, 9]


def test_callback_errors_are_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    """A failing callback is logged and does not stop the next one."""
    d = Dispatcher()
    ran: list[str] = []
    d.post(lambda: 1 / 0)
    d.post(ran.append, "next")
    with caplog.at_level(logging.ERROR, logger="camb_notebook"):
        d.drain()
    assert ran == ["next"]
    assert "callback failed" in caplog.text


def test_events_run_in_the_given_context() -> None:
    """An event carries the contextvars of the code that registered it (the cell that created the job)."""
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")
    var.set("cell-3")
    ctx = contextvars.copy_context()
    var.set("cell-4")
    d = Dispatcher()
    seen: list[str] = []
    d.post(lambda: seen.append(var.get()), context=ctx)
    d.drain()
    assert seen == ["cell-3"]


def test_a_captured_main_loop_runs_events_without_a_wait() -> None:
    """With a loop seen running on the main thread, posted events run there on their own."""
    d = Dispatcher()
    seen: list[str] = []

    async def main() -> None:
        d.capture()
        done = asyncio.Event()
        _post_from_thread(d, lambda: (seen.append(threading.current_thread().name), done.set()))
        await asyncio.wait_for(done.wait(), 5)

    asyncio.run(main())
    assert seen == ["MainThread"]
