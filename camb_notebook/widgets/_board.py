"""Jobs board: a live table of this session's jobs and the journal's (family, created, status, elapsed, rows,
result and cancel buttons), filters by status, and totals (chars sent, jobs failed).

Rows are built on the main thread (construction, button clicks, job callbacks); the ticker thread only updates
the cells of rows that exist, and asks the main thread for a rebuild when the set of jobs changed.
Usage: `JobsBoard(session)` in a cell, or `%camb jobs`.
"""

from __future__ import annotations

import datetime as dt
import html
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from camb_notebook.widgets._board_rows import (
    PILL_RUNNING,
    PILL_TEXT,
    PILLS,
    Row,
    chunks_html,
    fold_batches,
    row_from_job,
    row_from_record,
    status_html,
)
from camb_notebook.widgets._results import result_views
from camb_notebook.widgets._snapshot import TERMINAL, format_duration
from camb_notebook.widgets._ticker import TICKER

if TYPE_CHECKING:
    from camb_notebook.jobs import JobRecord, Journal
    from camb_notebook.sessions import Camb

__all__ = ["FILTERS", "PAGE", "PILLS", "PILL_RUNNING", "PILL_TEXT", "JobsBoard", "Row", "status_html"]

FILTERS = ("all", "running", "succeeded", "failed", "cancelled")
_COLUMNS = ("family", "created", "status", "elapsed", "rows", "", "")
PAGE = 20  # rows per board page


async def _recent(journal: Journal) -> list[JobRecord]:
    """Loop thread (the journal's only thread): the most recent records."""
    return journal.recent()


class _RowWidgets:
    """The cells of one row; `update` sets traits only (any thread)."""

    def __init__(self, row: Row, on_result: Callable[[Row], None]) -> None:
        """Build the cells and buttons for `row` (main thread)."""
        self.row = row
        created = dt.datetime.fromtimestamp(row.created_at).strftime("%H:%M:%S")
        self.family = w.HTML(f"<b>{html.escape(row.family)}</b>")
        self.created = w.HTML(created)
        self.status = w.HTML()
        self.elapsed = w.HTML()
        self.rows = w.HTML()
        small = w.Layout(width="auto", height="26px")
        self.result_button = w.Button(description="Result", icon="table", layout=small)
        self.result_button.on_click(lambda _b: on_result(self.row))
        self.cancel_button = w.Button(description="Cancel", icon="stop", layout=small)
        self.cancel_button.on_click(self._on_cancel)
        self.cells = [self.family, self.created, self.status, self.elapsed, self.rows]
        self.cells += [self.result_button, self.cancel_button]

    def _on_cancel(self, _button: w.Button) -> None:
        """Cancel the live job behind this row."""
        if self.row.job is not None:
            self.cancel_button.disabled = True
            self.row.job.cancel()

    def update(self, row: Row, now: float) -> None:
        """Show `row`'s current values."""
        self.row = row
        self.status.value = status_html(row)
        self.elapsed.value = format_duration(row.elapsed(now))
        self.rows.value = "" if row.rows is None else f"{row.rows:,}"
        self.result_button.disabled = row.state != "succeeded"
        self.cancel_button.disabled = row.job is None or row.state in TERMINAL


