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
from collections.abc import Sequence
from dataclasses import dataclass

from camb_notebook.quality._icu import icu_issues, text_runs
from camb_notebook.quality._syntax import Token, find_tokens, has_markers

__all__ = ["CHECKS", "QaResult", "check", "severity"]

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
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "x",
    ]
)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([A-Za-z][\w:.\-]*)")
_EMPTY_PAIR = re.compile(r"(<([A-Za-z][\w:.\-]*)(?:\s[^<>]*)?>)\s*</\2\s*>")  # deepl-node#30: a tag emptied
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f' ]\d+)*")
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


def _tokens(text: str) -> list[Token]:
    """Protected spans of a message outside its ICU structure (branches included)."""
    if "{" in text and ("plural" in text or "select" in text):
        return [t for run in text_runs(text) for t in find_tokens(run)]
    return find_tokens(text)


def _parity(check: str, want: Counter[str], have: Counter[str]) -> list[str]:
    """`<check>_missing:<tok>` / `<check>_extra:<tok>` for the multiset difference."""
    missing = [f"{check}_missing:{tok}" for tok in (want - have).elements()]
    return missing + [f"{check}_extra:{tok}" for tok in (have - want).elements()]


def _unbalanced(tags: Sequence[str]) -> str | None:
    """The first tag that breaks nesting (void and self-closing tags aside), or None if well-formed."""
    stack: list[str] = []
    for tag in tags:
        found = _TAG_NAME.match(tag)
        if found is None or tag.startswith("<!--") or tag.rstrip().endswith("/>"):
            continue
        closing, name = found.group(1) == "/", found.group(2).lower()
        if name in _VOID:
            continue
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return tag
    return f"<{stack[-1]}>" if stack else None


def _token_issues(source: str, target: str) -> tuple[list[str], list[str], list[Token], list[Token]]:
    """Placeholder and markup parity and well-formedness; then (second list) escape, URL, e-mail parity."""
    want = _tokens(source)
    have = _tokens(target)
    issues: list[str] = []
    later: list[str] = []
    if sorted((t.kind, t.text) for t in want) != sorted((t.kind, t.text) for t in have):
        for kind in ("placeholder", "tag", "entity"):
            issues += _parity(kind, _multiset(want, kind), _multiset(have, kind))
        for kind in ("escape", "url", "email"):
            later += _parity(kind, _multiset(want, kind), _multiset(have, kind))
    source_tags = [t.text for t in want if t.kind == "tag"]
    target_tags = [t.text for t in have if t.kind == "tag"]
    if target_tags and _unbalanced(source_tags) is None and (bad := _unbalanced(target_tags)) is not None:
        issues.append(f"tag_unbalanced:{bad}")
    if target_tags:
        emptied = Counter(m.group(1) for m in _EMPTY_PAIR.finditer(target))
        emptied -= Counter(m.group(1) for m in _EMPTY_PAIR.finditer(source))
        issues += [f"tag_emptied:{tag}" for tag in emptied.elements()]
    return issues, later, want, have


def _multiset(tokens: Sequence[Token], kind: str) -> Counter[str]:
    """The texts of `tokens` of one kind."""
    return Counter(t.text for t in tokens if t.kind == kind)


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
    if target is None or not target.strip():
        return QaResult("error", ("empty",)) if source.strip() else OK
    issues: list[str] = []
    facts = _source_facts(source)
    source_markers, source_numbers, newlines = facts[0], facts[1], facts[2]
    plain = not source_markers and not has_markers(target)
    want: list[Token] = []
    have: list[Token] = []
    if not plain:
        found, later, want, have = _token_issues(source, target)
        issues += found
        issues += icu_issues(source, target, lang)
        issues += [code for code in later if code.startswith("escape")]
    if newlines != target.count("\n"):
        issues.append(f"newline_count:{newlines}>{target.count(chr(10))}")
    if not plain:
        issues += [code for code in later if not code.startswith("escape")]
    numbers = source_numbers if plain else _numbers(source, want)
    translated = _numbers(target, have) if numbers or _DIGIT.search(target) else numbers
    if numbers != translated:
        issues += _parity("number", _normal(numbers), _normal(translated))
    if max_length is not None and len(target) > max_length:
        issues.append(f"too_long:{len(target)}>{max_length}")
    if target == source and re.search(r"[^\W\d_]{2}", _strip(source, want)):
        issues.append("unchanged")
    if glossary:
        folded, source_folded = target.casefold(), source.casefold()
        for term, translation in glossary:
            if term.casefold() in source_folded and translation.casefold() not in folded:
                issues.append(f"glossary:{term}→{translation}")
    if dnt:
        issues += [f"dnt_missing:{term}" for term in dnt if term in source and term not in target]
    issues += _cosmetic(source, target, facts)
    return QaResult.of(issues) if issues else OK


def _strip(text: str, tokens: Sequence[Token]) -> str:
    """`text` without its tokens (what is left to translate)."""
    for token in tokens:
        text = text.replace(token.text, " ")
    return text
