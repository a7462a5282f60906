"""The engine's one batch entry point: `translation_batch` checks a batch, then starts it or only prices it.

Every batch entry (`Camb.translate(list)`, `df.camb.translate`, the magics, the panel, catalogs, datasets,
subtitles) calls this with the user's options, so dedupe, chunking, the cache, `dry_run=True` (an Estimate,
nothing sent) and the budgets (`max_characters`, `max_tasks`; the session's `max_characters` by default) hold
for all of them alike. Bad input raises one UsageError line before anything is sent. Not on the loop thread.
Usage: `translation_batch(manager, texts, to=["fr-fr"], max_characters=50_000)`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypedDict, TypeVar, overload

from camb_notebook.api import UsageError, formality_code, gender_code, resolve_language
from camb_notebook.jobs._batch import BatchJob
from camb_notebook.jobs._batch_options import BatchHost, BatchOptions, plan_units, resolve_targets
from camb_notebook.jobs._batch_plan import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_MAX_CHARS,
    BatchOutcome,
    Errors,
    TextPlan,
    chunk_texts,
    plan_values,
)
from camb_notebook.jobs._batch_quality import QualityOptions
from camb_notebook.jobs._budget import BudgetGate, check_budget
from camb_notebook.jobs._estimate import Estimate, price_batch

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["BatchArgs", "translation_batch"]

T = TypeVar("T")


class BatchArgs(TypedDict, total=False):
    """The batch options an entry passes through to `translation_batch` as the user gave them (`**batch`)."""

    chunk_size: int | None
    max_chars: int | None
    concurrency: int | None
    errors: Errors
    max_characters: int | None
    max_tasks: int | None
    resend_ambiguous: bool


class _EntryArgs(BatchArgs, total=False):
    """The rest of `translation_batch`'s options: one list for its overloads, which differ only in dry_run."""

    source: str
    labels: Sequence[Hashable] | None
    formality: str | int | None
    gender: str | int | None
    cache: bool
    finalize: Callable[[BatchOutcome], Any] | None
    quality: QualityOptions | None
    dictionaries: Sequence[int]


@overload
def translation_batch(
    manager: BatchHost,
    texts: Sequence[object],
    *,
    to: str | Sequence[str],
    dry_run: Literal[False] = ...,
    **options: Unpack[_EntryArgs],
) -> BatchJob[Any]: ...


@overload
def translation_batch(
    manager: BatchHost,
    texts: Sequence[object],
    *,
    to: str | Sequence[str],
    dry_run: Literal[True],
    **options: Unpack[_EntryArgs],
) -> Estimate: ...


@overload
def translation_batch(
    manager: BatchHost,
    texts: Sequence[object],
    *,
    to: str | Sequence[str],
    dry_run: bool,
    **options: Unpack[_EntryArgs],
) -> BatchJob[Any] | Estimate: ...


def translation_batch(
    manager: BatchHost,
    texts: Sequence[object],
    *,
    to: str | Sequence[str],
    source: str = "en-us",
    labels: Sequence[Hashable] | None = None,
    chunk_size: int | None = None,
    max_chars: int | None = None,
    concurrency: int | None = None,
    formality: str | int | None = None,
    gender: str | int | None = None,
    cache: bool = True,
    errors: Errors = "raise",
    finalize: Callable[[BatchOutcome], T] | None = None,
    dry_run: bool = False,
    max_characters: int | None = None,
    max_tasks: int | None = None,
    quality: QualityOptions | None = None,
    dictionaries: Sequence[int] = (),
    resend_ambiguous: bool = False,
) -> BatchJob[Any] | Estimate:
    """Start translating `texts` into every target and return the BatchJob at once.

    Without `finalize` the result is `{target: [translation or None per input]}`. `dry_run=True` returns an
    Estimate instead and sends nothing (`.run()` starts the batch). `max_characters` / `max_tasks` stop
    creating before the first chunk that would pass them; its rows and the rest are `not_sent`.
    `quality` says what to mask and check (default: every syntax, QA on; see `quality_options`);
    `dictionaries` are sent as `chosen_dictionaries`. A chunk whose earlier create (any run's, in the
    journal) may have made a task is not sent again unless `resend_ambiguous=True` (its rows fail saying so).
    """
    if concurrency is not None and concurrency < 1:
        raise UsageError(f"concurrency must be at least 1, not {concurrency}")
    check_budget(max_characters, max_tasks)
    if max_characters is None:
        max_characters = getattr(manager, "max_characters", None)  # the session's default budget
    options = BatchOptions(
        source=resolve_language(source, allow_auto=True).wire_value,
        targets=resolve_targets(to),
        chunk_size=DEFAULT_CHUNK_SIZE if chunk_size is None else chunk_size,
        max_chars=DEFAULT_MAX_CHARS if max_chars is None else max_chars,
        concurrency=concurrency,
        formality=formality_code(formality),
        gender=gender_code(gender),
        cache=cache,
        max_characters=max_characters,
        max_tasks=max_tasks,
        quality=quality or QualityOptions(),
        dictionaries=tuple(dictionaries),
        resend_ambiguous=resend_ambiguous,
    )
    chunk_texts([], chunk_size=options.chunk_size, max_chars=options.max_chars)  # validates the bounds
    plan = plan_values(texts, labels=labels, errors=errors)
    done = finalize or _by_target
    estimate = _priced(manager, plan, options)

    def start() -> BatchJob[Any]:
        again = _priced(manager, plan, options)  # what finished since the estimate is free now
        return BatchJob(manager, plan, options, done, estimate=again)._start()

    if dry_run:
        estimate.start = start
        return estimate
    return BatchJob(manager, plan, options, done, estimate=estimate)._start()


def _priced(manager: BatchHost, plan: TextPlan, options: BatchOptions) -> Estimate:
    """Price the batch's chunks; a budget that cannot fit even the first chunk to send is bad input."""
    units = plan_units(plan, options, BatchOutcome.empty(plan, options.targets))
    estimate = price_batch(manager, plan, options, units)
    first = next((c for c in estimate.costs if not c.free), None)
    gate = BudgetGate(options.max_characters, options.max_tasks)
    if first is not None and not gate.fits(first.characters):
        what = "text" if len(first.unit.indices) == 1 else f"chunk ({len(first.unit.indices)} texts)"
        raise UsageError(
            f"max_characters={options.max_characters:,} is smaller than the first {what} to send"
            f" ({first.characters:,} characters), so nothing could be sent",
            hint="Raise max_characters, or pass a smaller chunk_size so chunks fit the budget",
        )
    return estimate


def _by_target(outcome: BatchOutcome) -> dict[str, list[str | None]]:
    """The default batch result: per target, one translation (or None) per input position."""
    return {target: outcome.rows(target)[0] for target in outcome.targets}
