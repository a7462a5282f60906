"""Glossaries on the session: list, create (from a frame, a CSV or a TBX file), read, edit and delete the
API's dictionaries, and turn chosen dictionaries into `chosen_dictionaries` ids plus the term pairs QA checks.

A mixin of `Camb` (it needs the session's `api` and engine loop). Term files are sent as CSV whose header
names the languages by locale tag and whose rows are terms (the API does not publish its file format; the
sandbox takes exactly this). Main thread; calls block on the engine loop, interruptibly.
Usage: `camb.create_dictionary(pd.DataFrame({"en-us": ["voice"], "fr-fr": ["voix"]}), name="Product")`.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from camb_notebook.api import ApiClient, UsageError, resolve_language

if TYPE_CHECKING:
    import pandas as pd

    from camb_notebook.jobs import JobManager

__all__ = ["DictionariesMixin", "read_terms"]

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class _Host(Protocol):
    """What the mixin needs from the session."""

    @property
    def api(self) -> ApiClient: ...

    @property
    def manager(self) -> JobManager: ...


def _run(host: _Host, fn: Any, *args: Any) -> Any:
    """Call an async ApiClient method on the engine loop and wait (interruptibly)."""
    return host.manager.loop.run_sync(fn, *args)


def read_terms(source: pd.DataFrame | str | Path) -> pd.DataFrame:
    """A term table (one column per language, locale tags as names) from a frame, a .csv or a .tbx file."""
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        frame = source
    else:
        path = Path(source).expanduser()
        if not path.is_file():
            raise UsageError(f"file not found: {path}")
        frame = _read_tbx(path) if path.suffix.lower() in (".tbx", ".xml") else pd.read_csv(path, dtype=str)
    try:
        columns = [resolve_language(str(c)).locale for c in frame.columns]
    except UsageError as exc:
        raise UsageError(f"a term table's columns must be languages: {exc.text}") from None
    if len(columns) < 2:
        raise UsageError("a term table needs at least two language columns (e.g. en-us, fr-fr)")
    out = frame.copy()
    out.columns = columns
    return out


def _read_tbx(path: Path) -> pd.DataFrame:
    """TBX (TermBase eXchange): one row per `termEntry`, one column per `langSet` language."""
    import pandas as pd

    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise UsageError(f"{path.name} is not valid TBX: {exc}") from None
    rows: list[dict[str, str]] = []
    for entry in root.iter():
        if not entry.tag.endswith("termEntry") and not entry.tag.endswith("conceptEntry"):
            continue
        row: dict[str, str] = {}
        for lang_set in entry:
            lang = lang_set.get(_XML_LANG) or lang_set.get("lang")
            term = next((e.text for e in lang_set.iter() if e.tag.endswith("term") and e.text), None)
            if lang and term:
                row[lang] = term.strip()
        if row:
            rows.append(row)
    return pd.DataFrame(rows)


def _term_csv(frame: pd.DataFrame) -> bytes:
    """The upload: a CSV with a locale-tag header and one row per term."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(frame.columns))
    for row in frame.itertuples(index=False):
        writer.writerow(["" if not isinstance(v, str) else v for v in row])
    return buffer.getvalue().encode("utf-8")


