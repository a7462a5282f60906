"""Job: a handle on one remote task (create → poll → fetch), returned at once by `Camb.translate()` etc.

Callable from any thread; its fields change only on the engine's loop thread, and callbacks (`on_change`,
`add_done_callback`) always run on the kernel's main thread through the dispatcher. No cancel route exists
on the API, so `cancel()` stops local polling only and says so. Usage: `job.result()` or `await job`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import threading
import time
import uuid
from collections.abc import Callable, Generator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from camb_notebook.jobs._dispatch import Dispatcher, call_in, on_main_thread
from camb_notebook.jobs._job_display import html_table, show
from camb_notebook.jobs._loop import in_engine_thread, wait_future

if TYPE_CHECKING:
    from IPython.lib.pretty import RepresentationPrinter

__all__ = ["FINAL_STATES", "Job", "JobEngine", "JobState"]

JobState = Literal["queued", "creating", "pending", "fetching", "succeeded", "failed", "cancelled"]
FINAL_STATES: frozenset[str] = frozenset({"succeeded", "failed", "cancelled"})  # the one list of final states
# The fields the engine sets (anything else on a Job is the Job's own business).
_ENGINE_FIELDS = frozenset(
    {"state", "server_status", "task_id", "run_id", "created_at", "submitted_at", "updated_at"}
    | {"expected_duration", "cached", "error"}
)

Callback = Callable[["Job"], object]


class Job:
    """One remote task; the engine drives it (only through `job._engine`), users wait on it or cancel it."""

    def __init__(
        self,
        family: str,
        request: Mapping[str, Any],
        *,
        dispatcher: Dispatcher,
        canceller: Callable[[Job, str | None], bool] | None = None,
        job_id: str | None = None,
    ) -> None:
        """Create a queued job (the manager submits it); `canceller` stops its local task."""
        now = time.time()
        self.id: str = job_id or uuid.uuid4().hex[:16]  # 64 bits: no collision in any journal's lifetime
        self.family = family
        self.request: Mapping[str, Any] = request
        self.task_id: str | None = None
        self.run_id: int | None = None
        self.state: JobState = "queued"
        self.server_status: str | None = None
        self.created_at: float = now
        self.submitted_at: float | None = None
        self.updated_at: float = now
        self.finished_at: float | None = None
        self.error: BaseException | None = None
        self.cached = False  # True when the result came from the result cache (no task was created)
        self.expected_duration: float | None = None  # median from the journal's history, set by the engine
        self._result: Any = None
        self._error_tb: TracebackType | None = None  # the error's own traceback, restored on each re-raise
        self.finish_result: Callable[[Any], Any] | None = None  # the session's view of the result (restored)
        self._future: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._final = False  # set once, under the lock, when the job reaches a final state
        self._dispatcher = dispatcher
        self._canceller = canceller
        self._callbacks: list[tuple[Callback, contextvars.Context]] = []
        self._done_callbacks: list[tuple[Callback, contextvars.Context]] = []
        self._lock = threading.Lock()
        self._engine = JobEngine(self)  # the engine's handle on this job (see JobEngine)

    # -- notifications -------------------------------------------------------------------------------------

    def _publish(self) -> None:
        """Queue one (coalesced) notification for the main thread when anyone listens."""
        if self._callbacks or self._done_callbacks:
            self._dispatcher.post(self._notify, key=("job", id(self)))

    def _notify(self) -> None:
        """Main thread: run change callbacks, then (once) the done callbacks."""
        for cb, ctx in list(self._callbacks):
            call_in(ctx, cb, self)
        if self._final:
            with self._lock:
                done, self._done_callbacks = self._done_callbacks, []
            for cb, ctx in done:
                call_in(ctx, cb, self)

    # -- user side (any thread) ----------------------------------------------------------------------------

    def done(self) -> bool:
        """True once the job succeeded, failed or was cancelled."""
        return self._future.done()

    def result(self, timeout: float | None = None) -> Any:
        """Block until the job is final and return its result (or raise its error).

        On the main thread, pending job events (progress widgets) are applied while waiting. A kernel
        interrupt stops only this wait: polling continues and the server task keeps running (no cancel route).
        """
        if in_engine_thread():
            raise RuntimeError(
                f"{self!r}.result() on the engine's loop thread would deadlock; await it instead"
            )
        self._dispatcher.capture()
        main = on_main_thread()
        try:
            wait_future(
                self._future,
                timeout=timeout,
                idle=self._dispatcher.drain if main else None,
                cancel_on_interrupt=False,
            )
        except TimeoutError:
            raise TimeoutError(
                f"{self!r} is still {self.state} after {timeout} s; it keeps polling in the background"
            ) from None
        except KeyboardInterrupt:
            raise KeyboardInterrupt(self._interrupt_message()) from None
        if main:
            self._dispatcher.drain()
        return self._outcome()

    def __await__(self) -> Generator[Any, None, Any]:
        """`await job` on any running loop (the kernel's included) without blocking it."""
        return self._wait_async().__await__()

    async def _wait_async(self) -> Any:
        """Wait on the caller's loop for the final state, then return the result or raise the error."""
        if not self.done():
            loop = asyncio.get_running_loop()
            waiter: asyncio.Future[None] = loop.create_future()

            def wake(_: object) -> None:
                with contextlib.suppress(RuntimeError):  # the caller's loop closed meanwhile
                    loop.call_soon_threadsafe(_wake, waiter)

            self._future.add_done_callback(wake)
            await waiter
        return self._outcome()

    def _outcome(self) -> Any:
        """The result of a final job, or raise its error."""
        if self.error is not None:
            # Each raise appends this frame to the error's traceback: restore the original first, so
            # calling result() again and again does not grow it.
            raise self.error.with_traceback(self._error_tb)
        return self._result if self.finish_result is None else self.finish_result(self._result)

    def cancel(self, reason: str | None = None) -> bool:
        """Stop local work on this job (a created server task keeps running); False when already final."""
        if self.done() or self._canceller is None:
            return False
        return self._canceller(self, reason)

    def on_change(self, callback: Callback) -> Callable[[], None]:
        """Call `callback(job)` on the main thread after every change; returns an unsubscribe function."""
        self._dispatcher.capture()
        entry = (callback, contextvars.copy_context())
        self._callbacks.append(entry)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._callbacks.remove(entry)

        return unsubscribe

    def add_done_callback(self, fn: Callback) -> None:
        """Call `fn(job)` once on the main thread when the job is final (soon, if it already is)."""
        self._dispatcher.capture()
        with self._lock:
            self._done_callbacks.append((fn, contextvars.copy_context()))
            final = self.done()
        if final:
            self._publish()

    def progress(self) -> tuple[float | None, float | None]:
        """(fraction, eta seconds) from the journal's history; never 1.0 before success, None w/o history."""
        if self.state == "succeeded":
            return 1.0, 0.0
        expected = self.expected_duration
        if self.state in FINAL_STATES or expected is None or expected <= 0:
            return None, None
        if self.submitted_at is None:
            return 0.0, expected
        elapsed = max(time.time() - self.submitted_at, 0.0)
        if elapsed >= expected:
            return 0.99, None  # overdue: no honest ETA
        return min(elapsed / expected, 0.99), expected - elapsed

    def _interrupt_message(self) -> str:
        """What an interrupted wait leaves running."""
        where = f"server task {self.task_id}" if self.task_id else "its task (once created)"
        return (
            f"stopped waiting for {self!r}: it keeps polling in the background and the {where} keeps"
            f" running on the server (the API has no cancel route); `%camb cancel {self.id}` stops local"
            " polling"
        )

    # -- display -------------------------------------------------------------------------------------------

    def __repr__(self) -> str:
        """`<Job 3f2a translation: pending>`."""
        return f"<Job {self.id} {self.family}: {self.state}>"

    def _summary(self) -> list[tuple[str, str]]:
        """Label/value pairs for the static displays."""
        fraction, eta = self.progress()
        rows = [("job", self.id), ("family", self.family), ("state", self.state)]
        if self.task_id:
            rows.append(("task_id", self.task_id))
        if self.run_id is not None:
            rows.append(("run_id", str(self.run_id)))
        if not self.done():
            rows.append(("progress", "no estimate" if fraction is None else f"{fraction:.0%}"))
            if eta is not None:
                rows.append(("eta", f"{eta:.0f} s"))
        if self.cached:
            rows.append(("source", "result cache (no task created)"))
        if self.error is not None:
            rows.append(("error", f"{type(self.error).__name__}: {self.error}"))
        return rows

    def _repr_pretty_(self, p: RepresentationPrinter, cycle: bool) -> None:
        """Text snapshot for terminal IPython."""
        p.text(repr(self) if cycle else "\n".join(f"{k:>9}: {v}" for k, v in self._summary()))

    def _repr_html_(self) -> str:
        """Static HTML snapshot (a live widget needs the display hook)."""
        return html_table(self._summary())

    def _ipython_display_(self) -> None:
        """Show a live widget through the registered hook, else the static snapshot."""
        show(self, repr(self), self._repr_html_())


class JobEngine:
    """Engine side of a Job: called on the loop thread by the manager, batch, recovery and poll code only.

    The one way the engine changes a job (`job._engine`); users read the Job's fields and never call this.
    """

    def __init__(self, job: Job) -> None:
        """Bind to `job`."""
        self._job = job

    def assign(self, **fields: Any) -> None:
        """Set fields without notifying anyone (a job rebuilt from the journal, or one not yet shown)."""
        unknown = set(fields) - _ENGINE_FIELDS
        if unknown:
            raise AttributeError(f"the engine does not set {sorted(unknown)} on a Job")
        for name, value in fields.items():
            setattr(self._job, name, value)

    def update(self, **fields: Any) -> None:
        """Set fields, stamp `updated_at` and notify subscribers on the main thread."""
        self.assign(**fields)
        self._job.updated_at = time.time()
        self._job._publish()

    def finish(
        self,
        state: JobState,
        *,
        result: Any = None,
        error: BaseException | None = None,
        before_wake: Callable[[], None] | None = None,
    ) -> bool:
        """Move to a final state once (later calls are ignored); wakes waiters and notifies subscribers.

        `before_wake` runs once the final state is set and before anyone can see it (the journal row)."""
        job = self._job
        with job._lock:
            if job._final:
                return False
            job._final = True
            now = time.time()
            job.state, job._result, job.error = state, result, error
            job._error_tb = None if error is None else error.__traceback__
            job.updated_at = job.finished_at = now
        if before_wake is not None:
            before_wake()
        # Queue the done callbacks before waking waiters, so a main-thread `result()` that drains the
        # dispatcher after waking always runs them (e.g. `-o`/`into=` assignment) before it returns.
        job._publish()
        job._future.set_result(None)
        return True

    def compact(self, result: Any) -> None:
        """Swap a final job's result for an equal, smaller form (a batch packs the texts it recorded)."""
        self._job._result = result

    @property
    def future(self) -> concurrent.futures.Future[None]:
        """Resolved once the job is final (for blocking waits in slices)."""
        return self._job._future

    async def wait(self) -> None:
        """Wait (on the current loop) until the job is final; its error, if any, is not raised."""
        with contextlib.suppress(Exception):
            await self._job._wait_async()


def _wake(waiter: asyncio.Future[None]) -> None:
    """Resolve an `await job` waiter once (on the waiter's loop)."""
    if not waiter.done():
        waiter.set_result(None)
