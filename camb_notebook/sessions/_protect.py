"""Protection on the session's own translate paths: one-target Jobs, streams and batches.

A mixin of `Camb`. `quality_arguments` turns the user's `protect`/`dnt`/`dictionaries`/`max_length`/`qa`
(`jobs.QualityArgs`) into `translation_batch` arguments; `_protect_request` masks a one-target request and
returns how to finish the Job's result (a `CheckedTranslation`: restored texts and a QaResult each; no strict
retry on this path: a lost mask makes that text "" with the reason) or the stream's text. Main thread.
Usage (inside Camb.translate): `quality, rest = take_quality(batch)`, then `self._protect_request(...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

from camb_notebook.api import ApiClient, TranslationResult, UsageError, resolve_language
from camb_notebook.jobs import BatchArgs, QualityArgs, QualityOptions, quality_options
from camb_notebook.jobs._batch_quality import UnitWork
from camb_notebook.sessions._streams import TranslationStream, translation_stream

if TYPE_CHECKING:
    from camb_notebook.jobs import Job, JobManager

__all__ = ["QUALITY_ARGS", "ProtectionMixin", "TranslateArgs", "finish_job", "take_quality"]

# The keyword arguments of `Camb.translate` that belong to protection and QA.
QUALITY_ARGS = frozenset(QualityArgs.__annotations__)


class TranslateArgs(BatchArgs, QualityArgs, total=False):
    """`Camb.translate`'s batch options and protection/QA options (`**batch`)."""


def take_quality(batch: TranslateArgs) -> tuple[dict[str, Any], BatchArgs]:
    """Split `Camb.translate`'s `**batch` into the protection/QA options and the batch options (in place)."""
    found = {name: batch.pop(name) for name in list(batch) if name in QUALITY_ARGS}  # type: ignore[misc]
    return found, cast("BatchArgs", batch)


class _Host(Protocol):
    """What the mixin needs from the session."""

    @property
    def api(self) -> ApiClient: ...

    @property
    def manager(self) -> JobManager: ...

    def _submit(self, family: str, request: dict[str, Any], cache: bool) -> Job: ...

    def dictionary_glossary(
        self, dictionaries: Sequence[int | str], source: Any
    ) -> tuple[tuple[int, ...], dict[str, tuple[tuple[str, str], ...]]]: ...


def _options(host: _Host, texts: Sequence[object], source: Any, quality: Mapping[str, Any]) -> dict[str, Any]:
    """`quality` and `dictionaries` for the engine, from the user's keyword arguments (checked)."""
    unknown = sorted(set(quality) - QUALITY_ARGS)
    if unknown:
        raise UsageError(f"translate() got an unexpected argument {unknown[0]!r}")
    chosen = quality.get("dictionaries") or ()
    if isinstance(chosen, (str, int)):
        chosen = [chosen]
    ids, by_target = host.dictionary_glossary(list(chosen), source) if chosen else ((), {})
    options = quality_options(
        quality.get("protect", True),
        dnt=quality.get("dnt") or (),
        glossary_by_target=by_target,
        max_length=quality.get("max_length"),
        texts=texts,
        qa=quality.get("qa", True),
    )
    return {"quality": options, "dictionaries": ids}


class ProtectionMixin:
    """Masking, restoring and QA for `Camb.translate`'s one-target and stream paths, options for batches."""

    def quality_arguments(
        self: _Host, texts: Sequence[object], source: Any, quality: Mapping[str, Any]
    ) -> dict[str, Any]:
        """`translation_batch` keyword arguments (`quality`, `dictionaries`) for the user's QualityArgs."""
        return _options(self, texts, source, quality)

    def _protect_request(
        self: _Host, request: dict[str, Any], *, stream: bool = False, **quality: Any
    ) -> tuple[dict[str, Any], Callable[[Any], Any]]:
        """The request with masked texts (and chosen dictionaries), and how to finish its result."""
        built = _options(self, request["texts"], request["source_language"], quality)
        options: QualityOptions = built["quality"]
        target = resolve_language(request["target_language"]).locale
        work = UnitWork(options, target, request["texts"], whole_icu=stream)
        masked = dict(request, texts=work.sent or request["texts"])  # nothing to translate: result unused
        if built["dictionaries"]:
            masked["chosen_dictionaries"] = list(built["dictionaries"])
        done: list[Any] = []

        def finish(result: Any) -> Any:
            if not done:
                texts = result.texts if work.sent else ()
                done.append(work.restore_now(texts))
            return done[0]

        return masked, finish

    def _protected_stream(
        self: _Host, request: dict[str, Any], finish: Callable[[Any], Any], cache: bool
    ) -> TranslationStream:
        """Stream the masked text; `value()` restores it (the fallback Job's result is restored too)."""
        live = translation_stream(
            self.api,
            self.manager,
            request,
            lambda: finish_job(self._submit("translation", request, cache), finish),
        )
        live.restore = lambda text: str(finish(TranslationResult((text,))).texts[0])
        return live


def finish_job(job: Job, finish: Callable[[Any], Any]) -> Job:
    """Give a one-target Job its restored, checked result view."""
    job.finish_result = finish
    return job
