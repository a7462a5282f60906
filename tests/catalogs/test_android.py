"""Android strings.xml: golden files byte for byte, escaping both ways, plurals per language, bad input."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import unescape

import pytest

from camb_notebook.catalogs import COLUMNS, read, write
from camb_notebook.catalogs._android import ANDROID
from camb_notebook.catalogs._android_text import decode_android, encode_android
from camb_notebook.catalogs._model import CatalogError, Unit, mark_pristine
from camb_notebook.jobs import BatchJob
from camb_notebook.sessions import Camb

GOLDEN = Path(__file__).parent / "golden" / "android"
FILES = sorted(GOLDEN.iterdir())
TRICKY = 'It\'s "quoted" & <3\nnext\tline @ ?  two  spaces '


def _parse(path: Path) -> tuple[bytes, list[Unit], dict[str, object]]:
    data = path.read_bytes()
    parsed = ANDROID.parse(data, str(path))
    mark_pristine(parsed.units)
    return data, parsed.units, parsed.meta


def test_golden_set_covers_plurals_crlf_bom_non_ascii() -> None:
    """Three or more golden files, with plurals, string arrays, CRLF, a BOM and non-ASCII text."""
    datas = [f.read_bytes() for f in FILES]
    assert len(datas) >= 3
    assert any(b"\r\n" in d for d in datas) and any(d.startswith(b"\xef\xbb\xbf") for d in datas)
    assert all(b"<plurals" in d for d in datas) and any(b"<string-array" in d for d in datas)
    assert any(max(d) > 127 for d in datas)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_untouched_file_is_byte_identical(path: Path) -> None:
    """parse → render with nothing changed gives the same bytes, whatever the target language."""
    data, units, meta = _parse(path)
    assert units
    for lang in (None, "pl-pl", "ja"):
        assert ANDROID.render(units, meta, lang) == data


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_set_targets_render_reparse(path: Path) -> None:
    """Every target (with quotes, apostrophes, newlines, @, spaces) reads back as written; markup survives."""
    _, units, meta = _parse(path)
    for unit in units:
        unit.target = f"«{unit.source}» {TRICKY}"
    again = ANDROID.parse(ANDROID.render(units, meta, None), str(path)).units
    assert [(u.key, u.plural, u.source) for u in again] == [(u.key, u.plural, u.target) for u in units]


def test_values_comments_and_skipped_resources() -> None:
    """Runtime strings are unescaped; comments are notes; translatable="false" and non-strings are no rows."""
    _, units, _ = _parse(GOLDEN / "strings.xml")
    by_key = {(u.key, u.plural): u for u in units}
    assert ("app_name", None) not in by_key and ("max_items", None) not in by_key
    assert by_key["dont", None].source == "Don't panic, it's \"fine\""
    assert by_key["at", None].source == "@home and ?attr"
    assert by_key["lines", None].source == "First line\nSecond\tline"
    assert by_key["quoted", None].source == "It's   quoted"
    assert by_key["wrapped", None].source == "A long line that wraps"
    assert by_key["unicode", None].source == "Café — naïve 日本 🙂"
    assert (
        by_key["welcome", None].note
        == "Greeting on the home screen.\n         %1$s is the user's first name."
    )
    assert by_key["welcome", None].source.startswith('Welcome back, <xliff:g id="name" example="Ana">%1$s')
    assert [by_key["planets[2]", None].source, by_key["songs", "one"].source] == [
        "Earth's moon",
        "%d song found.",
    ]


def test_escaping_both_ways() -> None:
    """encode_android is the inverse of decode_android, including leading @/? and kept spaces."""
    for value in (TRICKY, "@string/x", "?attr", " lead", "a\\b", "tab\there", "naïve 🙂"):
        assert decode_android([(False, unescape(encode_android(value)))]) == value
    assert encode_android("Don't") == "Don\\'t"
    assert encode_android("@home") == "\\@home"
    assert encode_android("a  b") == '"a  b"'
    assert encode_android('x <b>y</b> "z"', keep=["<b>", "</b>"]) == 'x <b>y</b> \\"z\\"'


def _translate_songs(units: list[Unit], extra_forms: dict[str, str]) -> list[Unit]:
    for unit in units:
        if unit.key == "songs":
            unit.target = {"one": "%d piosenka", "other": "%d piosenki"}[unit.plural or ""]
    template = next(u for u in units if u.key == "songs" and u.plural == "other")
    return units + [Unit("songs", source=template.source, target=t, plural=c) for c, t in extra_forms.items()]


def test_english_plurals_become_polish_and_japanese_forms() -> None:
    """A two-form entry is written with one/few/many/other for Polish and only other for Japanese."""
    _, units, meta = _parse(GOLDEN / "strings.xml")
    polish = _translate_songs(units, {"few": "%d piosenki", "many": "%d piosenek"})
    out = ANDROID.render(polish, meta, "pl-pl")
    again = [u for u in ANDROID.parse(out, "values-pl/strings.xml").units if u.key == "songs"]
    assert [(u.plural, u.source) for u in again] == [
        ("one", "%d piosenka"),
        ("few", "%d piosenki"),
        ("many", "%d piosenek"),
        ("other", "%d piosenki"),
    ]
    assert b"<!-- Number of songs -->" in out and b"<string-array" in out  # only the items are rebuilt
    _, units, meta = _parse(GOLDEN / "strings.xml")
    japanese = ANDROID.render(_translate_songs(units, {}), meta, "ja")
    again = [u for u in ANDROID.parse(japanese, "x.xml").units if u.key == "songs"]
    assert [(u.plural, u.source) for u in again] == [("other", "%d piosenki")]


def test_missing_category_takes_other_form() -> None:
    """Without rows for few/many, the Polish file still has all four quantities (from `other`)."""
    _, units, meta = _parse(GOLDEN / "strings.xml")
    out = ANDROID.render(_translate_songs(units, {}), meta, "pl")
    again = [u for u in ANDROID.parse(out, "x.xml").units if u.key == "songs"]
    assert [u.plural for u in again] == ["one", "few", "many", "other"]


def test_new_units_and_fresh_files() -> None:
    """Units without a place are appended (strings, plurals, arrays); an empty meta writes a new file."""
    units = [
        Unit("hello", source="Hello", target="Cześć", note="greeting"),
        Unit("n", source="%d", target="%d rzecz", plural="one"),
        Unit("n", source="%d", target="%d rzeczy", plural="other"),
        Unit("days[0]", source="Mon", target="pon."),
        Unit("days[1]", source="Tue", target="wt."),
    ]
    again = ANDROID.parse(ANDROID.render(units, {}, "pl"), "values-pl/strings.xml")
    got = [(u.key, u.plural, u.source, u.note) for u in again.units]
    assert got == [
        ("hello", None, "Cześć", "greeting"),
        ("days[0]", None, "pon.", None),
        ("days[1]", None, "wt.", None),
        ("n", "one", "%d rzecz", None),
        ("n", "few", "%d rzeczy", None),
        ("n", "many", "%d rzeczy", None),
        ("n", "other", "%d rzeczy", None),
    ]
    assert again.meta["source_lang"] == "pl"


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"<resources>\n  <string name='a'>x</resources>", ":2:21: expected '</string>'"),
        (b"<resources>\n<string>x</string></resources>", ":2:1: expected a name="),
        (
            b'<resources>\n<plurals name="p"><item quantity="lots">x</item></plurals></resources>',
            ":2:19: expected",
        ),
        (b"<resource>\n</resource>", ":1:1: expected a <resources> root"),
    ],
)
def test_bad_input_is_one_line_with_position(data: bytes, where: str) -> None:
    """Malformed resources raise CatalogError naming path:line:col and what was expected, on one line."""
    with pytest.raises(CatalogError) as info:
        ANDROID.parse(data, "strings.xml")
    message = str(info.value)
    assert message.startswith("strings.xml:") and where in message and "\n" not in message


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_read_write_frame_round_trip(path: Path, tmp_path: Path) -> None:
    """catalogs.read → catalogs.write (through the frame) gives a byte-identical file."""
    frame = read(path)
    assert list(frame.columns) == list(COLUMNS) and len(frame)
    assert write(frame, tmp_path / path.name).read_bytes() == path.read_bytes()


def test_units_from_another_format_write_a_fresh_file() -> None:
    """Units parsed from XLIFF (with its extras and meta) become a fresh strings.xml."""
    from camb_notebook.catalogs._xliff import XLIFF12

    parsed = XLIFF12.parse((GOLDEN.parent / "xliff" / "xcode-crlf.xliff").read_bytes(), "x.xliff")
    mark_pristine(parsed.units)
    out = ANDROID.render(parsed.units, parsed.meta, "de")
    again = ANDROID.parse(out, "values-de/strings.xml").units
    assert [(u.key, u.source) for u in again] == [(u.key, u.target or u.source) for u in parsed.units]


def test_translate_catalog_writes_values_dirs_with_target_plurals(camb: Camb, tmp_path: Path) -> None:
    """strings.xml → values-pl/values-ja against the sandbox: every row translated, CLDR quantities, the
    untranslatable string and the comments kept."""
    pattern = str(tmp_path / "res" / "values-{lang}" / "strings.xml")
    job = camb.translate_catalog(GOLDEN / "strings.xml", to=["pl-pl", "ja-jp"], out=pattern)
    assert isinstance(job, BatchJob)
    frames = job.result(timeout=60)
    for lang, quantities in (("pl-pl", ["one", "few", "many", "other"]), ("ja-jp", ["other"])):
        data = (tmp_path / "res" / f"values-{lang[:2]}" / "strings.xml").read_bytes()
        units = ANDROID.parse(data, "strings.xml").units
        assert [u.plural for u in units if u.key == "songs"] == quantities
        assert all(u.source.startswith("[sandbox") for u in units), [u.source for u in units]
        assert b'<string name="app_name" translatable="false">CAMB Notes</string>' in data
        assert b"<!-- Greeting on the home screen." in data and b"<!-- Number of songs -->" in data
        assert set(frames[lang].state) == {"translated"}