class JobsBoard:
    """The live jobs table with a status filter, totals and a result area."""

    def __init__(self, session: Camb | None = None) -> None:
        """Build the board for `session` (default: the shared session) and start updating it."""
        if session is None:
            from camb_notebook.sessions import session as default_session

            session = default_session()
        self.session = session
        self._lock = threading.RLock()
        self._widgets: dict[str, _RowWidgets] = {}
        self._rows: list[Row] = []
        self._following: set[str] = set()  # live jobs whose changes already trigger a redraw
        self._header = [w.HTML(f"<b>{name}</b>") for name in _COLUMNS]
        self.filter = w.ToggleButtons(options=FILTERS, value="all", style={"button_width": "auto"})
        self.filter.observe(lambda _c: self._first_page(), names="value")
        self.page = 0
        self.page_label = w.HTML()
        self.prev_button = w.Button(icon="chevron-left", tooltip="Newer jobs", layout=w.Layout(width="36px"))
        self.next_button = w.Button(icon="chevron-right", tooltip="Older jobs", layout=w.Layout(width="36px"))
        self.prev_button.on_click(lambda _b: self._turn(-1))
        self.next_button.on_click(lambda _b: self._turn(1))
        self.totals = w.HTML()
        self.refresh_button = w.Button(
            icon="refresh", tooltip="Reload the journal", layout=w.Layout(width="36px")
        )
        self.refresh_button.on_click(lambda _b: self.rebuild())
        self.table = w.GridBox(
            layout=w.Layout(
                grid_template_columns="repeat(5, max-content) auto auto",
                grid_gap="2px 14px",
                align_items="center",
            )
        )
        self.result = w.VBox()
        pager = [self.prev_button, self.page_label, self.next_button]
        header = w.HBox([self.filter, self.refresh_button, *pager], layout=w.Layout(align_items="center"))
        self.widget = w.VBox([header, self.totals, self.table, self.result])
        self.widget.add_class("camb-board")
        self.rebuild()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Display as the board widget."""
        return self.widget._repr_mimebundle_(**kwargs)

    def collect(self) -> list[Row]:
        """This kernel's jobs (a batch is one row), then the journal's other jobs; each newest first."""
        manager = self.session.manager
        live = {str(job.id): row_from_job(job) for job in manager.registry.user_jobs()}
        hidden = live.keys() | manager.registry.chunk_ids()
        recent = manager.loop.run_sync(_recent, manager.journal, timeout=5.0)
        kept = [r for r in recent if str(r.id) not in hidden and r.batch_id not in live]
        batch_of = {str(r.id): r.batch_id for r in kept if r.batch_id}
        records = fold_batches([row_from_record(r) for r in kept], batch_of)
        newest = sorted(live.values(), key=lambda row: row.created_at, reverse=True)
        return newest + sorted(records, key=lambda row: row.created_at, reverse=True)

    def _first_page(self) -> None:
        """A new filter starts on its first page."""
        self.page = 0
        self.rebuild()

    def _turn(self, step: int) -> None:
        """Show the next (older) or previous (newer) page."""
        self.page += step
        self.rebuild()

    def rebuild(self) -> None:
        """Re-read the jobs and rebuild the table (main thread: it may create row widgets)."""
        with self._lock:
            rows = self.collect()
            now = time.time()
            shown = [row for row in rows if row.matches(str(self.filter.value))]
            pages = max(1, -(-len(shown) // PAGE))
            self.page = min(max(self.page, 0), pages - 1)
            self.page_label.value = f"page {self.page + 1}/{pages}"
            self.prev_button.disabled, self.next_button.disabled = self.page == 0, self.page == pages - 1
            shown = shown[self.page * PAGE : (self.page + 1) * PAGE]
            cells: list[w.Widget] = list(self._header)
            for row in shown:
                widgets = self._widgets.get(row.id) or _RowWidgets(row, self.show_result)
                self._widgets[row.id] = widgets
                if row.job is not None and row.id not in self._following:
                    self._following.add(row.id)
                    row.job.on_change(lambda _job: self.tick())
                widgets.update(row, now)
                cells.extend(widgets.cells)
            self.table.children = tuple(cells)
            self._rows = rows
            self._show_totals(rows)
        if any(row.state not in TERMINAL and row.job is not None for row in rows):
            TICKER.add(self)

    def _show_totals(self, rows: Iterable[Row]) -> None:
        """Jobs, running, failed and characters sent."""
        rows = list(rows)
        running = sum(row.state not in TERMINAL for row in rows)
        failed = sum(row.state == "failed" for row in rows)
        chars = sum(row.chars for row in rows)
        self.totals.value = (
            f"<span class='camb-totals'>{len(rows)} jobs · {running} running · {failed} failed · "
            f"{chars:,} chars sent</span>"
        )

    def tick(self) -> bool:
        """Update live rows (any thread); new jobs ask the main thread for a rebuild; False when idle."""
        manager = self.session.manager
        with self._lock:
            known = {row.id for row in self._rows}
            if any(str(job.id) not in known for job in manager.registry.user_jobs()):
                manager.dispatcher.post(self.rebuild, key=("camb-board", id(self)))
            now = time.time()
            rows = [row_from_job(row.job) if row.job is not None else row for row in self._rows]
            for row in rows:
                widgets = self._widgets.get(row.id)
                if widgets is not None:
                    widgets.update(row, now)
            self._rows = rows
            self._show_totals(rows)
            return any(row.state not in TERMINAL for row in rows if row.job is not None)

    def show_result(self, row: Row) -> None:
        """Result button (main thread): show the job's result under the table (journal jobs: cached)."""
        title = w.HTML(f"<b>{html.escape(row.family)}</b> <code>{html.escape(row.id)}</code>")
        if row.chunks:  # an earlier kernel's batch: its chunks, each with its status and error
            note = (
                f" · a batch of {len(row.chunks)} chunks; <code>camb.get_job(id).result()</code> gives them"
            )
            title = w.HTML(title.value + note)
            self.result.children = (title, w.HTML(chunks_html(row)))
            return
        try:
            job = row.job if row.job is not None else self.session.manager.get(row.id)
            views = result_views(job.result(timeout=5.0), getattr(job, "request", None))
        except Exception as exc:  # e.g. a journal job whose result was not cached: say so in place
            views = [w.HTML(f"<code>{html.escape(str(exc))}</code>")]
        self.result.children = (title, *views)
