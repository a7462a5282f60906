"""Estimate: what a batch would cost and how long it would run, computed without sending anything.

The batch's chunks are built exactly as a run builds them (dedupe, chunking, masking, wire request), so each
chunk's billable characters are those of the request a run sends, and its request hash says whether the
result cache holds it or the journal holds its task for the engine to adopt (free: no create). The ETA
comes from the journal's measured durations of earlier tasks of the same size and the session's
concurrency. Reading the cache and the journal happens on the engine's loop thread (`price_batch`); the
Estimate itself is plain data, usable from any thread.
Usage: `est = translation_batch(manager, texts, to=["fr-fr"], dry_run=True)`; `est.to_frame()`; `est.run()`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from camb_notebook.api import UsageError
from camb_notebook.jobs._adopt import key_id
from camb_notebook.jobs._batch_options import BatchHost, BatchOptions, Unit
from camb_notebook.jobs._batch_plan import TextPlan
from camb_notebook.jobs._batch_quality import UnitWork
from camb_notebook.jobs._budget import BudgetGate
from camb_notebook.jobs._estimate_view import SHOWN_COLUMNS, estimate_html, estimate_repr, short_seconds
from camb_notebook.jobs._journal import size_bucket
from camb_notebook.jobs._request import describe

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Estimate", "UnitCost", "eta_range", "price_batch"]

# The ETA range per chunk: the 10th to 90th percentile of measured durations of its size (nearest rank).
_LOW_Q, _HIGH_Q = 0.1, 0.9


@dataclass(frozen=True)
class UnitCost:
    """One chunk of the batch as it would be sent: its billable characters, and whether the cache has it."""

    unit: Unit
    characters: int
    free: bool


def price_batch(host: BatchHost, plan: TextPlan, options: BatchOptions, units: Sequence[Unit]) -> Estimate:
    """Price every chunk and read the journal's history, on the engine's loop thread (sends nothing)."""

    def price() -> Estimate:
        key = key_id(host.api)
        costs = []
        family = getattr(options, "family", "translation")  # speech batches (SpeechOptions) name theirs
        for unit in units:
            # The texts as a run sends them: masked by the batch's protection (what the server bills).
            sent = UnitWork(options.quality, unit.target, [plan.unique[i] for i in unit.indices]).sent
            if not sent:  # nothing to send (a run creates no task for it)
                costs.append(UnitCost(unit, 0, True))
                continue
            info = describe(family, options.request(sent, unit.target))
            costs.append(UnitCost(unit, info.size, options.cache and _free(host, info.hash, key, family)))
        history = host.journal.durations("translation")
        return Estimate(plan, options, costs, history, _concurrency(host, options))

    if host.loop.in_loop_thread():
        return price()

    async def on_loop() -> Estimate:
        return price()

    return host.loop.run_sync(on_loop)


def _free(host: BatchHost, request_hash: str, key: str, family: str = "translation") -> bool:
    """Whether a run would get this chunk without a create: a readable cached result, or a task of the same
    request that the journal holds (another kernel's, or an earlier run's) for the engine to adopt."""
    hit = host.journal.cached_result(family, request_hash)
    if hit is not None and hit[1] is not None:
        return True
    return any(row.task_id for row in host.journal.fingerprint_rows(family, request_hash, key))


def _concurrency(host: BatchHost, options: BatchOptions) -> int:
    """Chunks of this batch in flight at once: its own concurrency, never above the session's limit."""
    known = host.limit.estimate
    return min(options.concurrency or known, known)


