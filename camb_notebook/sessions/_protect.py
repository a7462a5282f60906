"""Protection on the session's own translate paths: one-target Jobs, streams and batches.

A mixin of `Camb`. `_quality_kwargs` turns the user's `protect`/`dnt`/`dictionaries`/`max_length`/`qa` into
`translation_batch` arguments; `_protect_request` masks a one-target request and returns how to finish the
Job's result (a `CheckedTranslation`: restored texts and a QaResult each; no strict retry on this path, a
lost mask makes that text "" with the reason) or the stream's text. Main thread.
Usage (inside Camb.translate): `request, finish = self._protect_request(request, **quality)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from camb_notebook.api import TranslationResult, UsageError, resolve_language
from camb_notebook.jobs import QualityOptions, quality_options
from camb_notebook.jobs._batch_quality import UnitWork

if TYPE_CHECKING:
    from camb_notebook.jobs import Job
    from camb_notebook.sessions._streams import TranslationStream

__all__ = ["QUALITY_ARGS", "ProtectionMixin", "finish_job", "finish_stream"]

# The keyword arguments `Camb.translate` forwards here.
QUALITY_ARGS = frozenset({"protect", "dnt", "dictionaries", "max_length", "qa"})


class _Host(Protocol):
    """What the mixin needs from the session."""

    def dictionary_glossary(
        self, dictionaries: Sequence[int | str], source: Any
    ) -> tuple[tuple[int, ...], dict[str, tuple[tuple[str, str], ...]]]: ...


def _options(host: _Host, texts: Sequence[object], source: Any, quality: dict[str, Any]) -> dict[str, Any]:
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

    def _quality_kwargs(self: _Host, texts: Sequence[object], source: Any, **quality: Any) -> dict[str, Any]:
        """`translation_batch` keyword arguments (`quality`, `dictionaries`)."""
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


def finish_stream(stream: TranslationStream, finish: Callable[[Any], Any]) -> TranslationStream:
    """Give a one-text stream its restore step (the streamed text is masked; `value()` is not)."""
    stream.restore = lambda text: str(finish(TranslationResult((text,))).texts[0])
    return stream


def finish_job(job: Job, finish: Callable[[Any], Any]) -> Job:
    """Give a one-target Job its restored, checked result view."""
    job.finish_result = finish
    return job
