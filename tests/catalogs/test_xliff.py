"""XLIFF 1.2 and 2.0: golden files byte for byte, edited targets re-read equal, bad input in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from camb_notebook.catalogs import COLUMNS, read, write
from camb_notebook.catalogs._model import CatalogError, CatalogFormat, Unit, mark_pristine
from camb_notebook.catalogs._xliff import XLIFF12
from camb_notebook.catalogs._xliff1 import XLIFF1
from camb_notebook.catalogs._xliff2 import XLIFF20
from camb_notebook.jobs import BatchJob
from camb_notebook.sessions import Camb

GOLDEN = Path(__file__).parent / "golden" / "xliff"
FILES = sorted(GOLDEN.iterdir())


def _format(data: bytes) -> CatalogFormat:
    return XLIFF20 if XLIFF20.sniff(data[:4096], "x.xlf") else XLIFF12


def test_golden_set_covers_both_versions_crlf_and_non_ascii() -> None:
    """At least three golden files per version, one with CRLF line ends, non-ASCII text in each version."""
    datas = [f.read_bytes() for f in FILES]
    v2 = [d for d in datas if _format(d) is XLIFF20]
    v1 = [d for d in datas if _format(d) is XLIFF12]
    assert len(v1) >= 3 and len(v2) >= 3
    assert any(b"\r\n" in d for d in v1) and any(b"\r\n" in d for d in v2)
    assert all(any(max(d) > 127 for d in group) for group in (v1, v2))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_untouched_file_is_byte_identical(path: Path) -> None:
    """parse → render with nothing changed gives the same bytes (also with the file's own target language)."""
    data = path.read_bytes()
    fmt = _format(data)
    parsed = fmt.parse(data, str(path))
    mark_pristine(parsed.units)
    assert parsed.units
    assert fmt.render(parsed.units, parsed.meta, None) == data
    assert fmt.render(parsed.units, parsed.meta, parsed.meta["target_lang"]) == data


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_set_targets_render_reparse(path: Path) -> None:
    """Targets with markup characters and the unit's inline codes survive a write; other units keep bytes."""
    data = path.read_bytes()
    fmt = _format(data)
    parsed = fmt.parse(data, str(path))
    mark_pristine(parsed.units)
    first = parsed.units[0]
    for unit in parsed.units[1:]:
        unit.target = f"«{unit.source}» & <3 \"q\" 'a'"
        unit.state = "translated"
    out = fmt.render(parsed.units, parsed.meta, "pl-pl")
    again = fmt.parse(out, str(path))
    assert [u.target for u in again.units[1:]] == [u.target for u in parsed.units[1:]]
    assert [u.state for u in again.units[1:]] == ["translated"] * (len(parsed.units) - 1)
    assert [u.source for u in again.units] == [u.source for u in parsed.units]
    assert (again.units[0].target, again.units[0].state) == (first.target, first.state)
    assert again.meta["target_lang"] == "pl-PL"


def test_values_mapped_from_xliff12() -> None:
    """Angular's meaning is the context, description the note, context-groups the locations."""
    parsed = XLIFF12.parse((GOLDEN / "angular.xlf").read_bytes(), "angular.xlf")
    head = parsed.units[0]
    assert (head.key, head.context, head.source, head.target, head.state) == (
        "introductionHeader",
        "User welcome",
        "Hello i18n!",
        None,
        "new",
    )
    assert head.note == "An introduction header for this sample"
    assert head.locations == ("src/app/app.component.html:4",)
    assert parsed.units[2].source == 'Tom & Jerry <3 "quoted" © 2024'
    xcode = {u.key: u for u in XLIFF12.parse((GOLDEN / "xcode-crlf.xliff").read_bytes(), "x").units}
    assert "brand" not in xcode  # translate="no"
    assert (xcode["settings.title"].state, xcode["settings.title"].max_length) == ("translated", 20)
    assert xcode["settings.greeting"].state == "fuzzy"
    assert xcode["settings.greeting"].source == 'Grüß <g id="1" ctype="bold">Gott</g>, %@!'
    assert xcode["code.sample"].source.endswith("<now>")  # CDATA is text, not markup


def test_values_mapped_from_xliff20() -> None:
    """Segments are rows; sizeRestriction is max_length; states map to ours."""
    units = {u.key: u for u in XLIFF20.parse((GOLDEN / "menu-crlf.xlf").read_bytes(), "m").units}
    assert set(units) == {"menu.open", "menu.save#s1", "menu.save#s2", "u4"}
    assert units["menu.open"].max_length == 12
    assert (units["menu.save#s1"].state, units["menu.save#s2"].state) == ("new", "translated")
    assert units["menu.save#s2"].source == 'Overwrite "%s"?'


def test_inline_code_placeholders_restored_in_place() -> None:
    """A translation that keeps the raw inline tags writes them back as markup, not escaped text."""
    data = (GOLDEN / "xcode-crlf.xliff").read_bytes()
    parsed = XLIFF12.parse(data, "x")
    mark_pristine(parsed.units)
    unit = next(u for u in parsed.units if u.key == "code.sample")
    unit.target = 'Drücke <ph id="1">&lt;kbd&gt;</ph>Eingabe<ph id="2">&lt;/kbd&gt;</ph> <now>'
    out = XLIFF12.render(parsed.units, parsed.meta, None)
    assert b'<ph id="1">&lt;kbd&gt;</ph>Eingabe<ph id="2">&lt;/kbd&gt;</ph> &lt;now&gt;</target>' in out
    assert XLIFF12.parse(out, "x").units[3].target == unit.target


def test_one_format_for_both_versions() -> None:
    """The "xliff" format reads either version and writes a frame back in the version it came from."""
    for name, version in (("angular.xlf", "xliff"), ("angular-v2.xlf", "xliff2")):
        parsed = XLIFF12.parse((GOLDEN / name).read_bytes(), name)
        assert parsed.meta["format"] == version
        mark_pristine(parsed.units)
        parsed.units[0].target = "Bonjour"
        again = XLIFF12.parse(XLIFF12.render(parsed.units, parsed.meta, "fr"), name)
        assert again.meta["format"] == version and again.units[0].target == "Bonjour"
    assert XLIFF12.render([Unit("a", source="A")], {}, None).count(b'version="1.2"') == 1


def test_new_units_and_fresh_files() -> None:
    """Units without a place in the file are appended; an empty meta writes a whole new file."""
    units = [Unit("greet", source="Hi <b>", target="Salut", state="translated"), Unit("menu", "ctx", "File")]
    for fmt in (XLIFF12, XLIFF20):
        out = fmt.render(units, {}, "fr-fr")
        again = fmt.parse(out, "new.xlf")
        got = [(u.key, u.context, u.source, u.target, u.state) for u in again.units]
        assert got == [("greet", None, "Hi <b>", "Salut", "translated"), ("menu", "ctx", "File", None, "new")]
        assert again.meta["target_lang"] == "fr-FR"


_V1 = b'<xliff version="1.2"><file><body>\n<trans-unit id="a">'
_END = b"</trans-unit></body></file></xliff>"


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (_V1 + b"<source>x</target>", ":2:29: expected '</source>'"),
        (_V1 + b"<source>a & b</source>" + _END, ":2:30: expected an entity"),
        (
            b'<xliff version="2.0"><file>\n<unit id="a"><segment></segment></unit></file></xliff>',
            ":2:23: expected",
        ),
        (b'<xliff version="1.2">\n  <file><body><trans-unit', ":2:15: expected attributes"),
    ],
)
def test_bad_input_is_one_line_with_position(data: bytes, where: str) -> None:
    """Malformed XLIFF raises CatalogError naming path:line:col and what was expected, on one line."""
    fmt = _format(data)
    with pytest.raises(CatalogError) as info:
        fmt.parse(data, "bad.xlf")
    message = str(info.value)
    assert message.startswith("bad.xlf:") and where in message and "\n" not in message


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_read_write_frame_round_trip(path: Path, tmp_path: Path) -> None:
    """catalogs.read → catalogs.write (through the frame) gives a byte-identical file."""
    frame = read(path)
    assert list(frame.columns) == list(COLUMNS) and len(frame)
    assert write(frame, tmp_path / path.name).read_bytes() == path.read_bytes()


