"""Job progress: a tqdm-notebook style bar (label · bar · status · Cancel) with the result shown underneath.

One feed, two drawers: `_Drawer` follows a job (`on_change` callbacks on the main thread, plus the ticker
thread while a cell blocks) and draws `Snapshot`s; `JobProgress` draws ipywidgets, `TextProgress` one updating
text line when ipywidgets or a widget frontend is missing. Traits are set under the drawer's lock, at most
every ~100 ms; result widgets are made on the main thread only. Usage: `progress(job)`, or just `job`.
"""

from __future__ import annotations

import html
import importlib.util
import sys
import threading
import time
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, Literal

from camb_notebook.widgets._snapshot import Snapshot, format_duration, take_snapshot
from camb_notebook.widgets._ticker import INTERVAL, TICKER

if TYPE_CHECKING:
    import ipywidgets as w

    from camb_notebook.widgets._snapshot import AnyJob

__all__ = ["JobProgress", "TextProgress", "frontend", "progress"]


def in_kernel() -> bool:
    """True inside a Jupyter kernel (checked like tqdm.autonotebook, through sys.modules; not Spyder's)."""
    ipython = sys.modules.get("IPython")
    if ipython is None or "ipykernel.zmqshell" not in sys.modules or "spyder_kernels" in sys.modules:
        return False
    shell = ipython.get_ipython()
    return shell is not None and "IPKernelApp" in shell.config


def frontend() -> Literal["widgets", "text"]:
    """Pick the drawer: widgets only in a Jupyter kernel where ipywidgets can be imported."""
    return "widgets" if in_kernel() and importlib.util.find_spec("ipywidgets") is not None else "text"


class _Drawer:
    """Follows one job and redraws it; subclasses define `_draw` (any thread) and `_finish` (main thread)."""

    def __init__(self, job: AnyJob) -> None:
        """Hold the job; subclasses build their output, then call `_follow()`."""
        self.job = job
        self._lock = threading.RLock()
        self._last: Snapshot | None = None
        self._last_draw = 0.0
        self._finished = False
        self._unsubscribe: Callable[[], None] = lambda: None

    def _follow(self) -> None:
        """Subscribe, then draw (so an end in between still calls back); tick while the job runs."""
        self._unsubscribe = self.job.on_change(self._on_change)
        if self.refresh(force=True).terminal:
            self._finish_once()
        else:
            TICKER.add(self)

    def refresh(self, *, force: bool = False) -> Snapshot:
        """Redraw if the state changed, or if forced, or if the last redraw is ~100 ms old."""
        with self._lock:
            snap = take_snapshot(self.job)
            now = time.monotonic()
            last = self._last
            if (
                last is not None
                and not force
                and snap.state == last.state
                and now - self._last_draw < INTERVAL
            ):
                return last
            self._draw(snap)
            self._last, self._last_draw = snap, now
            return snap

    def tick(self) -> bool:
        """Ticker entry point (camb-widgets thread): redraw; False once the job is terminal."""
        return not self.refresh().terminal

    def _on_change(self, job: AnyJob) -> None:
        """Job callback (main thread): redraw, and show the result once the job ends."""
        if self.refresh(force=job.state != (self._last.state if self._last else None)).terminal:
            self._finish_once()

    def _finish_once(self) -> None:
        """Run `_finish` exactly once (main thread) and stop following the job."""
        with self._lock:
            if self._finished:
                return
            self._finished = True
        TICKER.discard(self)
        self._unsubscribe()
        self._finish(self.refresh(force=True))

    def _draw(self, snap: Snapshot) -> None:
        """Show a snapshot (traits or text only; may run on the ticker thread)."""
        raise NotImplementedError

    def _finish(self, snap: Snapshot) -> None:
        """Show the outcome once the job is terminal (main thread)."""
        raise NotImplementedError


