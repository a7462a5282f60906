"""One batch of a dataset as the run sends it: its distinct texts, those new to the run, and their price.

Shared by the run (`DatasetJob`) and the dry run (`estimate_dataset`), so a dry run's tasks and characters
are by construction those a run creates: the same rows per batch, the same cross-batch dedupe (`SeenTexts`),
the same chunks (`plan_units`) priced as sent (`price_batch`: masked texts, cache and journal looked up).
Driver thread (or the caller's, for a dry run); pricing hops to the engine's loop thread.
Usage: `batch = plan_batch(table, "text", offset, "raise", seen, targets)`;
`estimate = price_texts(manager, batch.new_texts, options)`; `start_priced(manager, estimate, options, f)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from camb_notebook.datasets._store import SeenTexts
from camb_notebook.jobs import BatchJob, BatchOutcome, Errors, Estimate
from camb_notebook.jobs._batch_options import BatchHost, BatchOptions, plan_units
from camb_notebook.jobs._batch_plan import TextPlan, clean_texts, plan_texts
from camb_notebook.jobs._estimate import price_batch

__all__ = ["BatchPlan", "plan_batch", "price_texts", "start_priced"]

T = TypeVar("T")


@dataclass(frozen=True)
class BatchPlan:
    """A batch's rows → distinct texts, what earlier batches already translated, and the texts to send."""

    plan: TextPlan
    known: dict[str, list[str | None]]  # per target and distinct text: an earlier batch's translation
    todo: list[int]  # distinct texts some target still lacks (sent to every target, as one engine batch)

    @property
    def new_texts(self) -> list[str]:
        """The texts this batch sends."""
        return [self.plan.unique[i] for i in self.todo]


def plan_batch(
    table: Any, column: str, offset: int, errors: Errors, seen: SeenTexts, targets: Sequence[str]
) -> BatchPlan:
    """Clean and dedupe one batch's texts (rows named from `offset`), and look them up in `seen`."""
    values = table.column(column).to_pylist()
    labels = range(offset, offset + len(values))
    plan = plan_texts(clean_texts(values, labels=labels, errors=errors))
    known = {target: seen.lookup(target, plan.unique) for target in targets}
    todo = [i for i in range(len(plan.unique)) if any(known[t][i] is None for t in targets)]
    return BatchPlan(plan, known, todo)


def price_texts(manager: BatchHost, texts: list[str], options: BatchOptions) -> Estimate:
    """The engine batch of `texts` (already distinct) priced chunk by chunk, as `translation_batch` would."""
    plan = plan_texts(texts)
    units = plan_units(plan, options, BatchOutcome.empty(plan, options.targets))
    return price_batch(manager, plan, options, units)


def start_priced(
    manager: BatchHost, estimate: Estimate, options: BatchOptions, finalize: Callable[[BatchOutcome], T]
) -> BatchJob[T]:
    """Start the engine batch `estimate` priced; `options` may carry a smaller budget than the estimate's."""
    return BatchJob(manager, estimate.plan, options, finalize, estimate=estimate)._start()
