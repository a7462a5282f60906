"""Protection and QA inside a batch chunk: mask each distinct text before sending, restore and check after.

`QualityOptions` rides on `BatchOptions` (what to mask, the do-not-translate terms, the glossary and max
lengths for QA). `UnitWork` is one chunk's texts: `sent` lists the segments to send; `finish()` restores
each text, retries once with strict masking (only the runs between masks are sent) the texts whose masks
the engine lost, and checks each result. A text that still fails gets no translation and
`qa_status="error"` with the reason. Loop thread only (the retry submits an engine job).
Usage: `work = UnitWork(options, "fr-fr", texts)`.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypedDict, cast

from camb_notebook.api import UsageError
from camb_notebook.quality import (
    CheckedTranslation,
    Masked,
    Protector,
    QaResult,
    RestoreError,
    check_pairs,
    has_markers,
    resolve_syntaxes,
)

__all__ = ["QualityArgs", "QualityOptions", "RowResult", "UnitWork", "quality_options"]

Translate = Callable[[list[str]], Awaitable[Sequence[str]]]


class QualityArgs(TypedDict, total=False):
    """What a user passes to any translate entry about protection and QA (`**quality`)."""

    protect: bool | str | Sequence[str]  # True: every syntax; False: none; or syntax names
    dnt: Sequence[str]  # do-not-translate terms
    dictionaries: Sequence[int | str] | int | str  # dictionary ids or names (`chosen_dictionaries`)
    max_length: object  # an int, one value per text, or (frames) a column name
    qa: bool  # run the QA checks (default True)


@dataclass(frozen=True)
class QualityOptions:
    """Per batch: the protector (None: nothing masked), whether to run QA, and what QA checks against."""

    protector: Protector | None = field(default_factory=Protector)
    qa: bool = True
    dnt: tuple[str, ...] = ()  # do-not-translate terms QA expects verbatim (masked too, unless protect=False)
    glossary: tuple[tuple[str, str], ...] = ()  # (source term, target term), checked per target (see `terms`)
    glossary_by_target: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    max_length: int | None = None  # for every text
    max_length_by_text: Mapping[str, int] = field(default_factory=dict)  # a text -> its tightest max length

    def terms(self, target: str) -> tuple[tuple[str, str], ...]:
        """The glossary pairs that apply to `target`."""
        extra = self.glossary_by_target.get(target)
        return self.glossary + tuple(extra) if extra else self.glossary


def quality_options(
    protect: bool | str | Sequence[str] = True,
    *,
    dnt: Sequence[str] = (),
    glossary: Sequence[tuple[str, str]] = (),
    glossary_by_target: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    max_length: int | Sequence[object] | None = None,
    texts: Sequence[object] = (),
    qa: bool = True,
) -> QualityOptions:
    """Build the batch's QualityOptions from user arguments (checked: one UsageError line when wrong).

    `protect`: True (every syntax), False, or syntax names; `dnt`: do-not-translate terms (masked, and QA
    flags them when missing); `max_length`: one int, or one value per text (aligned with `texts`).
    """
    syntaxes = resolve_syntaxes(protect)
    terms = tuple(str(t) for t in dnt if str(t).strip())
    if terms and protect is not False:
        syntaxes = syntaxes | {"dnt"}
    protector = Protector(syntaxes, terms) if syntaxes else None
    by_text: dict[str, int] = {}
    limit: int | None = None
    if isinstance(max_length, bool):
        raise UsageError("max_length takes an int or one value per text")
    if isinstance(max_length, int):
        limit = max_length
    elif max_length is not None:
        if isinstance(max_length, str) or len(max_length) != len(texts):
            raise UsageError("max_length takes an int or one value per text")
        for text, value in zip(texts, max_length, strict=True):
            if isinstance(text, str) and _is_int(value):
                by_text[text] = min(int(value), by_text.get(text, int(value)))  # type: ignore[call-overload]
    return QualityOptions(
        protector=protector if protector is not None else None,
        qa=qa,
        dnt=terms,
        glossary=tuple(glossary),
        glossary_by_target={k: tuple(v) for k, v in (glossary_by_target or {}).items()},
        max_length=limit,
        max_length_by_text=by_text,
    )


def _is_int(value: object) -> bool:
    """A usable length: an int (or a whole float, as pandas stores ints with NaN), not NaN or None."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value == value and value.is_integer()


@dataclass(frozen=True)
class RowResult:
    """One distinct text's outcome for a target: its translation (None if unusable), QA, error message."""

    text: str | None
    qa: QaResult | None
    error: str | None = None


@functools.lru_cache(maxsize=16_384)
def _prepare(protector: Protector, text: str, whole_icu: bool) -> Masked:
    """A text masked once for every target of a batch (a Masked is never changed after it is made)."""
    return protector.prepare(text, whole_icu=whole_icu)


