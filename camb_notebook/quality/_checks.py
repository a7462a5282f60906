"""QA checks of one translation against its source, in order of severity, as codes with the offending token.

Order: placeholder/format parity, markup parity and well-formedness, ICU (parses, same blocks, the target's
CLDR plural categories), newline/escape parity, URL/e-mail/number parity, max length, empty/unchanged,
glossary and do-not-translate terms, then cosmetics. `qa_status` is `error` if any issue is an error,
`warning` if only warnings, else `ok`. Pure, any thread; plain sentences take a fast path.
Usage: `check("Hi {name}", "Salut {nom}", lang="fr-fr")` → `QaResult("error", ("placeholder_missing:{name}",
"placeholder_extra:{nom}"))`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from camb_notebook.quality._icu import icu_issues
from camb_notebook.quality._markup import parity, token_issues
from camb_notebook.quality._syntax import Token, has_markers

__all__ = ["CHECKS", "QaResult", "check", "check_pairs", "severity"]

# Check name (the code's prefix before `_`/`:`) and whether its issues are errors; in the order they run.
CHECKS: tuple[tuple[str, bool], ...] = (
    ("mask", True),  # a restore that failed: the engine lost or duplicated a mask
    ("placeholder", True),
    ("tag", True),
    ("entity", True),
    ("icu", True),
    ("escape", True),
    ("newline", False),
    ("url", True),
    ("email", True),
    ("number", False),
    ("too_long", True),
    ("empty", True),
    ("unchanged", False),
    ("glossary", False),
    ("dnt", True),
    ("whitespace", False),
    ("end_punctuation", False),
    ("double_space", False),
)
_WARNING_CODES = ("icu_plural_forms", "icu_plural_unused")
_ERRORS = {name for name, error in CHECKS if error}
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]{2}")  # a word left to translate (two letters)
# `\d\d*` rather than `\d+`: the same matches, but a leading single class lets `re` skip ahead to a digit.
_NUMBER = re.compile(r"\d\d*(?:[.,\u00a0\u202f' ]\d+)*")
_END = {".": ".。．", "!": "!！", "?": "?？؟", ":": ":：", ";": ";；؛", "…": "…"}


@dataclass(frozen=True)
class QaResult:
    """The verdict on one translation: `status` (ok/warning/error) and the issue codes in check order."""

    status: str
    issues: tuple[str, ...] = ()

    @classmethod
    def of(cls, issues: Sequence[str]) -> QaResult:
        """The result for these issues (status from their severities); equal verdicts share one object."""
        return _verdict(tuple(issues)) if issues else OK


@functools.lru_cache(maxsize=4096)
def _verdict(issues: tuple[str, ...]) -> QaResult:
    """One shared QaResult per distinct issue list (10k rows with the same warning hold one object)."""
    return QaResult("error" if any(severity(i) == "error" for i in issues) else "warning", issues)


OK = QaResult("ok")


def severity(code: str) -> str:
    """`error` or `warning` for an issue code."""
    if code.startswith(_WARNING_CODES):
        return "warning"
    name = code.split(":", 1)[0]
    for check in (name, name.rsplit("_", 1)[0]):
        if check in _ERRORS:
            return "error"
    return "warning"


def _numbers(text: str, tokens: Sequence[Token]) -> list[str]:
    """Numbers outside tokens, as written (the fast comparison; `_normal` when they differ)."""
    for token in tokens:
        text = text.replace(token.text, " ")
    return _NUMBER.findall(text)


def _normal(numbers: list[str]) -> Counter[str]:
    """Numbers with digits normalised (Arabic-Indic, full-width) and separators dropped."""
    return Counter("".join(str(unicodedata.digit(c)) for c in n if c.isdigit()) for n in numbers)


Facts = tuple[bool, list[str], int, bool, bool, str]


@functools.lru_cache(maxsize=8192)
def _source_facts(source: str) -> Facts:
    """Per source text (checked once per target): has markers; numbers (if none); newlines; leading and
    trailing whitespace; final punctuation."""
    markers = has_markers(source)
    end = source.rstrip()[-1:]
    return (
        markers,
        [] if markers else _NUMBER.findall(source),
        source.count("\n"),
        source[:1].isspace(),
        source[-1:].isspace(),
        end if end in _END else "",
    )


def _cosmetic(source: str, target: str, facts: Facts) -> list[str]:
    """Leading/trailing whitespace, end punctuation, doubled spaces."""
    issues: list[str] = []
    if facts[3] != target[:1].isspace():
        issues.append("whitespace_leading")
    if facts[4] != target[-1:].isspace():
        issues.append("whitespace_trailing")
    end = facts[5]
    if end and target.rstrip()[-1:] not in _END[end]:
        issues.append(f"end_punctuation:{end}")
    if "  " in target and "  " not in source:
        issues.append("double_space")
    return issues


def check(
    source: str,
    target: str | None,
    *,
    lang: str | None = None,
    max_length: int | None = None,
    glossary: Sequence[tuple[str, str]] = (),
    dnt: Sequence[str] = (),
) -> QaResult:
    """Check `target` (a translation of `source` into `lang`); None/empty target is the `empty` error."""
    return check_pairs((source,), (target,), lang=lang, max_length=max_length, glossary=glossary, dnt=dnt)[0]


def check_pairs(
    sources: Sequence[str],
    targets: Sequence[str | None],
    *,
    lang: str | None = None,
    max_length: int | None = None,
    max_lengths: Mapping[str, int] | None = None,
    glossary: Sequence[tuple[str, str]] = (),
    dnt: Sequence[str] = (),
) -> list[QaResult]:
    """`check` of each (source, target) pair with the same options, in one call (a batch chunk's rows).

    `max_lengths`: a source text -> its max length, overriding `max_length`. Plain pairs (no marker character
    on either side) are checked inline; the others by `_full`.
    """
    results: list[QaResult] = []
    append = results.append
    facts_of, find_numbers, verdict = _source_facts, _NUMBER.findall, _verdict
    for source, target in zip(sources, targets, strict=True):
        limit = max_lengths.get(source, max_length) if max_lengths else max_length
        if not target or target.isspace():
            append(QaResult("error", ("empty",)) if source.strip() else OK)
            continue
        facts = facts_of(source)
        markers, numbers, newlines, leading, trailing, end = facts
        if markers or has_markers(target):
            append(_full(source, target, facts, lang, limit, glossary, dnt))
            continue
        # A plain pair (no token can exist on either side): `_full`'s other checks in the same order,
        # inlined here because most rows of a batch are plain sentences.
        issues: list[str] = []
        if newlines != target.count("\n"):
            issues.append(f"newline_count:{newlines}>{target.count(chr(10))}")
        translated = find_numbers(target)
        if numbers != translated:
            issues += parity("number", _normal(numbers), _normal(translated))
        if limit is not None and len(target) > limit:
            issues.append(f"too_long:{len(target)}>{limit}")
        if target == source and _WORD.search(source):
            issues.append("unchanged")
        if glossary:
            issues += _glossary(source, target, glossary)
        if dnt:
            issues += [f"dnt_missing:{term}" for term in dnt if term in source and term not in target]
        last = target[-1]  # `target` is not empty nor only whitespace: no slices, no stripped copy
        if leading != target[0].isspace():
            issues.append("whitespace_leading")
        if trailing != last.isspace():
            issues.append("whitespace_trailing")
        if end and (last if not last.isspace() else target.rstrip()[-1]) not in _END[end]:
            issues.append(f"end_punctuation:{end}")
        if "  " in target and "  " not in source:
            issues.append("double_space")
        append(verdict(tuple(issues)) if issues else OK)
    return results


def _glossary(source: str, target: str, glossary: Sequence[tuple[str, str]]) -> list[str]:
    """`glossary:<term>→<translation>` for each term of the source whose translation the target lacks."""
    folded, source_folded = target.casefold(), source.casefold()
    return [
        f"glossary:{term}→{translation}"
        for term, translation in glossary
        if term.casefold() in source_folded and translation.casefold() not in folded
    ]


def _full(
    source: str,
    target: str,
    facts: Facts,
    lang: str | None,
    max_length: int | None,
    glossary: Sequence[tuple[str, str]],
    dnt: Sequence[str],
) -> QaResult:
    """`check` for a pair with a marker character on either side: the token checks first, then the rest."""
    issues: list[str] = []
    newlines = facts[2]
    found, later, want, have = token_issues(source, target)
    issues += found
    issues += icu_issues(source, target, lang)
    issues += [code for code in later if code.startswith("escape")]
    if newlines != target.count("\n"):
        issues.append(f"newline_count:{newlines}>{target.count(chr(10))}")
    issues += [code for code in later if not code.startswith("escape")]
    numbers = _numbers(source, want)
    translated = _numbers(target, have) if numbers or _DIGIT.search(target) else numbers
    if numbers != translated:
        issues += parity("number", _normal(numbers), _normal(translated))
    if max_length is not None and len(target) > max_length:
        issues.append(f"too_long:{len(target)}>{max_length}")
    if target == source and _WORD.search(_strip(source, want)):
        issues.append("unchanged")
    if glossary:
        issues += _glossary(source, target, glossary)
    if dnt:
        issues += [f"dnt_missing:{term}" for term in dnt if term in source and term not in target]
    issues += _cosmetic(source, target, facts)
    return QaResult.of(issues) if issues else OK


def _strip(text: str, tokens: Sequence[Token]) -> str:
    """`text` without its tokens (what is left to translate)."""
    for token in tokens:
        text = text.replace(token.text, " ")
    return text
