"""DatasetEstimate: what a dataset run would send, from one streaming pass that sends nothing.

The pass reads only the text column, `batch_rows` rows at a time, and plans and prices each batch exactly as
the run does (`_plan`): cross-batch dedupe through a scratch `SeenTexts` in a temporary directory (exact:
16-byte keys on disk, so memory holds about one batch), chunks priced as sent, chunks the result cache or
the journal already holds counted free. Only running totals are kept. No run state, no `dest`, no create.
The run's budget is applied the way the run applies it (one gate over the chunks in send order; the run
stops before the batch whose chunk does not fit). Reading the whole column takes time: it is the price of
exact numbers. Caller's thread (pricing hops to the engine's loop thread).
Usage: `est = estimate_dataset(manager, source, options, column="text", batch_rows=50_000, errors="raise")`;
`est.to_frame()`; `est.run()`.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from camb_notebook.api import UsageError
from camb_notebook.datasets._plan import plan_batch, price_texts
from camb_notebook.datasets._source import Source, read_batches
from camb_notebook.datasets._store import SeenTexts
from camb_notebook.jobs import Errors
from camb_notebook.jobs._batch_options import BatchHost, BatchOptions
from camb_notebook.jobs._budget import BudgetGate
from camb_notebook.jobs._estimate import eta_range
from camb_notebook.jobs._estimate_view import SHOWN_COLUMNS, estimate_html, estimate_repr, short_seconds

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DatasetEstimate", "estimate_dataset"]


@dataclass
class DatasetEstimate:
    """What a dataset run would send: rows, distinct texts, billable characters and tasks, per target too.

    Nothing was sent to make it. The units are the frames Estimate's: billable characters are those of the
    texts as sent (masked), tasks are chunks the result cache does not serve. `to_frame()` gives one row per
    target; `run()` starts the run (its batches are priced again as they go).
    """

    source: str
    targets: tuple[str, ...]
    batch_rows: int
    rows: int = 0
    text_rows: int = 0  # rows with a text to send (not missing or blank)
    batches: int = 0
    distinct_texts: int = 0  # distinct texts of the whole dataset (sent to every target)
    per_target: dict[str, dict[str, int]] = field(default_factory=dict)
    eta: tuple[float, float] | None = (0.0, 0.0)  # (low, high) seconds, None without measured history
    budget: BudgetGate = field(default_factory=BudgetGate)  # the run's caps, fed every chunk in send order
    rows_within_budget: int | None = None  # rows of the batches a capped run writes before it stops
    start: Callable[[], Any] | None = field(default=None, repr=False)

    @property
    def billable_characters(self) -> int:
        """Characters the server would bill, all targets (a budget aside)."""
        return sum(row["billable_characters"] for row in self.per_target.values())

    @property
    def tasks(self) -> int:
        """Tasks the run would create (a budget aside)."""
        return sum(row["tasks"] for row in self.per_target.values())

    @property
    def free_texts(self) -> int:
        """Distinct texts × targets the result cache (or the journal) already holds."""
        return sum(row["free_texts"] for row in self.per_target.values())

    @property
    def not_sent_rows(self) -> int:
        """Rows a budget would leave for a later run (0 without a budget, or when it is enough)."""
        return 0 if self.rows_within_budget is None else self.rows - self.rows_within_budget

    def to_frame(self) -> pd.DataFrame:
        """One row per target (texts, free texts, billable texts and characters, tasks), indexed by target."""
        import pandas as pd

        frame = pd.DataFrame.from_dict(self.per_target, orient="index", columns=list(SHOWN_COLUMNS))
        frame.index.name = "target"
        return frame

    def run(self) -> Any:
        """Start the run this estimate describes and return its DatasetJob at once."""
        if self.start is None:
            raise UsageError("this estimate is not tied to a call; call translate_dataset without dry_run")
        return self.start()

    def eta_text(self) -> str:
        """The ETA range in words (the batches run one after another), or "no history"."""
        if self.eta is None:
            return "no history (no measured tasks in the journal yet)"
        return f"{short_seconds(self.eta[0])} – {short_seconds(self.eta[1])}"

    def lines(self) -> list[tuple[str, str]]:
        """Label/value pairs of the totals (the repr and the HTML table share them)."""
        rows = [
            ("rows", f"{self.rows:,} ({self.text_rows:,} with text, {self.batches:,} batches)"),
            ("distinct texts", f"{self.distinct_texts:,} (deduped across the dataset)"),
            ("targets", ", ".join(self.targets)),
            ("free (cached) texts", f"{self.free_texts:,}"),
            ("billable characters", f"{self.billable_characters:,}"),
            ("tasks", f"{self.tasks:,}"),
            ("eta", self.eta_text()),
        ]
        gate = self.budget
        if gate.capped:
            sent = f"sends {gate.characters:,} characters in {gate.tasks:,} tasks"
            rows.append(("budget", f"{gate.progress_text()}: {sent}; {self.not_sent_rows:,} rows not_sent"))
        return rows

    def __repr__(self) -> str:
        """`<DatasetEstimate (nothing sent): 1,000,000 rows, 700,000 distinct texts, ...>`."""
        return estimate_repr(
            "DatasetEstimate",
            self.rows,
            self.distinct_texts,
            self.billable_characters,
            self.tasks,
            self.eta_text(),
        )

    def _repr_html_(self) -> str:
        """A compact table: the totals, then one row per target (every value escaped)."""
        title = f"<b>Dataset estimate</b> {html.escape(Path(self.source).name)}"
        return estimate_html(title, self.lines(), self.per_target)


def estimate_dataset(
    manager: BatchHost, source: Source, options: BatchOptions, *, column: str, batch_rows: int, errors: Errors
) -> DatasetEstimate:
    """One pass over `source[column]` planning and pricing each batch as the run would; sends nothing."""
    est = DatasetEstimate(str(source.path), options.targets, batch_rows)
    est.per_target = {t: dict.fromkeys(SHOWN_COLUMNS, 0) for t in options.targets}
    est.budget = BudgetGate(options.max_characters, options.max_tasks)
    est.rows_within_budget = 0 if est.budget.capped else None
    with tempfile.TemporaryDirectory(prefix="camb-dry-run-") as scratch:
        seen = SeenTexts(Path(scratch) / "seen.sqlite3")
        try:
            for index, table in enumerate(read_batches(source, batch_rows, columns=[column])):
                batch = plan_batch(table, column, index * batch_rows, errors, seen, options.targets)
                est.rows += table.num_rows
                est.text_rows += sum(1 for p in batch.plan.positions if p >= 0)
                est.batches += 1
                est.distinct_texts += len(batch.todo)
                if not batch.todo:
                    _within(est)
                    continue
                priced = price_texts(manager, batch.new_texts, options)
                sent = []
                for cost in priced.costs:
                    row, count = est.per_target[cost.unit.target], len(cost.unit.indices)
                    row["texts"] += count
                    row["free_texts" if cost.free else "billable_texts"] += count
                    if not cost.free:
                        row["billable_characters"] += cost.characters
                        row["tasks"] += 1
                    if est.budget.admit(cost.characters, free=cost.free) and not cost.free:
                        sent.append(cost.characters)
                eta = eta_range(sent, priced.history, priced.concurrency)  # batches run one by one
                est.eta = (
                    None if eta is None or est.eta is None else (est.eta[0] + eta[0], est.eta[1] + eta[1])
                )
                _within(est)
                seen.add({t: [(text, "") for text in batch.new_texts] for t in options.targets})
        finally:
            seen.close()
    return est


def _within(est: DatasetEstimate) -> None:
    """After a batch: while the budget has refused nothing, a capped run writes this batch too."""
    if est.budget.capped and est.budget.stopped_by is None:
        est.rows_within_budget = est.rows
