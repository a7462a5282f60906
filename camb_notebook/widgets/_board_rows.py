"""The jobs board's rows: a live job or a journal record as a Row, earlier kernels' batches folded into one
row each (their chunks kept as detail), and the status pill. Pure functions, any thread.
Usage: `fold_batches([row_from_record(r) for r in records], batch_of)`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from camb_notebook.jobs import fold_state
from camb_notebook.widgets._snapshot import TERMINAL

if TYPE_CHECKING:
    from camb_notebook.jobs import JobRecord
    from camb_notebook.widgets._snapshot import AnyJob

__all__ = [
    "PILLS",
    "PILL_RUNNING",
    "PILL_TEXT",
    "Row",
    "chunks_html",
    "fold_batches",
    "row_from_job",
    "row_from_record",
    "status_html",
]

_TEXT_FAMILIES = frozenset({"translation", "tts", "translated_tts"})
# Status pills: white text on a fixed background, >= 4.5:1 in light and dark themes alike (5.1-6.2:1).
PILL_TEXT = "#ffffff"
PILLS = {"succeeded": "#2e7d32", "failed": "#c62828", "cancelled": "#616161"}
PILL_RUNNING = "#1565c0"


@dataclass(frozen=True)
class Row:
    """One job as the board shows it (a live Job, or a journal record from this or an earlier kernel)."""

    id: str
    family: str
    state: str
    created_at: float
    finished_at: float | None
    rows: int | None
    chars: int
    error: str
    job: AnyJob | None  # None for journal-only rows (no live handle in this kernel)
    chunks: tuple[Row, ...] = ()  # an earlier kernel's batch: its chunk rows (the detail under Result)

    def elapsed(self, now: float) -> float:
        """Seconds from creation to the end (or now)."""
        return max(0.0, (self.finished_at if self.finished_at is not None else now) - self.created_at)

    def matches(self, status: str) -> bool:
        """True when the row passes the status filter."""
        if status == "all":
            return True
        if status == "running":
            return self.state not in TERMINAL
        return self.state == status


def _rows_of(request: Mapping[str, Any] | None) -> int | None:
    """How many texts a translation request holds."""
    texts = (request or {}).get("texts")
    return len(texts) if isinstance(texts, list | tuple) else None


def row_from_job(job: AnyJob) -> Row:
    """A live job as a row (a batch counts its row-translations)."""
    request: Mapping[str, Any] | None = getattr(job, "request", None)
    total = getattr(job, "total", None)
    texts = (request or {}).get("texts")
    if not isinstance(texts, list | tuple):  # speech requests carry one `text`
        texts = [(request or {}).get("text") or ""]
    chars = sum(len(str(t)) for t in texts)
    answered = getattr(job, "server_status", None) is not None  # a direct job (tts-stream) has no task
    sent = (getattr(job, "task_id", None) is not None or answered) and not getattr(job, "cached", False)
    return Row(
        id=str(job.id),
        family=str(job.family),
        state=str(job.state),
        created_at=float(job.created_at),
        finished_at=job.finished_at,
        rows=total if total is not None else _rows_of(request),
        chars=chars if sent and job.family in _TEXT_FAMILIES else 0,
        error="" if job.error is None else str(job.error),
        job=job,
    )


def row_from_record(record: JobRecord) -> Row:
    """A journal record (a job of this or an earlier kernel) as a row without a live handle."""
    family = str(record.family)
    sent = record.task_id is not None or record.server_status is not None
    try:
        request = json.loads(record.request)
    except ValueError:
        request = {}
    return Row(
        id=str(record.id),
        family=family,
        state=str(record.state),
        created_at=float(record.created_at),
        finished_at=record.finished_at,
        rows=_rows_of(request if isinstance(request, dict) else None),
        chars=int(record.size or 0) if sent and family in _TEXT_FAMILIES else 0,
        error=str(record.error or ""),
        job=None,
    )


def fold_batches(rows: list[Row], batch_of: Mapping[str, str]) -> list[Row]:
    """Journal rows with each earlier kernel's batch folded into one row (its chunks kept as detail)."""
    alone: list[Row] = []
    batches: dict[str, list[Row]] = {}
    for row in rows:
        batch = batch_of.get(row.id, "")
        (batches.setdefault(batch, []) if batch else alone).append(row)
    for batch, chunks in batches.items():
        chunks.sort(key=lambda row: row.created_at)
        ends = [row.finished_at for row in chunks]
        state = fold_state([row.state for row in chunks])
        alone.append(
            Row(
                id=batch,
                family=chunks[0].family,
                state=state,
                created_at=chunks[0].created_at,
                finished_at=None if None in ends else max(e for e in ends if e is not None),
                rows=sum(row.rows or 0 for row in chunks) or None,
                chars=sum(row.chars for row in chunks),
                error=next((row.error for row in chunks if row.error), ""),
                job=None,
                chunks=tuple(chunks),
            )
        )
    return alone


def chunks_html(row: Row) -> str:
    """The chunk detail of a folded batch row: id, status, rows, error (escaped)."""
    cells = "".join(
        f"<tr><td><code>{html.escape(c.id)}</code></td><td>{status_html(c)}</td>"
        f"<td>{'' if c.rows is None else c.rows}</td><td>{html.escape(c.error)}</td></tr>"
        for c in row.chunks
    )
    head = "<tr><th>chunk</th><th>status</th><th>rows</th><th>error</th></tr>"
    return f"<table class='camb-chunks'>{head}{cells}</table>"


def status_html(row: Row) -> str:
    """The status cell: the state word on a coloured pill, with the error (escaped) as a tooltip."""
    background = PILLS.get(row.state, PILL_RUNNING)
    title = f' title="{html.escape(row.error)}"' if row.error else ""
    style = f"background:{background};color:{PILL_TEXT};border-radius:8px;padding:0 7px;font-weight:600"
    return f"<span style='{style}'{title}>{html.escape(row.state)}</span>"
