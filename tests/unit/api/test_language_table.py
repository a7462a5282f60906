"""One language table: the client's catalog and the sandbox's served rows come from the same data file."""

from __future__ import annotations

from camb_notebook.api import CATALOG
from camb_notebook.api._language_data import DATA_FILE as API_DATA_FILE
from camb_notebook.api._language_data import DEFAULT_REGIONS
from camb_notebook.sandbox._catalog import language_rows
from camb_notebook.sandbox._languages import DATA_FILE as SANDBOX_DATA_FILE
from camb_notebook.sandbox._languages import LANGUAGES, TTS_STREAM_LOCALES


def test_both_sides_read_one_file_inside_the_package() -> None:
    """The table is a data file under camb_notebook/ (so it ships in the wheel), read by both sides."""
    assert API_DATA_FILE == SANDBOX_DATA_FILE
    assert API_DATA_FILE.is_file()
    assert API_DATA_FILE.parent.parent.name == "camb_notebook"


def test_catalog_and_sandbox_agree() -> None:
    """Same ids, locales and names on both sides, and the served rows add nothing to the catalog."""
    ours = [(lang.id, lang.locale, lang.name) for lang in CATALOG.languages]
    assert ours == sorted(LANGUAGES)
    served = language_rows()
    catalog_pairs = {(lang.id, lang.locale) for lang in CATALOG.languages}
    assert {(r["id"], r["short_name"]) for r in served} == catalog_pairs
    assert len(CATALOG.merged(served)) == len(CATALOG)


def test_table_is_consistent() -> None:
    """Ids and locales are unique; default regions and tts-stream locales name real locales."""
    ids = [row[0] for row in LANGUAGES]
    locales = {row[1] for row in LANGUAGES}
    assert len(ids) == len(set(ids)) == len(locales) == 149
    assert set(DEFAULT_REGIONS.values()) <= locales
    # tts-stream spells British English en-uk and also takes Assamese, which has no catalog id
    assert TTS_STREAM_LOCALES - locales == {"en-uk", "as-in"}
