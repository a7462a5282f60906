"""Snapshot: one immutable reading of a job, the feed that every progress drawer (widget or text) renders.

Pure functions only, no widgets: the label, bar fraction, bar style and status words are decided here once,
so the widget and the text line always agree. Callable from any thread (it only reads the job).
Usage: `snap = take_snapshot(job); snap.line()`.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from camb_notebook.jobs import FINAL_STATES

if TYPE_CHECKING:
    from typing import TypeAlias

    from camb_notebook.jobs import BatchJob, Job

    AnyJob: TypeAlias = Job | BatchJob[Any]  # what drawers follow: one task, or a whole batch

__all__ = ["Snapshot", "elapsed_seconds", "format_duration", "reason_words", "take_snapshot"]

TERMINAL = FINAL_STATES  # the engine's list of final job states (one home: camb_notebook.jobs)
# server outcomes that are not the job's fault but the account's or the server's: shown as warnings
_WARNING_STATUSES = frozenset({"TIMEOUT", "PAYMENT_REQUIRED"})
_WARNING_ERRORS = frozenset({"JobTimedOut", "QuotaExceeded", "PaymentRequiredError"})


def reason_words(reason: str | None) -> str:
    """Turn a server `exception_reason` such as SOURCE_NOT_FOUND into plain words ("source not found")."""
    if not reason or reason == "NONE":
        return ""
    return reason.replace("_", " ").lower()


def format_duration(seconds: float | None) -> str:
    """Format seconds like tqdm does (`00:07`, `1:02:03`); `?` when unknown."""
    if seconds is None or seconds < 0:
        return "?"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _epoch(value: Any) -> float | None:
    """Read a timestamp that may be a datetime or epoch seconds."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.timestamp()
    return float(value)


def elapsed_seconds(job: AnyJob, now: float | None = None) -> float | None:
    """Seconds from creation to the end (or to now while the job runs)."""
    start = _epoch(job.created_at)
    if start is None:
        return None
    end = _epoch(getattr(job, "finished_at", None)) if job.state in TERMINAL else None
    return max(0.0, (end if end is not None else (time.time() if now is None else now)) - start)


@dataclass(frozen=True)
class Snapshot:
    """What a drawer shows for a job at one instant."""

    family: str
    short_id: str  # the local job id, what `%camb wait/jobs/cancel/result` take
    task_id: str  # the server task id ('' before it exists, and for batches)
    state: str
    fraction: float | None  # 0..1, None when nothing is known yet
    eta: float | None
    done: int | None  # batches only: rows finished / total / failed
    total: int | None
    failed: int | None
    elapsed: float | None
    style: str  # ipywidgets bar_style: '', 'info', 'success', 'danger', 'warning'
    status: str  # words after the bar, e.g. "pending · ETA 00:04"
    detail: str  # the full one-line error message ('' when none)
    note: str  # the line under a final bar: the error, or a failed batch's row summary and retry hint

    @property
    def terminal(self) -> bool:
        """True once the job can no longer change."""
        return self.state in TERMINAL

    @property
    def label(self) -> str:
        """Family and local job id, the text left of the bar."""
        return f"{self.family} {self.short_id}".rstrip()

    cancelled: int | None = None  # batches only: rows a cancel stopped

    @property
    def counts(self) -> str:
        """`3/6` for batches (with failed and cancelled rows), '' for single tasks."""
        if self.total is None:
            return ""
        extra = [f"{n} {word}" for n, word in ((self.failed, "failed"), (self.cancelled, "cancelled")) if n]
        text = f"{self.done or 0}/{self.total}"
        return f"{text} ({', '.join(extra)})" if extra else text

    def line(self, width: int = 20) -> str:
        """The whole snapshot as one text line (the fallback drawer), tqdm style."""
        filled = round((self.fraction or 0.0) * width)
        bar = "█" * filled + " " * (width - filled)
        parts = [self.label, f"|{bar}|", self.counts, self.status, f"[{format_duration(self.elapsed)}]"]
        return " ".join(p for p in parts if p)


def _style(job: AnyJob, state: str) -> str:
    """Bar colour: success; warning for TIMEOUT/PAYMENT_REQUIRED and batches with rows done; else danger."""
    if state == "succeeded":
        return "success"
    if state == "failed":
        server = getattr(job, "server_status", None)
        if server in _WARNING_STATUSES or type(job.error).__name__ in _WARNING_ERRORS:
            return "warning"
        if getattr(job, "done_count", 0):  # a partial batch: its rows that finished are in the result
            return "warning"
        return "danger"
    if state == "cancelled":
        return "danger"
    return "info" if state in ("queued", "creating") else ""


