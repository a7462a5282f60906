"""Plural rules from CLDR (through Babel): a language's plural categories and gettext's Plural-Forms.

Every format maps plural forms to CLDR category names (`zero`..`other`); gettext numbers its forms
(`msgstr[0..n-1]`), so the index -> category map is found by evaluating the file's `plural=` expression
and the language's CLDR rule on the same integers (robust to any equivalent expression a tool wrote).
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Callable

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from ._model import PLURAL_CATEGORIES

__all__ = [
    "categories",
    "category_of",
    "gettext_categories",
    "gettext_plural",
    "parse_plural_forms",
    "plural_forms_header",
]

# Integers on which the rules are compared: every residue that CLDR rules look at, plus the millions
# (French/Spanish/Italian `many`).
_SAMPLES = (*range(0, 1001), 1_000_000, 2_000_000, 3_000_000)


@functools.lru_cache(maxsize=256)
def _locale(lang: str) -> Locale | None:
    """Babel's locale for 'fr-fr', 'pt_BR', 'zh-hans', 'pl' (None when CLDR does not know it)."""
    parts = [p for p in re.split(r"[-_@.]", lang.strip()) if p]
    while parts:
        try:
            rest = [p.upper() if len(p) == 2 else p.title() for p in parts[1:]]
            return Locale.parse("_".join([parts[0].lower(), *rest]))
        except (ValueError, UnknownLocaleError):
            parts.pop()
    return None


@functools.lru_cache(maxsize=256)
def categories(lang: str | None) -> tuple[str, ...]:
    """The language's CLDR plural categories in canonical order (English: one, other; Japanese: other)."""
    locale = _locale(lang) if lang else None
    tags = set(locale.plural_form.tags) if locale is not None else {"one"}
    return tuple(c for c in PLURAL_CATEGORIES if c in tags or c == "other")


def category_of(lang: str | None, n: int) -> str:
    """The CLDR category of the integer `n` in the language (English 1 -> one)."""
    locale = _locale(lang) if lang else None
    if locale is None:
        return "one" if n == 1 else "other"
    return str(locale.plural_form(n))


@functools.lru_cache(maxsize=256)
def gettext_plural(lang: str) -> tuple[int, str]:
    """(nplurals, plural expression) for the language, from Babel's CLDR-derived table."""
    locale = _locale(lang)
    found = get_plural(str(locale) if locale is not None else "en")
    return int(found.num_plurals), str(found.plural_expr)


def plural_forms_header(lang: str) -> str:
    """The `Plural-Forms:` header value for the language, e.g. 'nplurals=2; plural=(n != 1);'."""
    count, expr = gettext_plural(lang)
    return f"nplurals={count}; plural=({expr});"


_FORMS = re.compile(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*$")


def parse_plural_forms(value: str) -> tuple[int, str] | None:
    """(nplurals, expression) from a Plural-Forms header value, or None when it does not parse."""
    match = _FORMS.search(value.strip())
    if match is None:
        return None
    return int(match.group(1)), match.group(2).strip()


@functools.lru_cache(maxsize=256)
def gettext_categories(count: int, expr: str, lang: str | None) -> tuple[str, ...]:
    """The CLDR category of each msgstr index (index -> category) for a Plural-Forms and a language."""
    try:
        plural: Callable[[int], int] | None = gettext.c2py(expr)
    except (ValueError, SyntaxError, RecursionError):
        plural = None
    names: list[str | None] = [None] * count
    if plural is not None and lang:
        votes: dict[int, dict[str, int]] = {}
        for n in _SAMPLES:
            index = plural(n)
            if 0 <= index < count:
                slot = votes.setdefault(index, {})
                cat = category_of(lang, n)
                slot[cat] = slot.get(cat, 0) + 1
        for index, slot in sorted(votes.items()):
            best = max(slot, key=lambda c: slot[c])
            if best not in names:
                names[index] = best
    if all(name is None for name in names):
        # No usable rule or language: the usual orders (1 form: other; 2: one/other; n: CLDR order).
        fallback = {1: ("other",), 2: ("one", "other")}.get(
            count, PLURAL_CATEGORIES[-count:] if count <= 6 else ()
        )
        names = list(fallback) + [None] * (count - len(fallback))
    free = [c for c in (*PLURAL_CATEGORIES[::-1],) if c not in names]
    out = []
    for i, name in enumerate(names):
        out.append(name if name is not None else (free.pop(0) if free else f"form{i}"))
    return tuple(out)