class JobProgress(_Drawer):
    """The widget drawer: HBox(label, FloatProgress, status, Cancel) over a box that receives the result."""

    def __init__(self, job: AnyJob) -> None:
        """Build the widgets (main thread) and start following `job`."""
        import ipywidgets as w

        super().__init__(job)
        self.label = w.HTML(layout=w.Layout(flex="0 0 auto", margin="0 6px 0 0"))
        self.bar = w.FloatProgress(min=0.0, max=1.0, value=0.0, layout=w.Layout(flex="2", min_width="120px"))
        self.status = w.HTML(layout=w.Layout(flex="0 1 auto", margin="0 6px"))
        self.cancel_button = w.Button(
            description="Cancel", icon="stop", tooltip="Cancel this job", layout=w.Layout(width="auto")
        )
        self.cancel_button.on_click(self._on_cancel)
        self.header = w.HBox(
            [self.label, self.bar, self.status, self.cancel_button],
            layout=w.Layout(display="flex", flex_flow="row nowrap", align_items="center", width="100%"),
        )
        self.result_box = w.VBox(layout=w.Layout(margin="2px 0 0 0"))
        self.widget = w.VBox([self.header, self.result_box])
        self.widget.add_class("camb-progress")
        self._follow()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Display as the widget itself."""
        return self.widget._repr_mimebundle_(**kwargs)

    def _on_cancel(self, _button: w.Button) -> None:
        """Cancel button (main thread): ask the engine to cancel; the bar follows the job's state."""
        self.cancel_button.disabled = True
        self.cancel_button.description = "Cancelling…"
        self.job.cancel()
        self.refresh(force=True)

    def _draw(self, snap: Snapshot) -> None:
        """Set traits from a snapshot (label, bar value/style, status words with the elapsed time)."""
        title = f' title="server task {html.escape(snap.task_id)}"' if snap.task_id else ""
        ident = f"<code{title}>{html.escape(snap.short_id)}</code>"  # the local id; the server's on hover
        self.label.value = f"<b>{html.escape(snap.family)}</b> {ident}"
        if snap.fraction is not None:  # the bar never runs backwards; a failed job's bar stays put
            self.bar.value = max(self.bar.value, round(snap.fraction, 3))
        self.bar.bar_style = snap.style
        words = " · ".join(p for p in (snap.counts, snap.status) if p)
        title = f' title="{html.escape(snap.detail)}"' if snap.detail else ""
        self.status.value = (
            f"<span class='camb-status camb-{snap.state}'{title}>{html.escape(words)}</span>"
            f" <span style='opacity:.7'>[{format_duration(snap.elapsed)}]</span>"
        )
        if snap.terminal:
            self.cancel_button.layout.display = "none"

    def _finish(self, snap: Snapshot) -> None:
        """Put the result under the bar (a failed batch's rows too), then the error or failure summary."""
        import ipywidgets as w

        notes = [snap.note] if snap.note else []
        views: list[w.Widget] = []
        if snap.state == "succeeded" or (snap.state == "failed" and snap.total is not None):
            from camb_notebook.widgets._results import result_views

            try:  # a batch with failed rows still has a result: its rows, failed ones marked
                views = result_views(self.job.result(), getattr(self.job, "request", None))
            except Exception as exc:  # shown, not raised in a callback (a failed batch's note says it)
                notes = notes or [str(exc)]
        self.result_box.children = (
            *views,
            *(w.HTML(value=f"<code>{html.escape(note)}</code>") for note in notes),
        )


class TextProgress(_Drawer):
    """The text drawer: one line that updates (a display output in a kernel, `\\r` on a terminal stream)."""

    def __init__(self, job: AnyJob, stream: IO[str] | None = None, *, in_output: bool = False) -> None:
        """Draw `job` to `stream` (stderr by default), or to one updating display output when `in_output`."""
        super().__init__(job)
        self._stream = stream
        self._handle: Any = None
        self._width = 0
        self._text = ""
        self._ended = False
        if in_output:
            from IPython.display import display

            self._handle = display({"text/plain": ""}, raw=True, display_id=True)
        self._follow()

    @property
    def text(self) -> str:
        """The current line."""
        return self._text

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        """Display as the current line."""
        return {"text/plain": self._text}

    def _draw(self, snap: Snapshot) -> None:
        """Replace the line if it changed; the terminal line carries the error message and ends the line."""
        if self._ended:
            return
        line = snap.line() + (f" — {snap.note}" if snap.note else "")
        if line == self._text:
            return
        self._text = line
        self._ended = snap.terminal
        if self._handle is not None:
            self._handle.update({"text/plain": line}, raw=True)
            return
        stream = self._stream or sys.stderr
        stream.write("\r" + line.ljust(self._width) + ("\n" if snap.terminal else ""))
        stream.flush()
        self._width = len(line)

    def _finish(self, snap: Snapshot) -> None:
        """Nothing beyond the final line, which `_draw` already wrote."""


def progress(job: AnyJob, *, show: bool = True) -> JobProgress | TextProgress:
    """A progress drawer for `job` (widgets when a frontend shows them), displayed if `show` (main thread)."""
    if frontend() == "widgets":
        drawer: JobProgress | TextProgress = JobProgress(job)
        if show:
            from IPython.display import display

            display(drawer)
        return drawer
    return TextProgress(job, in_output=show and in_kernel())