def test_units_from_another_format_write_a_fresh_file() -> None:
    """Units parsed from XLIFF 2.0 (with its extras and meta) become a fresh XLIFF 1.2 file, and back."""
    parsed = XLIFF20.parse((GOLDEN / "menu-crlf.xlf").read_bytes(), "m.xlf")
    mark_pristine(parsed.units)
    v1 = XLIFF1.parse(XLIFF1.render(parsed.units, parsed.meta, "fr"), "x.xlf")
    assert v1.meta["format"] == "xliff"
    assert [(u.key, u.source, u.target) for u in v1.units] == [
        (u.key, u.source, u.target) for u in parsed.units
    ]
    v2 = XLIFF20.parse(XLIFF20.render(v1.units, v1.meta, "fr"), "x.xlf")
    assert [(u.key, u.source, u.target) for u in v2.units] == [
        (u.key, u.source, u.target) for u in parsed.units
    ]


def test_translate_catalog_fills_missing_targets_in_place(camb: Camb, tmp_path: Path) -> None:
    """An XLIFF 1.2 file through translate_catalog against the sandbox: missing targets filled, the file
    stays 1.2 with CRLF, target-language set, translated/fuzzy units and untranslatable ones unchanged."""
    source = GOLDEN / "xcode-crlf.xliff"
    out = tmp_path / "{lang}.xliff"
    job = camb.translate_catalog(source, to="pl-pl", out=str(out))
    assert isinstance(job, BatchJob)
    frame = job.result(timeout=60)["pl-pl"]
    data = (tmp_path / "pl.xliff").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") and b'version="1.2"' in data
    assert b'target-language="pl-PL"' in data and b'<trans-unit id="brand" translate="no">' in data
    before = {u.key: u for u in XLIFF12.parse(source.read_bytes(), "x").units}
    after = {u.key: u for u in XLIFF12.parse(data, "x").units}
    for key, unit in before.items():
        if unit.state == "new":
            assert (after[key].target or "").startswith("[sandbox"), key
            assert after[key].state == "translated"
        else:
            assert (after[key].target, after[key].state) == (unit.target, unit.state)
    assert set(frame.state) == {"translated", "fuzzy"}