def _status(job: AnyJob, state: str, eta: float | None) -> str:
    """The words right of the bar: state, the failure reason in words, or the ETA while running."""
    if state == "failed":
        error = job.error
        words = reason_words(getattr(error, "exception_reason", None))
        if not words:
            server = getattr(job, "server_status", None)
            words = reason_words(server) if server in _WARNING_STATUSES else type(error).__name__
        return f"failed: {words}"
    if state == "cancelled":
        return "cancelled"
    if state == "succeeded":
        return "done"
    if eta is not None and state in ("pending", "fetching"):
        return f"{state} · ETA {format_duration(eta)}"
    return state


def _batch_fraction(batch: AnyJob, finished: int, total: int) -> float:
    """Rows finished, plus the remaining rows times the running chunks' mean ETA-based progress."""
    running = [chunk.progress()[0] or 0.0 for chunk in getattr(batch, "jobs", ()) if not chunk.done()]
    partial = sum(running) / len(running) * (total - finished) if running else 0.0
    return (finished + partial) / total


def _counted(job: AnyJob) -> str:
    """What a batch counts: row-translations, or rows for a speech batch (`counts` on the batch)."""
    return str(getattr(job, "counts", "row-translations"))


def _note(job: AnyJob, state: str, detail: str) -> str:
    """A failed batch's summary (rows failed, first error without its hint, retry hint); else `detail`."""
    failed, total, error = getattr(job, "failed_count", 0), getattr(job, "total", None), job.error
    if state != "failed" or not failed or total is None or error is None:
        return detail
    first = f"{type(error).__name__}: {getattr(error, 'text', error)}"
    retry = ".retry_failed() re-sends only those rows"
    return f"{failed:,} of {total:,} {_counted(job)} failed ({first}); {retry}"


def take_snapshot(job: AnyJob, now: float | None = None) -> Snapshot:
    """Read the job once (from any thread) and decide everything a drawer shows."""
    state = job.state
    fraction, eta = job.progress()
    total = getattr(job, "total", None)
    done = getattr(job, "done_count", None) if total is not None else None
    failed = getattr(job, "failed_count", None) if total is not None else None
    cancelled = getattr(job, "cancelled_count", None) if total is not None else None
    if total:
        fraction = _batch_fraction(job, (done or 0) + (failed or 0) + (cancelled or 0), total)
        eta = eta if eta is not None else _batch_eta(job, fraction, now)
    if state == "succeeded":
        fraction = 1.0
    detail = str(job.error) if state == "failed" and job.error is not None else ""
    return Snapshot(
        family=str(job.family),
        short_id=str(job.id),
        task_id=str(getattr(job, "task_id", None) or ""),
        state=state,
        fraction=None if fraction is None else min(1.0, max(0.0, fraction)),
        eta=eta,
        done=done,
        total=total,
        failed=failed,
        cancelled=cancelled,
        elapsed=elapsed_seconds(job, now),
        style=_style(job, state),
        status=" · ".join(
            p for p in (_percent(total, fraction, state), _status(job, state, eta), _budget(job)) if p
        ),
        detail=detail,
        note=_note(job, state, detail) or _unsent_note(job),
    )


def _batch_eta(job: AnyJob, fraction: float, now: float | None) -> float | None:
    """A running batch's ETA from the bar's own fraction and the time since it started (None at 0%)."""
    start = _epoch(getattr(job, "submitted_at", None)) or _epoch(job.created_at)
    if job.state in TERMINAL or start is None or fraction <= 0.0:
        return None
    elapsed = max((time.time() if now is None else now) - start, 0.0)
    return elapsed * (1.0 - fraction) / fraction


def _percent(total: int | None, fraction: float | None, state: str) -> str:
    """A running batch's progress in words (`37%`), so its text moves with its bar."""
    if not total or fraction is None or state in TERMINAL:
        return ""
    return f"{min(fraction, 0.99) * 100:.0f}%"


def _budget(job: AnyJob) -> str:
    """A budgeted batch's characters sent / budget (`1,234/4,000 chars`), '' otherwise."""
    return str(getattr(job, "budget_text", None) or "")


def _unsent_note(job: AnyJob) -> str:
    """The line under a batch whose budget left rows out: how many, and how to send the rest."""
    unsent = getattr(job, "not_sent_count", 0)
    if not unsent or not job.done():
        return ""
    return f"{unsent:,} {_counted(job)} not_sent (budget {_budget(job)}); a larger budget sends only the rest"
