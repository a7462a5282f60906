"""ICU MessageFormat: split plural/select blocks into structure and translatable branch texts, and check them.

The structure (`{n, plural, offset:1 one {` … `}}`) is never sent to an engine; the branch texts are. Plural
categories come from CLDR through Babel (`Locale.plural_form` / `ordinal_form`). Pure functions, any thread.
Usage: `split_block("{n, plural, one {# item} other {# items}}")` → literal, body, literal, body, literal.
Hand-written: Babel has no MessageFormat parser, and the only Python ones (pyicu) need the ICU C library.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from camb_notebook.quality._syntax import _ICU_START, _closing, find_icu_blocks

__all__ = ["IcuBlock", "icu_issues", "parse_blocks", "plural_categories", "split_block", "text_runs"]

_CLDR_KEYWORDS = frozenset({"zero", "one", "two", "few", "many", "other"})
_SELECTOR = re.compile(r"\s*(=\d+|[^\s{}]+)\s*\{")
_OFFSET = re.compile(r"\s*offset\s*:\s*\d+")


def split_block(block: str) -> list[str] | None:
    """`[literal, body, …, literal]` of one ICU block (bodies at odd indices), None if it is broken."""
    split = _split(block)
    return None if split is None else split[0]


def _split(block: str) -> tuple[list[str], list[str]] | None:
    """The block's parts (as `split_block`) and its selectors, or None when it does not parse."""
    head = _ICU_START.match(block)
    if head is None:
        return None
    position = head.end()
    offset = _OFFSET.match(block, position)
    if offset is not None:
        position = offset.end()
    parts: list[str] = []
    selectors: list[str] = []
    literal_start = 0
    while True:
        selector = _SELECTOR.match(block, position)
        if selector is None:
            break
        selectors.append(selector.group(1))
        open_at = selector.end() - 1
        close_at = _closing(block, open_at)
        if close_at < 0:
            return None
        parts.append(block[literal_start : open_at + 1])
        parts.append(block[open_at + 1 : close_at - 1])
        literal_start = close_at - 1
        position = close_at
    if not parts or block[position:].strip() != "}":
        return None
    parts.append(block[literal_start:])
    return parts, selectors


@dataclass(frozen=True)
class IcuBlock:
    """One parsed block: argument, type, its selectors, and the blocks nested in its branches."""

    argument: str
    kind: str
    selectors: tuple[str, ...]
    nested: tuple[IcuBlock, ...]

    @property
    def signature(self) -> str:
        """`{n, plural}`: how an issue names the block."""
        return f"{{{self.argument}, {self.kind}}}"


def parse_blocks(text: str) -> tuple[list[IcuBlock], list[str]]:
    """The ICU blocks of a message (recursively) and the signatures of blocks that do not parse."""
    blocks: list[IcuBlock] = []
    broken: list[str] = []
    spans = find_icu_blocks(text)
    for match in _ICU_START.finditer(text):  # a block that never closes is broken, not absent
        if not any(s <= match.start() < e for s, e in spans) and _closing(text, match.start()) < 0:
            broken.append(f"{{{match.group(1)}, {match.group(2)}}}")
    for start, end in spans:
        block = text[start:end]
        head = _ICU_START.match(block)
        assert head is not None
        split = _split(block)
        if split is None:
            broken.append(f"{{{head.group(1)}, {head.group(2)}}}")
            continue
        parts, selectors = split
        nested: list[IcuBlock] = []
        for body in parts[1::2]:
            inner, inner_broken = parse_blocks(body)
            nested.extend(inner)
            broken.extend(inner_broken)
        blocks.append(IcuBlock(head.group(1), head.group(2), tuple(selectors), tuple(nested)))
    return blocks, broken


def text_runs(text: str) -> list[str]:
    """The translatable text of a message: outside its ICU blocks and inside their branches (recursively)."""
    spans = find_icu_blocks(text)
    if not spans:
        return [text]
    runs: list[str] = []
    position = 0
    for start, end in spans:
        runs.append(text[position:start])
        parts = split_block(text[start:end])
        if parts is None:
            runs.append(text[start:end])
        else:
            for body in parts[1::2]:
                runs.extend(text_runs(body))
        position = end
    runs.append(text[position:])
    return runs


@functools.lru_cache(maxsize=256)
def plural_categories(lang: str, ordinal: bool = False) -> frozenset[str] | None:
    """The CLDR plural (or ordinal) categories of a locale, `other` included; None for an unknown locale."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(lang.replace("-", "_"), sep="_")
    except (UnknownLocaleError, ValueError, TypeError):
        try:
            locale = Locale.parse(lang.split("-")[0])
        except (UnknownLocaleError, ValueError, TypeError):
            return None
    rule = locale.ordinal_form if ordinal else locale.plural_form
    return frozenset(rule.tags) | {"other"}


def icu_issues(source: str, target: str, lang: str | None) -> list[str]:
    """ICU checks: target parses, same blocks, CLDR keywords only, the target language's categories."""
    source_blocks, source_broken = parse_blocks(source)
    if not source_blocks and not source_broken and "{" not in target:
        return []
    target_blocks, target_broken = parse_blocks(target)
    issues = [f"icu_syntax:{name}" for name in target_broken if name not in source_broken]
    have = Counter(b.signature for b in _walk(target_blocks))
    want = Counter(b.signature for b in _walk(source_blocks))
    issues += [f"icu_structure:{name}" for name in (want - have).elements()]
    issues += [f"icu_structure_extra:{name}" for name in (have - want).elements()]
    wanted = {b.signature: b for b in _walk(source_blocks)}
    for block in _walk(target_blocks):
        original = wanted.get(block.signature)
        if block.kind == "select":
            expected = set(original.selectors) if original else set(block.selectors)
            issues += [f"icu_keyword:{key}" for key in block.selectors if key not in expected]
            continue
        bad = [k for k in block.selectors if not k.startswith("=") and k not in _CLDR_KEYWORDS]
        issues += [f"icu_keyword:{key}" for key in bad]
        categories = plural_categories(lang, block.kind == "selectordinal") if lang else None
        if categories is None or bad:
            continue
        used = {k for k in block.selectors if not k.startswith("=")}
        missing = sorted(categories - used)
        if missing:
            issues.append(f"icu_plural_forms:{','.join(missing)}")
        unused = sorted(used - categories)
        if unused:
            issues.append(f"icu_plural_unused:{','.join(unused)}")
    return issues


def _walk(blocks: list[IcuBlock] | tuple[IcuBlock, ...]) -> list[IcuBlock]:
    """Every block, nested ones included (pre-order)."""
    found: list[IcuBlock] = []
    for block in blocks:
        found.append(block)
        found.extend(_walk(block.nested))
    return found
