"""Job surface without a server: waits, interrupts, callbacks on the main thread, displays, progress."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from camb_notebook.jobs import Dispatcher, Job, set_display_hook


def _job(**kw: Any) -> Job:
    """A fresh queued job with its own dispatcher."""
    return Job("translation", {"texts": ["hi"]}, dispatcher=Dispatcher(), **kw)


def _from_thread(fn: Any, *args: Any) -> None:
    """Run fn on a worker thread (the engine's side) and wait for it."""
    t = threading.Thread(target=fn, args=args)
    t.start()
    t.join()


def test_repr_and_states() -> None:
    """The repr names id, family and state; a finished job is done and returns its result."""
    job = _job(job_id="3f2a")
    assert repr(job) == "<Job 3f2a translation: queued>" and not job.done()
    _from_thread(lambda: job._engine.finish("succeeded", result="done"))
    assert job.done() and job.result() == "done" and repr(job) == "<Job 3f2a translation: succeeded>"


def test_result_timeout_says_the_job_keeps_polling() -> None:
    """A timed-out wait raises TimeoutError and leaves the job running."""
    job = _job()
    with pytest.raises(TimeoutError, match="keeps polling"):
        job.result(timeout=0.05)
    assert not job.done()


def test_interrupted_wait_says_what_keeps_running() -> None:
    """A KeyboardInterrupt during result() stops only the wait and names the server task."""
    job = _job()
    job.task_id = "task-9"

    def interrupt() -> None:
        raise KeyboardInterrupt

    job._dispatcher.post(interrupt)
    with pytest.raises(KeyboardInterrupt, match="server task task-9 keeps running"):
        job.result()
    assert not job.done()


def test_callbacks_run_on_the_main_thread_and_unsubscribe() -> None:
    """on_change and done callbacks run on the main thread during a wait; unsubscribe stops them."""
    job = _job()
    seen: list[tuple[str, str]] = []
    unsubscribe = job.on_change(lambda j: seen.append((j.state, threading.current_thread().name)))
    done: list[str] = []
    job.add_done_callback(lambda j: done.append(threading.current_thread().name))
    _from_thread(lambda: job._engine.update(state="pending"))
    job._dispatcher.drain()
    unsubscribe()
    _from_thread(lambda: job._engine.finish("succeeded", result=1))
    job.result()
    assert seen == [("pending", "MainThread")]
    assert done == ["MainThread"]
    late: list[int] = []
    job.add_done_callback(lambda j: late.append(j.result()))
    job._dispatcher.drain()
    assert late == [1]


def test_errors_are_raised_by_result_and_await() -> None:
    """A failed job raises its error from result() and from `await job`."""
    job = _job()
    _from_thread(lambda: job._engine.finish("failed", error=ValueError("bad")))
    with pytest.raises(ValueError, match="bad"):
        job.result()

    async def wait() -> None:
        await job

    with pytest.raises(ValueError, match="bad"):
        asyncio.run(wait())


def test_await_does_not_block_the_callers_loop() -> None:
    """`await job` yields to the loop until another thread finishes the job."""
    job = _job()

    async def main() -> tuple[Any, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.005)

        tick = asyncio.ensure_future(ticker())
        asyncio.get_running_loop().call_later(
            0.1,
            lambda: threading.Thread(target=lambda: job._engine.finish("succeeded", result=5)).start(),
        )
        value = await job
        tick.cancel()
        return value, ticks

    value, ticks = asyncio.run(main())
    assert value == 5 and ticks > 3


def test_progress_is_honest() -> None:
    """No history gives no estimate; history gives a fraction below 1; only success gives 1.0."""
    job = _job()
    assert job.progress() == (None, None)
    job.expected_duration = 10.0
    assert job.progress() == (0.0, 10.0)
    job.submitted_at = job.created_at - 5
    fraction, eta = job.progress()
    assert fraction is not None and 0.45 < fraction < 0.6 and eta is not None
    job.submitted_at = job.created_at - 50
    assert job.progress() == (0.99, None)
    job._engine.finish("succeeded", result=None)
    assert job.progress() == (1.0, 0.0)


def test_display_is_a_snapshot_unless_a_hook_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a hook the HTML is a static table; with one, the hook's widget is displayed."""
    import IPython.display

    from camb_notebook.jobs import _job_display as job_module

    monkeypatch.setattr(job_module, "_display_hook", None)  # importing widgets registers one; restored after
    job = _job(job_id="ab12")
    assert "<table" in job._repr_html_() and "no estimate" in job._repr_html_()
    shown: list[Any] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    job._ipython_display_()
    set_display_hook(lambda j: f"widget for {j.id}")
    job._ipython_display_()
    assert "text/html" in shown[0]
    assert shown[1] == "widget for ab12"
