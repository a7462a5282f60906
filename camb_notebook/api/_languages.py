"""Language lookup: turn an id, locale tag or English name into one catalog `Language`.

Accepts `76`, `"76"`, `"fr-fr"`, `"FR_fr"`, `"French (France)"`, `"french"` and `"fr"` (bare codes and
bare names use the default region in `DEFAULT_REGIONS`). `"auto"` only where detection is allowed.
Unknown or ambiguous input raises `LanguageError` listing the closest matches. Pure, any thread.
Usage: `resolve_language("fr").id == 76`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from camb_notebook.api._errors import LanguageError
from camb_notebook.api._language_data import DEFAULT_REGIONS, LANGUAGE_ROWS

__all__ = [
    "AUTO",
    "CATALOG",
    "Language",
    "LanguageCatalog",
    "LanguageLike",
    "resolve_language",
    "search_languages",
]


@dataclass(frozen=True)
class Language:
    """One CAMB.AI language: integer id, lowercase locale tag and English name."""

    id: int
    locale: str
    name: str

    @property
    def code(self) -> str:
        """The bare language code ('fr' for 'fr-fr')."""
        return self.locale.split("-", 1)[0]

    @property
    def wire_value(self) -> int | str:
        """What to send to the API: the id, or "auto" for detection."""
        return "auto" if self is AUTO or self.locale == "auto" else self.id

    def __str__(self) -> str:
        return f"{self.name} [{self.locale}]"


AUTO = Language(0, "auto", "Auto-detect")

LanguageLike: TypeAlias = int | str | Language

_TAG_ALIASES = {"en-uk": "en-gb"}  # tts-stream spells British English en-uk


def _words(text: str) -> str:
    """Normalize a name for matching: lowercase words separated by single spaces."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _tag(text: str) -> str:
    """Normalize a locale tag: lowercase, '_' → '-'."""
    tag = text.strip().casefold().replace("_", "-")
    return _TAG_ALIASES.get(tag, tag)


class LanguageCatalog:
    """An immutable set of languages with lookup indexes; `merged()` adds ids learned from the API."""

    def __init__(self, languages: Iterable[Language], defaults: Mapping[str, str] = DEFAULT_REGIONS) -> None:
        self.languages: tuple[Language, ...] = tuple(sorted(languages, key=lambda lang: lang.id))
        self._defaults = dict(defaults)
        self._by_id = {lang.id: lang for lang in self.languages}
        self._by_tag = {lang.locale: lang for lang in self.languages}
        self._by_name = {_words(lang.name): lang for lang in self.languages}
        self._by_base_name: dict[str, list[Language]] = {}
        for lang in self.languages:
            self._by_base_name.setdefault(_words(lang.name.split("(", 1)[0]), []).append(lang)

    def __len__(self) -> int:
        return len(self.languages)

    def __repr__(self) -> str:
        return f"<LanguageCatalog: {len(self)} languages>"

    def get(self, language_id: int) -> Language | None:
        """The language with this id, if known."""
        return self._by_id.get(language_id)

    def merged(self, remote: Iterable[Mapping[str, Any]]) -> LanguageCatalog:
        """A catalog extended with `{id, language, short_name}` rows from source/target-languages."""
        extra = dict(self._by_id)
        for row in remote:
            lang_id = int(row["id"])
            if lang_id not in extra:
                locale = _tag(str(row.get("short_name") or f"id-{lang_id}"))
                extra[lang_id] = Language(lang_id, locale, str(row.get("language") or locale))
        return LanguageCatalog(extra.values(), self._defaults)

    def _default_for_code(self, code: str) -> Language | None:
        """The default-region language for a bare code ('fr' → fr-fr)."""
        if code in self._defaults:
            return self._by_tag.get(self._defaults[code])
        same = [lang for lang in self.languages if lang.code == code]
        return same[0] if len(same) == 1 else None

    def resolve(self, value: LanguageLike, *, allow_auto: bool = False) -> Language:
        """Resolve an id, tag or name to exactly one language, or raise `LanguageError`."""
        if isinstance(value, Language):
            if value.locale == "auto":
                return self._auto(allow_auto)
            return value
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise LanguageError(f"A language must be an id, a locale or a name, not {type(value).__name__}")
        text = str(value).strip()
        if text.isdigit():
            found = self._by_id.get(int(text))
            if found is None:
                raise LanguageError(f"Unknown language id {text}", matches=())
            return found
        if text.casefold() == "auto":
            return self._auto(allow_auto)
        tag = _tag(text)
        found = self._by_tag.get(tag) or self._default_for_code(tag)
        if found is not None:
            return found
        words = _words(text)
        found = self._by_name.get(words)
        if found is not None:
            return found
        base = self._by_base_name.get(words, [])
        if base:
            return self._default_for_code(base[0].code) or self._ambiguous(text, base)
        candidates = [lang for lang in self.languages if set(words.split()) <= set(_words(lang.name).split())]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            return self._ambiguous(text, candidates)
        matches = [str(m) for m in self.search(text, limit=5)]
        raise LanguageError(f"Unknown language {text!r}", matches=matches)

    def _auto(self, allow_auto: bool) -> Language:
        """Return AUTO, or explain that this operation needs a concrete language."""
        if not allow_auto:
            raise LanguageError(
                "'auto' (detection) is not allowed here", hint="Name a concrete language, e.g. 'en-us'"
            )
        return AUTO

    @staticmethod
    def _ambiguous(text: str, candidates: list[Language]) -> Language:
        """Raise for input that matches several languages."""
        raise LanguageError(f"Ambiguous language {text!r}", matches=[str(lang) for lang in candidates[:8]])

    def search(self, query: str, *, limit: int = 10) -> list[Language]:
        """Languages matching `query`: exact names/tags first, then word prefixes (else substrings).

        Only when nothing matches that way come the closest spellings (so "german" never lists Georgian).
        """
        needle = _words(query)
        tag = _tag(query)
        ranked: list[tuple[int, int, Language]] = []
        for order, lang in enumerate(self.languages):
            name = _words(lang.name)
            words = name.split()
            if needle and (needle == name or needle in words or lang.locale == tag):
                ranked.append((0, order, lang))
            elif needle and (any(w.startswith(needle) for w in words) or lang.locale.startswith(tag)):
                ranked.append((1, order, lang))
            elif needle and needle in name:
                ranked.append((2, order, lang))
        best = min((rank for rank, _, _ in ranked), default=2)
        # Substrings only when nothing starts with the query ("fr" is French, not South Africa).
        hits = [lang for rank, _, lang in sorted(ranked, key=lambda item: item[:2]) if rank < 2 or best == 2]
        if hits:
            return hits[:limit]
        keys: dict[str, Language] = {_words(lang.name): lang for lang in self.languages}
        for base, langs in self._by_base_name.items():
            keys.setdefault(base, self._default_for_code(langs[0].code) or langs[0])
        keys.update(self._by_tag)
        for key in difflib.get_close_matches(needle, list(keys), n=limit, cutoff=0.6):
            if keys[key] not in hits:
                hits.append(keys[key])
        return hits[:limit]


CATALOG = LanguageCatalog(Language(i, tag, name) for i, tag, name in LANGUAGE_ROWS)


def resolve_language(value: LanguageLike, *, allow_auto: bool = False) -> Language:
    """Resolve an id, locale tag or English name with the bundled catalog (see `LanguageCatalog.resolve`)."""
    return CATALOG.resolve(value, allow_auto=allow_auto)


def search_languages(query: str, *, limit: int = 10) -> list[Language]:
    """Search the bundled catalog by name or tag, closest matches included."""
    return CATALOG.search(query, limit=limit)
