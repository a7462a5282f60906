"""The sandbox's dictionaries (glossaries): stored per API key, built from an uploaded CSV, applied to texts.

A term is one entry in several languages (`{language id: text}`), as in the API's `DictionaryWithTerms`.
The upload is a CSV whose header names the languages (ids or locale tags) and whose rows are terms; the API's
own file format is not published, so this is the sandbox's rule. `terms_for` gives the source → target pairs
`pseudo_localize` applies. Thread-safe under the state's lock (callers hold it).
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field
from typing import Any

from camb_notebook.sandbox._catalog import LOCALE_BY_ID, resolve_language

__all__ = ["Dictionary", "DictionaryStore", "parse_term_csv"]

_ID_BY_LOCALE = {locale: lang_id for lang_id, locale in LOCALE_BY_ID.items()}


def _language_id(value: str) -> int:
    """A language id from a header cell: an id, or anything `resolve_language` takes (ValueError if not)."""
    text = value.strip()
    if text.isdigit() and int(text) in LOCALE_BY_ID:
        return int(text)
    return _ID_BY_LOCALE[resolve_language(text.lower(), allow_auto=False)]


def parse_term_csv(content: bytes) -> list[dict[int, str]]:
    """Terms from a CSV upload (header: languages); ValueError naming the problem."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError("the dictionary file must be UTF-8 CSV") from exc
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) < 2 or len(rows[0]) < 2:
        raise ValueError("the dictionary file needs a header of at least two languages and one term row")
    try:
        languages = [_language_id(cell) for cell in rows[0]]
    except (KeyError, ValueError) as exc:
        raise ValueError(f"unknown language in the dictionary header: {exc}") from exc
    terms = []
    for row in rows[1:]:
        term = {lang: cell.strip() for lang, cell in zip(languages, row, strict=False) if cell.strip()}
        if len(term) >= 1:
            terms.append(term)
    return terms


@dataclass
class Dictionary:
    """One stored dictionary: terms by term id, each `{language id: text}`."""

    id: int
    key: str
    name: str
    description: str | None
    terms: dict[int, dict[int, str]] = field(default_factory=dict)
    created_at: float = field(default_factory=time.time)
    edited_at: float = field(default_factory=time.time)

    def to_wire(self, limit: int | None = None, search: str | None = None) -> dict[str, Any]:
        """The `DictionaryWithTerms` body."""
        items = [
            (term_id, t)
            for term_id, t in self.terms.items()
            if search is None or any(search.casefold() in text.casefold() for text in t.values())
        ]
        if limit is not None:
            items = items[:limit]
        languages = sorted({lang for t in self.terms.values() for lang in t})
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "created_at": _iso(self.created_at),
            "last_edited_at": _iso(self.edited_at),
            "dictionary_terms": [
                {"id": term_id, "term_translations": [{"language": k, "term_text": v} for k, v in t.items()]}
                for term_id, t in items
            ],
            "languages": languages,
        }


def _iso(stamp: float) -> str:
    """An ISO-8601 UTC timestamp."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))


class DictionaryStore:
    """Every key's dictionaries, with ids shared across keys (as a server's would be)."""

    def __init__(self) -> None:
        self.items: dict[int, Dictionary] = {}
        self._next_id = 1
        self._next_term = 1

    def create(self, key: str, name: str, description: str | None, terms: list[dict[int, str]]) -> Dictionary:
        """Store a new dictionary."""
        made = Dictionary(self._next_id, key, name, description)
        self._next_id += 1
        for term in terms:
            self.add_term(made, term)
        self.items[made.id] = made
        return made

    def add_term(self, dictionary: Dictionary, term: dict[int, str]) -> int:
        """Add a term; returns its id."""
        term_id = self._next_term
        self._next_term += 1
        dictionary.terms[term_id] = dict(term)
        dictionary.edited_at = time.time()
        return term_id

    def terms_for(self, key: str, ids: list[int], source: str, target: str) -> dict[str, str]:
        """Source text → target text of the chosen dictionaries' terms (unknown or foreign ids ignored)."""
        source_id, target_id = _ID_BY_LOCALE.get(source), _ID_BY_LOCALE.get(target)
        pairs: dict[str, str] = {}
        for dictionary_id in ids:
            found = self.items.get(dictionary_id)
            if found is None or found.key != key:
                continue
            for term in found.terms.values():
                if source_id in term and target_id in term:
                    pairs[term[source_id]] = term[target_id]
        return pairs
