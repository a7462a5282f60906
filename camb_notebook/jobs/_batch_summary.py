"""BatchSummary: a batch's estimate beside what its run did, so the estimate's accuracy is visible.

Actual figures come from the batch's chunk jobs: a chunk that created a task sent its request's characters;
one served by the result cache sent nothing. Plain data, any thread (read it once the batch is done).
Usage: `batch.summary()` (a table in a notebook), `batch.summary().to_frame()`.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from camb_notebook.jobs._estimate import Estimate
from camb_notebook.jobs._job import Job

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BatchSummary"]


class _Run(Protocol):
    """What the summary reads of a BatchJob (a Protocol: the batch imports this module)."""

    jobs: list[Job]
    submitted_at: float | None
    finished_at: float | None
    not_sent_count: int

    @property
    def result_requests(self) -> int:
        """Result requests sent."""


def _sent_characters(job: Job) -> int:
    """Characters of the texts a chunk job's request carried."""
    texts: Sequence[Any] = job.request.get("texts", ())
    return sum(len(t) for t in texts if isinstance(t, str))


@dataclass(frozen=True)
class BatchSummary:
    """Estimate and actual side by side: (quantity, estimate, actual) rows."""

    rows: tuple[tuple[str, str, str], ...]
    characters: tuple[int, int]  # (estimated, actually sent)
    tasks: tuple[int, int]
    cache_hits: tuple[int, int]  # chunks served by the result cache
    wall: tuple[tuple[float, float] | None, float | None]  # (ETA range, seconds the run took)

    @classmethod
    def of(cls, batch: _Run, estimate: Estimate, polls: int) -> BatchSummary:
        """Read the batch's chunk jobs now (a running batch gives the figures so far)."""
        created = [j for j in list(batch.jobs) if j.task_id is not None and not j.cached]
        hits = sum(j.cached for j in list(batch.jobs))
        sent = sum(_sent_characters(j) for j in created)
        planned = estimate.sent_costs()
        est_chars = sum(c.characters for c in planned)
        est_hits = sum(c.free for c in estimate.costs)
        eta = estimate.eta
        wall = None
        if batch.submitted_at is not None:
            wall = (batch.finished_at or time.time()) - batch.submitted_at
        requests = len(created) + polls + batch.result_requests
        min_requests = 2 * len(planned) + -(-len(planned) // 5)
        rows = (
            ("billable characters", f"{est_chars:,}", f"{sent:,}"),
            ("tasks created", f"{len(planned):,}", f"{len(created):,}"),
            ("requests", f"≥ {min_requests:,}", f"{requests:,}"),
            ("wall time", estimate.eta_text(), "running" if wall is None else f"{wall:.1f} s"),
            ("cache hits (chunks)", f"{est_hits:,}", f"{hits:,}"),
            ("rows not_sent", f"{estimate.not_sent_rows():,}", f"{batch.not_sent_count:,}"),
        )
        return cls(rows, (est_chars, sent), (len(planned), len(created)), (est_hits, hits), (eta, wall))

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame indexed by quantity, columns `estimate` and `actual`."""
        import pandas as pd  # only here: the engine itself never needs pandas

        frame = pd.DataFrame([r[1:] for r in self.rows], columns=["estimate", "actual"])
        frame.index = pd.Index([r[0] for r in self.rows], name="quantity")
        return frame

    def __repr__(self) -> str:
        """One line per quantity: `tasks created: 105 estimated, 105 actual`."""
        return "\n".join(f"{q}: {e} estimated, {a} actual" for q, e, a in self.rows)

    def _repr_html_(self) -> str:
        """A compact three-column table (every value escaped)."""
        cells = "".join(
            "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in self.rows
        )
        head = "<tr><th>quantity</th><th>estimate</th><th>actual</th></tr>"
        return f"<table class='camb-batch-summary'>{head}{cells}</table>"
