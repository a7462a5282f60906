"""Language catalog and resolution: all 149 SDK ids, every accepted spelling, auto, errors with hints."""

from __future__ import annotations

import pytest
from camb.types.language_enums import Languages

from camb_notebook.api import AUTO, CATALOG, Language, LanguageError, resolve_language, search_languages


def test_catalog_matches_sdk_ids_and_tags() -> None:
    """The bundled catalog holds exactly the SDK's 149 ids with tag = enum name lowercased, '_' → '-'."""
    assert len(CATALOG) == 149
    assert {(m.value, m.name.lower().replace("_", "-")) for m in Languages} == {
        (lang.id, lang.locale) for lang in CATALOG.languages
    }
    assert all(lang.name and "(" in lang.name for lang in CATALOG.languages)
    assert len({lang.name for lang in CATALOG.languages}) == 149


@pytest.mark.parametrize(
    "value", [76, "76", "fr-fr", "FR_fr", "French (France)", "french", "fr", " French  France "]
)
def test_french_spellings_resolve_to_one_language(value: object) -> None:
    """Id, numeric string, tag in any case/separator, full name, bare name and bare code all give fr-fr."""
    assert resolve_language(value) == Language(76, "fr-fr", "French (France)")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "locale"),
    [
        ("en", "en-us"),
        ("English", "en-us"),
        ("en-uk", "en-gb"),
        ("pt", "pt-br"),
        ("zh", "zh-cn"),
        ("Spanish (Mexico)", "es-mx"),
        ("mexico", "es-mx"),
        ("ja", "ja-jp"),
        ("hindi", "hi-in"),
        ("fil", "fil-ph"),
        ("zh-cn-sichuan", "zh-cn-sichuan"),
    ],
)
def test_defaults_and_other_spellings(value: str, locale: str) -> None:
    """Bare codes use the documented default region; unique words resolve."""
    assert resolve_language(value).locale == locale


def test_auto_only_where_allowed() -> None:
    """'auto' is rejected unless allow_auto, then it is AUTO with wire value 'auto'."""
    with pytest.raises(LanguageError, match="not allowed"):
        resolve_language("auto")
    assert resolve_language("AUTO", allow_auto=True) is AUTO
    assert AUTO.wire_value == "auto" and resolve_language("fr").wire_value == 76


def test_unknown_lists_closest_matches() -> None:
    """A typo suggests the nearest languages in the message and in `.matches`."""
    with pytest.raises(LanguageError) as info:
        resolve_language("frnch")
    assert info.value.matches[0] == "French (France) [fr-fr]"
    assert "Did you mean" in str(info.value)


def test_ambiguous_lists_candidates() -> None:
    """A word shared by several languages ('india') is ambiguous and lists them."""
    with pytest.raises(LanguageError, match="Ambiguous") as info:
        resolve_language("india")
    assert "Hindi (India) [hi-in]" in info.value.matches


@pytest.mark.parametrize("value", [0, 137, 999, "klingon", True, 1.5, None])
def test_invalid_inputs(value: object) -> None:
    """Unused ids, unknown names and wrong types raise LanguageError."""
    with pytest.raises(LanguageError):
        resolve_language(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("german", ["de-at", "de-ch", "de-de"]),  # not Georgian, Serbian or Persian (close spellings)
        ("japanese", ["ja-jp"]),  # not Javanese
        ("fr", ["fr-be", "fr-ca", "fr-ch", "fr-fr"]),  # not (South) Africa
        ("French (France)", ["fr-fr"]),
        ("frica", ["af-za", "en-za", "zu-za"]),  # a substring counts when nothing starts with it
    ],
)
def test_search_ranks_exact_and_prefix_matches_and_drops_lookalikes(query: str, expected: list[str]) -> None:
    """Exact names/tags, then word prefixes; fuzzy lookalikes only when nothing matches the text itself."""
    assert [lang.locale for lang in search_languages(query, limit=10)][: len(expected)] == expected
    assert len(search_languages(query, limit=10)) == len(expected)


def test_search_and_merge() -> None:
    """search finds by name part; merged() adds ids the API lists."""
    assert [lang.locale for lang in search_languages("portug")] == ["pt-br", "pt-pt"]
    merged = CATALOG.merged([{"id": 300, "language": "Esperanto", "short_name": "eo"}, {"id": 76}])
    assert merged.resolve(300).locale == "eo" and merged.get(76) == CATALOG.get(76)