class DictionariesMixin:
    """`dictionaries()`, `create_dictionary()`, `dictionary()`, term edits, `delete_dictionary()`."""

    def dictionaries(self: _Host) -> pd.DataFrame:
        """The account's dictionaries: id, name, description, terms, languages (locale tags)."""
        import pandas as pd

        rows = [_summary(d) for d in _run(self, self.api.get_dictionaries)]
        return pd.DataFrame(rows, columns=["id", "name", "description", "terms", "languages"])

    def create_dictionary(
        self: _Host, terms: pd.DataFrame | str | Path, *, name: str, description: str | None = None
    ) -> int:
        """Upload a term table (frame, CSV or TBX; a column per language) as a dictionary; returns its id."""
        if not isinstance(name, str) or not name.strip():
            raise UsageError("create_dictionary needs a name", hint='Pass name="Product terms"')
        table = read_terms(terms)
        upload = self.api.create_dictionary_from_file(
            _term_csv(table), "terms.csv", name=name, description=description
        )
        answer = self.manager.loop.run_sync(upload)
        found = answer.get("dictionary_id", answer.get("id")) if isinstance(answer, Mapping) else answer
        if isinstance(found, int):
            return found
        listed = [d for d in _run(self, self.api.get_dictionaries) if d["name"] == name]
        if not listed:
            raise UsageError(f"the API accepted dictionary {name!r} but does not list it yet")
        return int(max(d["id"] for d in listed))

    def dictionary(self: _Host, dictionary: int | str) -> pd.DataFrame:
        """One dictionary's terms: a row per term (`term_id` and a column per language)."""
        import pandas as pd

        details = _run(self, self.api.get_dictionary_details, _dictionary_id(self, dictionary))
        return pd.DataFrame(_term_rows(details)).fillna(pd.NA)

    def add_term(self: _Host, dictionary: int | str, translations: Mapping[str, str]) -> Any:
        """Add a term given as `{language: text}` (e.g. `{"en-us": "voice", "fr-fr": "voix"}`)."""
        return _run(
            self, self.api.add_term_to_dictionary, _dictionary_id(self, dictionary), _inputs(translations)
        )

    def update_term(self: _Host, dictionary: int | str, term_id: int, translations: Mapping[str, str]) -> Any:
        """Replace a term's translations."""
        call = self.api.update_term_translation_in_dictionary_using_term_id
        return _run(self, call, _dictionary_id(self, dictionary), term_id, _inputs(translations))

    def delete_term(self: _Host, dictionary: int | str, term_id: int) -> Any:
        """Delete one term."""
        return _run(self, self.api.delete_dictionary_term, _dictionary_id(self, dictionary), term_id)

    def delete_dictionary(self: _Host, dictionary: int | str) -> Any:
        """Delete a dictionary."""
        return _run(self, self.api.delete_dictionary, _dictionary_id(self, dictionary))

    def dictionary_glossary(
        self: _Host, dictionaries: Sequence[int | str], source: Any
    ) -> tuple[tuple[int, ...], dict[str, tuple[tuple[str, str], ...]]]:
        """The ids to send as `chosen_dictionaries` and, per target locale, the (source, target) pairs."""
        ids = tuple(_dictionary_id(self, d) for d in dictionaries)
        source_id = resolve_language(source).id if source != "auto" else None
        pairs: dict[str, list[tuple[str, str]]] = {}
        for dictionary_id in ids:
            for term in (
                _run(self, self.api.get_dictionary_details, dictionary_id).get("dictionary_terms") or []
            ):
                texts = {int(t["language"]): str(t["term_text"]) for t in term.get("term_translations", [])}
                if source_id not in texts:
                    continue
                for lang_id, text in texts.items():
                    if lang_id != source_id:
                        locale = resolve_language(lang_id).locale
                        pairs.setdefault(locale, []).append((texts[source_id], text))
        return ids, {k: tuple(v) for k, v in pairs.items()}


def _inputs(translations: Mapping[str, str]) -> list[dict[str, Any]]:
    """`{language: text}` as the API's `[{translation, language id}]`."""
    if not translations:
        raise UsageError("a term needs at least one {language: text}")
    return [
        {"translation": str(text), "language": resolve_language(lang).id}
        for lang, text in translations.items()
    ]


def _dictionary_id(host: _Host, dictionary: int | str) -> int:
    """An id as given, or the id of the dictionary with this name (one UsageError line if none)."""
    if isinstance(dictionary, int) and not isinstance(dictionary, bool):
        return dictionary
    if isinstance(dictionary, str) and dictionary.strip().isdigit():
        return int(dictionary)
    named = [d["id"] for d in _run(host, host.api.get_dictionaries) if d["name"] == dictionary]
    if not named:
        raise UsageError(f"no dictionary named {dictionary!r}", hint="See camb.dictionaries()")
    return int(named[-1])


def _locale(lang_id: Any) -> str:
    """A language id as a locale tag (the id itself when unknown)."""
    try:
        return resolve_language(int(lang_id)).locale
    except (UsageError, TypeError, ValueError):
        return str(lang_id)


def _summary(dictionary: Mapping[str, Any]) -> dict[str, Any]:
    """One row of `dictionaries()`."""
    terms = dictionary.get("dictionary_terms") or []
    languages = dictionary.get("languages") or sorted(
        {t["language"] for term in terms for t in term.get("term_translations", [])}
    )
    return {
        "id": dictionary["id"],
        "name": dictionary["name"],
        "description": dictionary.get("description"),
        "terms": len(terms),
        "languages": [_locale(lang) for lang in languages],
    }


def _term_rows(details: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A row per term: its id and its text per language."""
    rows = []
    for term in details.get("dictionary_terms") or []:
        row: dict[str, Any] = {"term_id": term.get("id")}
        for item in term.get("term_translations", []):
            row[_locale(item.get("language"))] = item.get("term_text")
        rows.append(row)
    return rows
