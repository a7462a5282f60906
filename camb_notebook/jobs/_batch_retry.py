"""Retry plan of a batch: which failed chunks are polled again, sent again, or held back as ambiguous.

`retry_failed()` must never bill a chunk twice without saying so. A failed chunk with a server task whose
outcome is still open (polls failed, deadline, result fetch) is polled again, not recreated; one the server
ended (ERROR, TIMEOUT, PAYMENT_REQUIRED) or that never reached it is sent again; one whose create may have
reached the server (no task id came back) is held, with its rows still failed, unless the caller passes
`resend_ambiguous=True`, and either way a one-line notice says how many may be duplicated.
Usage: `plan = plan_retry(batch, resend_ambiguous=False)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

from camb_notebook.api import AmbiguousSubmitError, JobFailed, JobTimedOut, QuotaExceeded
from camb_notebook.jobs._batch_options import BatchOptions, Unit
from camb_notebook.jobs._batch_plan import BatchOutcome, TextPlan, chunk_texts
from camb_notebook.jobs._job import Job
from camb_notebook.jobs._notice import notice

__all__ = ["Retried", "RetryPlan", "plan_retry"]

_SERVER_ENDED = (JobFailed, JobTimedOut, QuotaExceeded)  # the task is over: a new create is the retry


@dataclass
class RetryPlan:
    """The retry batch's starting outcome, its chunks, the tasks to poll again and the held chunks."""

    outcome: BatchOutcome
    units: list[Unit] = field(default_factory=list)
    known: dict[Unit, str] = field(default_factory=dict)  # chunk -> server task polled again
    held: list[tuple[Unit, Job]] = field(default_factory=list)  # ambiguous chunks not sent again
    resend: set[Unit] = field(default_factory=set)  # ambiguous chunks sent again (resend_ambiguous=True)


class Retried(Protocol):
    """The finished batch a retry is planned from (BatchJob)."""

    @property
    def chunks(self) -> Mapping[Job, Unit]:
        """Each chunk job and its rows."""

    @property
    def _outcome_so_far(self) -> BatchOutcome:
        """Translations and errors per target."""

    @property
    def _plan(self) -> TextPlan:
        """The distinct texts."""

    @property
    def _options(self) -> BatchOptions:
        """Chunk size and character cap."""


def plan_retry(batch: Retried, *, resend_ambiguous: bool) -> RetryPlan:
    """Plan the retry of the failed rows of a finished batch (see the module doc).

    Rows of chunks never submitted (the breaker, a budget, a cancel) are cut into chunks again.
    """
    chunks, outcome = batch.chunks, batch._outcome_so_far
    errors = {t: list(v) for t, v in outcome.errors.items()}
    plan = RetryPlan(
        replace(outcome, translations={t: v.copy() for t, v in outcome.translations.items()}, errors=errors)
    )
    seen: set[Unit] = set()
    ambiguous = 0
    for job, unit in chunks.items():
        if unit in seen or all(outcome.translations[unit.target].has(i) for i in unit.indices):
            continue
        seen.add(unit)
        if job.task_id is not None and job.error is not None and not isinstance(job.error, _SERVER_ENDED):
            plan.known[unit] = job.task_id
        elif job.task_id is None and isinstance(job.error, AmbiguousSubmitError):
            ambiguous += 1
            if not resend_ambiguous:
                plan.held.append((unit, job))
                continue
            plan.resend.add(unit)
        plan.units.append(unit)
    covered = {(u.target, i) for u in [*plan.units, *(u for u, _ in plan.held)] for i in u.indices}
    for target in outcome.targets:
        rest = [i for i in outcome.translations[target].missing() if (target, i) not in covered]
        spans = chunk_texts(
            [batch._plan.unique[i] for i in rest],
            chunk_size=batch._options.chunk_size,
            max_chars=batch._options.max_chars,
        )
        plan.units.extend(Unit(target, tuple(rest[i] for i in span)) for span in spans)
    for unit in plan.units:
        for index in unit.indices:
            errors[unit.target][index] = None
    if ambiguous and resend_ambiguous:
        notice(
            f"retry_failed: resending {ambiguous} chunk(s) whose first create may have reached the server;"
            f" up to {ambiguous} server task(s) may be duplicates (and billed twice)",
            once=False,
        )
    elif ambiguous:
        rows = sum(len(u.indices) for u, _ in plan.held)
        notice(
            f"retry_failed: {ambiguous} chunk(s) ({rows} distinct texts) were not resent: their create may"
            " have reached the server; retry_failed(resend_ambiguous=True) resends them (up to"
            f" {ambiguous} duplicate task(s))",
            once=False,
        )
    return plan
