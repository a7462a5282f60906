"""Batch options: what every chunk of a batch shares, its units of work, and what it needs from the engine.

`BatchOptions` builds each chunk's wire request and carries the batch's budget (`max_characters`,
`max_tasks`); `plan_units` cuts the texts still to do into chunks, in the order they are sent;
`BatchHost` is the slice of JobManager a batch runs on (a Protocol, so the batch never imports the
manager). Pure data, any thread.
Usage: `BatchOptions(source="en-us", targets=("fr-fr",)).request(texts, "fr-fr")`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from camb_notebook.api import (
    AuthenticationError,
    CambError,
    JobCancelled,
    PaymentRequiredError,
    QuotaExceeded,
    UsageError,
    resolve_language,
)
from camb_notebook.jobs._batch_fetch import FetchHost
from camb_notebook.jobs._batch_plan import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_MAX_CHARS,
    BatchOutcome,
    TextPlan,
    chunk_texts,
)
from camb_notebook.jobs._batch_quality import QualityOptions
from camb_notebook.jobs._dispatch import Dispatcher
from camb_notebook.jobs._job import Job
from camb_notebook.jobs._journal import Journal
from camb_notebook.jobs._limit import InFlightLimit
from camb_notebook.jobs._loop import LoopThread
from camb_notebook.jobs._poll import PollGroup
from camb_notebook.jobs._runner import Fetch

if TYPE_CHECKING:
    from camb_notebook.jobs._registry import Registry

__all__ = ["STOPPING", "BatchHost", "BatchOptions", "Unit", "error_text", "plan_units", "resolve_targets"]

# Errors that stop the whole batch: no credits left, a rejected key (every chunk would meet it too),
# or a chunk cancelled (by the user or a session close).
STOPPING = (QuotaExceeded, PaymentRequiredError, AuthenticationError, JobCancelled)


@dataclass(frozen=True)
class BatchOptions:
    """What every chunk shares: source (wire value), target locales, bounds, concurrency, request extras.

    `max_characters` / `max_tasks` cap what the batch creates (billable characters sent, tasks created);
    None: no cap. Every batch entry passes them through here, so they hold for all of them alike.
    """

    source: int | str
    targets: tuple[str, ...]
    chunk_size: int = DEFAULT_CHUNK_SIZE
    max_chars: int = DEFAULT_MAX_CHARS
    concurrency: int | None = None
    formality: int | None = None
    gender: int | None = None
    cache: bool = True
    max_characters: int | None = None
    max_tasks: int | None = None
    quality: QualityOptions = field(default_factory=QualityOptions)  # masking and QA (see _batch_quality)
    dictionaries: tuple[int, ...] = ()  # the API's `chosen_dictionaries`
    resend_ambiguous: bool = False  # create chunks even when an earlier create of theirs may have a task

    def request(self, texts: Sequence[str], target: str) -> dict[str, Any]:
        """The wire request of one chunk (optional fields omitted, as the SDK does)."""
        request: dict[str, Any] = {
            "texts": list(texts),
            "source_language": self.source,
            "target_language": resolve_language(target).wire_value,
        }
        if self.formality is not None:
            request["formality"] = self.formality
        if self.gender is not None:
            request["gender"] = self.gender
        if self.dictionaries:
            request["chosen_dictionaries"] = list(self.dictionaries)
        return request


@dataclass(frozen=True)
class Unit:
    """One engine job of the batch: a target and the distinct-text indices of its chunk."""

    target: str
    indices: Sequence[int]  # a range for a run of consecutive texts (a first run: 8 bytes, not one int each)


def plan_units(plan: TextPlan, options: BatchOptions, outcome: BatchOutcome) -> list[Unit]:
    """The chunks still to translate, chunk-major so the first rows finish for every target first."""
    per_target: list[list[Unit]] = []
    for target in options.targets:
        todo = outcome.translations[target].missing()
        ranges = chunk_texts(
            [plan.unique[i] for i in todo], chunk_size=options.chunk_size, max_chars=options.max_chars
        )
        per_target.append([Unit(target, _indices(todo, span)) for span in ranges])
    return [unit for row in itertools.zip_longest(*per_target) for unit in row if unit is not None]


def _indices(todo: Sequence[int], span: range) -> Sequence[int]:
    """`todo[span]` as a range when those indices are consecutive, else as a tuple."""
    first, last = todo[span.start], todo[span.stop - 1]
    if last - first == len(span) - 1:
        return range(first, last + 1)
    return tuple(todo[i] for i in span)


def error_text(exc: BaseException) -> str:
    """A short one-line message for a row's `camb_error` (class name and what happened, no hint)."""
    text = exc.text if isinstance(exc, CambError) else str(exc)
    return f"{type(exc).__name__}: {text}"


def resolve_targets(to: str | Sequence[str]) -> tuple[str, ...]:
    """Resolve one or more targets to distinct locale tags, in the order given."""
    values = [to] if isinstance(to, str) else list(to)
    if not values:
        raise UsageError("to= needs at least one target language")
    return tuple(dict.fromkeys(resolve_language(value).locale for value in values))


class BatchHost(FetchHost, Protocol):
    """What a batch needs from the engine (JobManager has it): submit chunks, the loop, the dispatcher."""

    @property
    def dispatcher(self) -> Dispatcher:
        """Main-thread callbacks of the batch handle."""

    @property
    def loop(self) -> LoopThread:
        """Where the batch driver runs."""

    @property
    def limit(self) -> InFlightLimit:
        """The engine's in-flight window (a batch keeps twice it queued when it sets no concurrency)."""

    @property
    def registry(self) -> Registry:
        """Where the batch is listed as one job (`Registry.batches`)."""

    @property
    def journal(self) -> Journal:
        """The result cache and the measured durations an estimate reads (loop thread only)."""

    @property
    def max_characters(self) -> int | None:
        """The session's default `max_characters` for batches that set none (None: no cap)."""

    def submit(
        self,
        family: str,
        request: Any,
        *,
        cache: bool = True,
        fetch: Fetch | None = None,
        group: PollGroup | None = None,
        task_id: str | None = None,
    ) -> Job:
        """Start one chunk as an engine Job (polling `task_id` instead of creating, when given)."""
