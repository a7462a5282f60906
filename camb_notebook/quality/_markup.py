"""Token-level QA: placeholder, markup, entity, escape, URL and e-mail parity, and tag well-formedness.

Used by `check` for pairs where either side has a marker character. A source's tokens are found once and
shared by every target it is checked against. Pure, any thread.
Usage: `issues, later, want, have = token_issues("Hi {name}", "Salut {nom}")`.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

from camb_notebook.quality._icu import text_runs
from camb_notebook.quality._syntax import Token, find_tokens

__all__ = ["parity", "source_tokens", "token_issues"]

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


def _tokens(text: str) -> list[Token]:
    """Protected spans of a message outside its ICU structure (branches included)."""
    if "{" in text and ("plural" in text or "select" in text):
        return [t for run in text_runs(text) for t in find_tokens(run)]
    return find_tokens(text)


@functools.lru_cache(maxsize=8192)
def source_tokens(source: str) -> tuple[Token, ...]:
    """A source's tokens, found once for all the targets it is checked against (Tokens are immutable)."""
    return tuple(_tokens(source))


def parity(check: str, want: Counter[str], have: Counter[str]) -> list[str]:
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


def token_issues(source: str, target: str) -> tuple[list[str], list[str], Sequence[Token], Sequence[Token]]:
    """Placeholder and markup parity and well-formedness; then (second list) escape, URL, e-mail parity."""
    want = source_tokens(source)
    have = _tokens(target)
    issues: list[str] = []
    later: list[str] = []
    if sorted((t.kind, t.text) for t in want) != sorted((t.kind, t.text) for t in have):
        for kind in ("placeholder", "tag", "entity"):
            issues += parity(kind, _multiset(want, kind), _multiset(have, kind))
        for kind in ("escape", "url", "email"):
            later += parity(kind, _multiset(want, kind), _multiset(have, kind))
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
