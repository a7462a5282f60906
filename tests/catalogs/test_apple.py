"""Apple .strings, .stringsdict, .xcstrings: golden files byte for byte, edits re-read, plurals, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from camb_notebook.catalogs import COLUMNS, read, write
from camb_notebook.catalogs._apple_strings import STRINGS, apple_locale, decode_apple, encode_apple
from camb_notebook.catalogs._apple_stringsdict import STRINGSDICT
from camb_notebook.catalogs._apple_xcstrings import XCSTRINGS, parse_for
from camb_notebook.catalogs._model import CatalogError, CatalogFormat, Unit, mark_pristine

GOLDEN = Path(__file__).parent / "golden" / "apple"
FORMATS: dict[str, CatalogFormat] = {
    ".strings": STRINGS,
    ".stringsdict": STRINGSDICT,
    ".xcstrings": XCSTRINGS,
}
FILES = sorted(GOLDEN.iterdir())
TRICKY = 'a "quote" \\ back/slash\nnew line\ttab & <tag> ✓'


def _parse(path: Path) -> tuple[CatalogFormat, bytes, list[Unit], dict[str, object]]:
    fmt = FORMATS[path.suffix]
    data = path.read_bytes()
    parsed = fmt.parse(data, str(path))
    mark_pristine(parsed.units)
    return fmt, data, parsed.units, parsed.meta


def test_golden_set_three_per_format_with_utf16_crlf_non_ascii() -> None:
    """Three golden files per format; UTF-16 (both byte orders) .strings, CRLF, non-ASCII in each format."""
    for suffix in FORMATS:
        datas = [f.read_bytes() for f in FILES if f.suffix == suffix]
        assert len(datas) >= 3, suffix
        assert any(b"\r\n" in d or b"\r\x00\n" in d for d in datas), suffix
        assert any(max(d) > 127 for d in datas), suffix
    strings = [f.read_bytes()[:2] for f in FILES if f.suffix == ".strings"]
    assert b"\xff\xfe" in strings and b"\xfe\xff" in strings


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_untouched_file_is_byte_identical(path: Path) -> None:
    """parse → render with nothing changed gives the same bytes, whatever the target language."""
    fmt, data, units, meta = _parse(path)
    assert units
    for lang in (None, "pl-pl", "ja"):
        assert fmt.render(units, meta, lang) == data


@pytest.mark.parametrize("path", [f for f in FILES if f.suffix != ".xcstrings"], ids=lambda p: p.name)
def test_monolingual_targets_render_reparse(path: Path) -> None:
    """.strings/.stringsdict are monolingual: a written target is the value read back (escapes included)."""
    fmt, _, units, meta = _parse(path)
    for unit in units:
        unit.target = f"«{unit.source}» {TRICKY}"
    again = fmt.parse(fmt.render(units, meta, None), str(path)).units
    assert [(u.key, u.plural, u.source) for u in again] == [(u.key, u.plural, u.target) for u in units]
    assert [u.note for u in again] == [u.note for u in units]


def test_strings_values_notes_and_escapes() -> None:
    """Comments are notes; escapes (\\n, \\", \\\\, \\U) decode; `"key";` means the key is the value."""
    _, _, units, _ = _parse(GOLDEN / "Localizable.strings")
    by_key = {u.key: u for u in units}
    assert by_key["empty.message"].source == 'No notes yet.\nTap "+" to add one.'
    assert by_key["empty.message"].note == "Shown when the list is empty.\n   Keep it short."
    assert by_key["settings_label"].source == "Réglages — été 🙂"
    assert by_key["settings_label"].note == "A line comment, then an unquoted key"
    assert (by_key["path"].source, by_key["same"].source) == ("C:\\Users\\%@", "same")
    _, _, units, meta = _parse(GOLDEN / "utf16-crlf.strings")
    assert (
        meta["encoding"] == "utf-16-le"
        and units[1].source == 'Tschüss "%@"'
        and units[1].note == "日本語のコメント"
    )
    for value in (TRICKY, "", "\\", "🙂"):
        assert decode_apple(encode_apple(value)[1:-1]) == value
    filler = b'/* No comment provided by engineer. */\n"k" = "v";\n'
    assert STRINGS.parse(filler, "x.strings").units[0].note is None


def test_stringsdict_rows() -> None:
    """One row per category of each variable; a format with text besides the variables is a row too."""
    _, _, units, _ = _parse(GOLDEN / "de-crlf.stringsdict")
    assert [(u.key, u.plural) for u in units] == [
        ("files_in_folders", None),
        ("files_in_folders:files", "one"),
        ("files_in_folders:files", "other"),
        ("files_in_folders:folders", "one"),
        ("files_in_folders:folders", "other"),
    ]
    _, _, units, _ = _parse(GOLDEN / "Localizable.stringsdict")
    assert units[0].note == "Number of unread messages in the inbox"
    assert units[2].key == "%lld items & <more>" and units[3].source == "One item & “more”"


def _plural_forms(fmt: CatalogFormat, out: bytes, key: str, lang: str | None = None) -> list[tuple[str, str]]:
    parsed = parse_for(out, "x.xcstrings", lang) if fmt is XCSTRINGS else fmt.parse(out, "x")
    return [
        (str(u.plural), str(u.target if fmt is XCSTRINGS else u.source)) for u in parsed.units if u.key == key
    ]


@pytest.mark.parametrize(
    ("name", "key"),
    [("Localizable.stringsdict", "%d unread messages"), ("Localizable.xcstrings", "%lld items")],
)
def test_english_plurals_become_polish_and_japanese_forms(name: str, key: str) -> None:
    """A two-form entry is written with one/few/many/other for Polish, only other for Japanese."""
    for lang, extra, want in (
        ("pl-pl", {"few": "%d x few", "many": "%d x many"}, ["one", "few", "many", "other"]),
        ("ja", {}, ["other"]),
    ):
        fmt, _, units, meta = _parse(GOLDEN / name)
        for unit in units:
            if unit.key == key:
                unit.target, unit.state = f"%d x {unit.plural}", "translated"
        units += [Unit(key, source="%d", target=t, plural=c, state="translated") for c, t in extra.items()]
        forms = _plural_forms(fmt, fmt.render(units, meta, lang), key, lang)
        assert [c for c, _ in forms] == want
        assert dict(forms)["other"] == "%d x other"
        if lang == "pl-pl":
            assert dict(forms)["many"] == "%d x many"


def test_xcstrings_reading_picks_source_and_the_only_other_language() -> None:
    """Rows come from sourceLanguage; the target is the only other language, or the one asked for."""
    _, _, units, meta = _parse(GOLDEN / "fr-single.xcstrings")
    assert (meta["source_lang"], meta["target_lang"]) == ("en", "fr")
    got = {u.key: (u.source, u.target, u.state, u.note) for u in units}
    assert got["Delete %@?"] == (
        "Delete %@?",
        "Supprimer « %@ » ?",
        "fuzzy",
        "Confirmation; %@ is a file name",
    )
    assert got["Save"] == ("Save", None, "new", None) and got["Tab\there"] == ("Tab\there", None, "new", None)
    _, _, units, meta = _parse(GOLDEN / "Localizable.xcstrings")
    assert meta["target_lang"] is None and meta["languages"] == ["en", "de", "ja"]
    keys = {(u.key, u.context, u.plural) for u in units}
    assert ("CAMB.AI", None, None) not in keys and ("Tap to open", "device=mac", None) in keys
    assert ("%lld files in %lld folders:folders", None, "other") in keys
    assert next(u for u in units if u.key == "Old label").state == "obsolete"
    german = parse_for((GOLDEN / "Localizable.xcstrings").read_bytes(), "x", "de").units
    assert [(u.plural, u.target) for u in german if u.key == "%lld items"] == [
        ("one", "%lld Element"),
        ("other", "%lld Elemente"),
    ]


def test_xcstrings_adding_a_language_keeps_the_others() -> None:
    """Writing Polish targets adds a "pl" column; de/ja values and untouched entries' bytes stay."""
    _, data, units, meta = _parse(GOLDEN / "Localizable.xcstrings")
    for unit in units:
        unit.target, unit.state = f"PL {TRICKY} {unit.source}", "translated"
    out = XCSTRINGS.render(units, meta, "pl")
    polish = parse_for(out, "x", "pl").units
    assert {(u.key, u.context, u.plural) for u in polish} >= {(u.key, u.context, u.plural) for u in units}
    assert all(u.target and u.target.startswith("PL ") and u.state != "new" for u in polish)
    for lang in ("de", "ja"):
        before = [(u.key, u.plural, u.target) for u in parse_for(data, "x", lang).units]
        assert [(u.key, u.plural, u.target) for u in parse_for(out, "x", lang).units] == before
    assert out.count(b'"CAMB.AI" : {\n      "shouldTranslate" : false\n    }') == 1
    assert b'"" : {\n\n    },' in out and b"https:\\/\\/" in out  # Xcode's empty object and slash style


def test_language_tags_become_apple_codes() -> None:
    """Our tags map to the file's column when one matches, else to the code Xcode uses."""
    assert [apple_locale(t) for t in ("pl-pl", "fr-ca", "pt-br", "zh-tw", "zh-cn", "ja")] == [
        "pl",
        "fr-CA",
        "pt-BR",
        "zh-Hant",
        "zh-Hans",
        "ja",
    ]
    assert apple_locale("de-de", ["de-DE", "ja"]) == "de-DE" and apple_locale("de-at", ["de"]) == "de"
    data = (GOLDEN / "Localizable.xcstrings").read_bytes()
    german = parse_for(data, "x", "de-de")
    assert german.meta["target_lang"] == "de" and german.units[5].target == "%lld Element"


def test_xcstrings_needs_a_language_when_several() -> None:
    """With several target languages and none named, writing targets is refused with one line."""
    _, _, units, meta = _parse(GOLDEN / "Localizable.xcstrings")
    units[0].target = "x"
    with pytest.raises(CatalogError, match=r"several languages .*\(en, de, ja\)"):
        XCSTRINGS.render(units, meta, None)


def test_new_units_and_fresh_files() -> None:
    """Units without a place are appended (sorted in .xcstrings); an empty meta writes a new file."""
    units = [
        Unit("hello", source="Hello", target="Cześć", note="greeting", state="translated"),
        Unit("n %d", source="%d thing", target="%d rzecz", plural="one", state="translated"),
        Unit("n %d", source="%d things", target="%d rzeczy", plural="other", state="translated"),
    ]
    strings = STRINGS.parse(STRINGS.render(units[:1], {}, "pl"), "pl.lproj/Localizable.strings")
    assert [(u.key, u.source, u.note) for u in strings.units] == [("hello", "Cześć", "greeting")]
    assert strings.meta["source_lang"] == "pl"
    sd = STRINGSDICT.parse(STRINGSDICT.render(units, {}, "pl"), "x.stringsdict").units
    assert [(u.key, u.plural, u.source) for u in sd] == [
        ("hello", None, "Cześć"),
        ("n %d", "one", "%d rzecz"),
        ("n %d", "few", "%d rzeczy"),
        ("n %d", "many", "%d rzeczy"),
        ("n %d", "other", "%d rzeczy"),
    ]
    out = XCSTRINGS.render(units, {}, "pl")
    xc = parse_for(out, "x", "pl").units
    assert [(u.key, u.plural, u.source, u.target) for u in xc][:3] == [
        ("hello", None, "Hello", "Cześć"),
        ("n %d", "one", "%d thing", "%d rzecz"),
        ("n %d", "few", "%d things", "%d rzeczy"),
    ]
    _, data, old, meta = _parse(GOLDEN / "fr-single.xcstrings")
    out = XCSTRINGS.render([*old, Unit("Apple", source="Apple", target="Pomme")], meta, None)
    assert [u.key for u in parse_for(out, "x", "fr").units] == [
        "Apple",
        "Cancel",
        "Delete %@?",
        "Save",
        "Tab\there",
    ]
    assert out.replace(out[out.index(b'    "Apple"') : out.index(b'    "Cancel"')], b"") == data


@pytest.mark.parametrize(
    ("suffix", "data", "where"),
    [
        (".strings", '"a" = "b";\n"c" = "d"\n"e" = "f";', "x.strings:3:1: expected ';'"),
        (".strings", '"a" = "b;\n', "x.strings:1:7: expected '\"' closing"),
        (".strings", '/* open\n"a" = "b";', "x.strings:1:1: expected '*/'"),
        (".strings", '"a" "b";', "x.strings:1:5: expected '='"),
        (
            ".stringsdict",
            "<plist><dict><key>a</key></dict></plist>",
            "x.stringsdict:1:14: expected <key> followed",
        ),
        (
            ".stringsdict",
            "<plist><dict>\n<key>a</key><dict></dict></dict></plist>",
            ":2:13: expected a NSString",
        ),
        (
            ".xcstrings",
            '{\n  "sourceLanguage" : "en",\n  "strings" : {\n    "a" : {,\n',
            "x.xcstrings:4:12: expected JSON",
        ),
        (".xcstrings", '{"sourceLanguage": "en"}', "x.xcstrings:1:1: expected a String Catalog"),
    ],
)
def test_bad_input_is_one_line_with_position(suffix: str, data: str, where: str) -> None:
    """Malformed files raise CatalogError naming path:line:col and what was expected, on one line."""
    with pytest.raises(CatalogError) as info:
        FORMATS[suffix].parse(data.encode(), "x" + suffix)
    message = str(info.value)
    assert where in message and "\n" not in message


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_read_write_frame_round_trip(path: Path, tmp_path: Path) -> None:
    """catalogs.read → catalogs.write (through the frame) gives a byte-identical file."""
    frame = read(path)
    assert list(frame.columns) == list(COLUMNS) and len(frame)
    assert write(frame, tmp_path / path.name).read_bytes() == path.read_bytes()


def test_units_from_another_format_write_a_fresh_file() -> None:
    """Units parsed from another format (with its extras and meta) become a fresh Apple file."""
    from camb_notebook.catalogs._android import ANDROID

    data = (Path(__file__).parent / "golden" / "android" / "strings.xml").read_bytes()
    parsed = ANDROID.parse(data, "strings.xml")
    mark_pristine(parsed.units)
    for unit in parsed.units:
        unit.target = f"PL {unit.source}"
    plain = [u for u in parsed.units if not u.plural]
    again = STRINGS.parse(STRINGS.render(plain, parsed.meta, "pl"), "x.strings").units
    assert [(u.key, u.source) for u in again] == [(u.key, u.target) for u in plain]
    out = STRINGSDICT.render(parsed.units, parsed.meta, "pl")
    songs = [(u.plural, u.source) for u in STRINGSDICT.parse(out, "x").units if u.key == "songs"]
    assert [c for c, _ in songs] == ["one", "few", "many", "other"]
    xc = parse_for(XCSTRINGS.render(parsed.units, parsed.meta, "pl-pl"), "x", "pl").units
    assert {(u.key, u.target) for u in xc if not u.plural} == {(u.key, u.target) for u in plain}


def test_xcstrings_new_keys_follow_xcodes_case_insensitive_order() -> None:
    """New keys go where Xcode puts them: "CaptureIntent" < "CBNote" < "Close", "iCloud" before "Label"."""
    data = b'{\n  "sourceLanguage" : "en",\n  "strings" : {\n    "CaptureIntent" : {\n\n    },\n'
    data += b'    "Close" : {\n\n    },\n    "Label" : {\n\n    }\n  },\n  "version" : "1.0"\n}'
    parsed = XCSTRINGS.parse(data, "x.xcstrings")
    mark_pristine(parsed.units)
    new = [Unit(k, source=k, target=k.upper(), state="translated") for k in ("iCloud", "CBNote", "zzz")]
    out = XCSTRINGS.render(parsed.units + new, parsed.meta, "de")
    keys = [u.key for u in parse_for(out, "x", "de").units]
    assert keys == ["CaptureIntent", "CBNote", "Close", "iCloud", "Label", "zzz"]