def _nearest_rank(values: Sequence[float], q: float) -> float:
    """The q-quantile (0–1) by nearest rank of a non-empty sample."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def eta_range(
    sizes: Sequence[int], history: Sequence[tuple[int, float]], concurrency: int
) -> tuple[float, float] | None:
    """(low, high) seconds to run chunks of `sizes`, `concurrency` at a time; None without history.

    Chunks run in waves of `concurrency`; a wave lasts about one chunk's duration, which the journal measured
    for earlier chunks of the same size bucket (all sizes when that bucket has none).
    """
    if not sizes:
        return (0.0, 0.0)
    if not history:
        return None
    by_bucket: dict[int, list[float]] = {}
    for size, seconds in history:
        by_bucket.setdefault(size_bucket(size), []).append(seconds)
    everything = [seconds for _, seconds in history]
    low = high = 0.0
    for size in sizes:
        pool = by_bucket.get(size_bucket(size), everything)
        low, high = max(low, _nearest_rank(pool, _LOW_Q)), max(high, _nearest_rank(pool, _HIGH_Q))
    waves = math.ceil(len(sizes) / concurrency)
    return (waves * low, waves * high)


@dataclass
class Estimate:
    """What a batch would send: rows, distinct and free texts, billable characters and tasks, ETA, credits.

    Nothing was sent to make it. `to_frame()` gives one row per target; `run()` starts the batch (its chunks
    are priced again then, so what finished meanwhile is reused).
    """

    plan: TextPlan
    options: BatchOptions
    costs: list[UnitCost]
    history: list[tuple[int, float]]
    concurrency: int
    credits: int | None = None  # the task routes tell no credits before a run: unknown
    start: Callable[[], Any] | None = field(default=None, repr=False)

    @property
    def rows(self) -> int:
        """Input rows."""
        return len(self.plan.positions)

    @property
    def distinct_texts(self) -> int:
        """Distinct texts after dedupe (missing and blank rows are never sent)."""
        return len(self.plan.unique)

    @property
    def billable_characters(self) -> int:
        """Characters the server would bill, all targets (those of the texts as sent)."""
        return sum(c.characters for c in self.costs if not c.free)

    @property
    def tasks(self) -> int:
        """Tasks the batch would create (chunks the cache does not serve)."""
        return sum(not c.free for c in self.costs)

    @property
    def free_texts(self) -> int:
        """Distinct texts × targets the result cache already holds (free)."""
        return sum(len(c.unit.indices) for c in self.costs if c.free)

    @property
    def requests(self) -> int:
        """The fewest requests a run sends: a create and a status poll per task, results 5 per request."""
        return 2 * self.tasks + math.ceil(self.tasks / 5)

    def budgeted(self) -> BudgetGate:
        """The batch's budget applied to its chunks in send order (what a run would create within it)."""
        gate = BudgetGate(self.options.max_characters, self.options.max_tasks)
        for cost in self.costs:
            gate.admit(cost.characters, free=cost.free)
        return gate

    def sent_costs(self) -> list[UnitCost]:
        """The chunks a run would create, within the budget."""
        gate = BudgetGate(self.options.max_characters, self.options.max_tasks)
        return [c for c in self.costs if gate.admit(c.characters, free=c.free) and not c.free]

    @property
    def eta(self) -> tuple[float, float] | None:
        """(low, high) seconds for the chunks a run would create, or None ("no history")."""
        return eta_range([c.characters for c in self.sent_costs()], self.history, self.concurrency)

    def not_sent_rows(self) -> int:
        """Row-translations a budget would leave `not_sent`."""
        weights = [0] * len(self.plan.unique)
        for index in self.plan.positions:
            if index >= 0:
                weights[index] += 1
        gate = BudgetGate(self.options.max_characters, self.options.max_tasks)
        refused = [c for c in self.costs if not gate.admit(c.characters, free=c.free)]
        return sum(weights[i] for c in refused for i in c.unit.indices)

    def per_target(self) -> dict[str, dict[str, int]]:
        """Per target: texts, free_texts, billable_texts, billable_characters, tasks."""
        table = {t: dict.fromkeys(SHOWN_COLUMNS, 0) for t in self.options.targets}
        for cost in self.costs:
            row, count = table[cost.unit.target], len(cost.unit.indices)
            row["texts"] += count
            row["free_texts" if cost.free else "billable_texts"] += count
            if not cost.free:
                row["billable_characters"] += cost.characters
                row["tasks"] += 1
        return table

    def to_frame(self) -> pd.DataFrame:
        """One row per target (texts, free texts, billable texts and characters, tasks), indexed by target."""
        import pandas as pd  # only here: the engine itself never needs pandas

        frame = pd.DataFrame.from_dict(self.per_target(), orient="index", columns=list(SHOWN_COLUMNS))
        frame.index.name = "target"
        return frame

    def run(self) -> Any:
        """Start the batch this estimate describes and return its BatchJob at once."""
        if self.start is None:
            raise UsageError("this estimate is not tied to a batch; call the batch entry without dry_run")
        return self.start()

    def eta_text(self) -> str:
        """The ETA range in words, or "no history" when the journal has no measured tasks."""
        eta = self.eta
        if eta is None:
            return "no history (no measured tasks in the journal yet)"
        measured = f"{len(self.history)} measured tasks, {self.concurrency} at once"
        return f"{short_seconds(eta[0])} – {short_seconds(eta[1])} ({measured})"

    def lines(self) -> list[tuple[str, str]]:
        """Label/value pairs of the totals (the repr and the HTML table share them)."""
        rows = [
            ("rows", f"{self.rows:,}"),
            ("distinct texts", f"{self.distinct_texts:,}"),
            ("targets", ", ".join(self.options.targets)),
            ("free (cached) texts", f"{self.free_texts:,}"),
            ("billable characters", f"{self.billable_characters:,}"),
            ("tasks", f"{self.tasks:,}"),
            ("requests", f"≥ {self.requests:,}"),
            ("eta", self.eta_text()),
            ("credits", "unknown" if self.credits is None else f"{self.credits:,}"),
        ]
        gate = self.budgeted()
        if gate.capped:
            sent = f"sends {gate.characters:,} characters in {gate.tasks:,} tasks"
            rows.append(("budget", f"{gate.progress_text()}: {sent}; {self.not_sent_rows():,} rows not_sent"))
        return rows

    def __repr__(self) -> str:
        """`<Estimate (nothing sent): 10,000 rows, 7,000 distinct texts, ... in 140 tasks, eta ...>`."""
        return estimate_repr(
            "Estimate", self.rows, self.distinct_texts, self.billable_characters, self.tasks, self.eta_text()
        )

    def _repr_html_(self) -> str:
        """A compact table: the totals, then one row per target (every value escaped)."""
        return estimate_html("<b>Estimate</b>", self.lines(), self.per_target())