class UnitWork:
    """The texts of one chunk, prepared for sending; `finish` turns the engine's answer into RowResults."""

    def __init__(
        self, options: QualityOptions, target: str, texts: Sequence[str], *, whole_icu: bool = False
    ) -> None:
        """Mask every text (a no-op for texts with nothing to protect, or without a protector)."""
        self.options = options
        self.target = target
        self.texts = list(texts)
        protector = options.protector
        # None: sent as is (no protector, or nothing to mask: no marker character and no do-not-translate
        # term), so a plain sentence costs one substring pre-filter and no allocation.
        self.masked: list[Masked | None] = [
            None
            if protector is None or (not protector.terms and not has_markers(t))
            else _prepare(protector, t, whole_icu)
            for t in self.texts
        ]
        if any(m is not None for m in self.masked):
            pairs = zip(self.texts, self.masked, strict=True)
            self.sent = [s for t, m in pairs for s in ((t,) if m is None else m.texts)]
        else:
            self.sent = list(self.texts)
        self._terms = options.terms(target)

    def _verdicts(self, sources: Sequence[str], texts: Sequence[str]) -> list[QaResult | None]:
        """The QA results of restored translations, one call for the chunk (all None when QA is off)."""
        options = self.options
        if not options.qa:
            return [None] * len(texts)
        return list(
            check_pairs(
                sources,
                texts,
                lang=self.target,
                max_length=options.max_length,
                max_lengths=options.max_length_by_text,
                glossary=self._terms,
                dnt=options.dnt,
            )
        )

    def _restore_all(self, translated: Sequence[str]) -> list[str | RestoreError]:
        """Each text restored from the engine's answer, or the RestoreError that says why it could not be."""
        out: list[str | RestoreError] = []
        position = 0
        for source, masked in zip(self.texts, self.masked, strict=True):
            if masked is None and position < len(translated):
                out.append(translated[position])
                position += 1
                continue
            masked = masked or Masked(source, (source,))  # a short answer: restore says why
            count = len(masked.texts)
            try:
                out.append(masked.restore(translated[position : position + count]))
            except RestoreError as exc:
                out.append(exc)
            position += count
        return out

    def _checked(self, restored: Sequence[str | RestoreError]) -> list[QaResult | None]:
        """Per text: the QA of its restored translation, or an error verdict with the restore's reason."""
        good = [i for i, r in enumerate(restored) if isinstance(r, str)]
        if len(good) == len(restored):
            return self._verdicts(self.texts, cast("list[str]", restored))
        verdicts: list[QaResult | None] = [
            QaResult("error", (r.reason,)) if isinstance(r, RestoreError) else None for r in restored
        ]
        checked = self._verdicts([self.texts[i] for i in good], [cast(str, restored[i]) for i in good])
        for i, verdict in zip(good, checked, strict=True):
            verdicts[i] = verdict
        return verdicts

    def restore_now(self, translated: Sequence[str]) -> CheckedTranslation:
        """A single Job's result, restored and checked, no retry (a failed text is "" with its reason)."""
        restored = self._restore_all(translated)
        texts = tuple(r if isinstance(r, str) else "" for r in restored)
        return CheckedTranslation(texts, qa=tuple(self._checked(restored)))

    async def finish(self, translated: Sequence[str], translate: Translate) -> list[RowResult]:
        """Restore and check each text; one strict retry (through `translate`) for texts that failed."""
        restored = self._restore_all(translated)
        verdicts = self._checked(restored)
        results: list[RowResult | None] = [
            RowResult(r, v) if isinstance(r, str) else None for r, v in zip(restored, verdicts, strict=True)
        ]
        failed = [(i, r.reason) for i, r in enumerate(restored) if isinstance(r, RestoreError)]
        if failed:
            await self._retry(failed, results, translate)
        return [r for r in results if r is not None]

    async def _retry(
        self, failed: list[tuple[int, str]], results: list[RowResult | None], translate: Translate
    ) -> None:
        """Send the failed texts again with strict masking; a second failure is a QA error with the reason."""
        assert self.options.protector is not None
        strict = [self.options.protector.prepare(self.texts[i], strict=True) for i, _ in failed]
        sent = [s for m in strict for s in m.texts]
        try:
            answer = list(await translate(sent)) if sent else []
        except Exception as exc:  # the retry itself failed: the first reason stands, with this error
            answer, note = [], f" (strict retry failed: {type(exc).__name__})"
        else:
            note = ""
        position = 0
        for (index, reason), masked in zip(failed, strict, strict=True):
            count = len(masked.texts)
            try:
                if len(answer) != len(sent):
                    raise RestoreError(reason)
                text = masked.restore(answer[position : position + count])
            except RestoreError:
                code = f"{reason}{note}"
                results[index] = RowResult(None, QaResult("error", (code,)), f"RestoreError: {code}")
            else:
                results[index] = RowResult(text, self._verdicts([self.texts[index]], [text])[0])
            position += count
