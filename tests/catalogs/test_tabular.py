"""CSV/TSV and XLSX catalogs: golden round trips, edited rows re-rendered, extra columns kept, errors."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from camb_notebook.catalogs import COLUMNS, CatalogError, read, write

GOLDEN = Path(__file__).parent / "golden" / "tabular"
CSVS = sorted(p for p in GOLDEN.iterdir() if p.suffix in (".csv", ".tsv"))
XLSXS = sorted(GOLDEN.glob("*.xlsx"))


def test_golden_set_covers_crlf_bom_plurals_and_non_ascii() -> None:
    assert len(CSVS) >= 3 and len(XLSXS) >= 3
    datas = [p.read_bytes() for p in CSVS]
    assert any(b"\r\n" in d for d in datas) and any(d.startswith(b"\xef\xbb\xbf") for d in datas)
    assert all(max(d) > 127 for d in datas)


@pytest.mark.parametrize("path", CSVS + XLSXS, ids=lambda p: p.name)
def test_untouched_file_is_byte_identical(path: Path, tmp_path: Path) -> None:
    out = write(read(path), tmp_path / path.name)
    assert out.read_bytes() == path.read_bytes()


def test_csv_columns_and_values() -> None:
    frame = read(GOLDEN / "catalog_crlf.csv")
    assert list(frame.columns) == list(COLUMNS)
    first = frame.iloc[0]
    assert first.locations == ("app/views.py:10", "app/home.html:4") and first.max_length == 40
    assert (
        frame.iloc[5].source == 'Line one\r\nline two with "quotes", commas'
        and frame.iloc[5].state == "fuzzy"
    )
    assert frame.loc[frame.plural.notna(), "plural"].tolist() == ["one", "other"]
    tsv = read(GOLDEN / "plurals.tsv")
    assert tsv.plural.tolist() == ["one", "few", "many", None] and tsv.iloc[0].key == "One apple"


@pytest.mark.parametrize("path", CSVS, ids=lambda p: p.name)
def test_csv_edited_rows_only(path: Path, tmp_path: Path) -> None:
    frame = read(path)
    frame.loc[1, "target"] = 'Nouveau; "texte",\nsur deux lignes'
    out = write(frame, tmp_path / path.name)
    again = read(out)
    assert again.loc[1, "target"] == 'Nouveau; "texte",\nsur deux lignes'
    assert again.drop(index=1).equals(read(path).drop(index=1))
    old, new = path.read_bytes(), out.read_bytes()
    assert new.startswith(old[: old.index(b"\n") + 1])  # the header row's bytes


def test_csv_keeps_unknown_columns(tmp_path: Path) -> None:
    frame = read(GOLDEN / "semicolon_bom.csv")
    frame.loc[1, "target"] = "Beenden"
    out = write(frame, tmp_path / "x.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbfkey;source;target;note;team\n")
    assert b"quit;Quit;Beenden;;ui\n" in out.read_bytes()


def test_xlsx_edits_keep_other_cells_formatting_and_sheets(tmp_path: Path) -> None:
    frame = read(GOLDEN / "catalog.xlsx")
    frame.loc[1, "target"] = "Annuler"
    frame.loc[1, "state"] = "translated"
    out = write(frame, tmp_path / "catalog.xlsx")
    book = openpyxl.load_workbook(out)
    sheet = book["strings"]
    assert sheet["D3"].value == "Annuler" and sheet["D2"].value == "D'accord" and sheet["A1"].font.bold
    assert read(out).drop(index=1).equals(frame.drop(index=1))
    extra = read(GOLDEN / "extra_columns.xlsx")
    extra.loc[1, "target"] = "Bêta"
    out2 = write(extra, tmp_path / "extra.xlsx")
    assert openpyxl.load_workbook(out2).active["E3"].value == "bo"


def test_fresh_file_from_a_plain_frame(tmp_path: Path) -> None:
    frame = read(GOLDEN / "plurals.tsv")
    frame.attrs.clear()
    for name in ("new.csv", "new.xlsx"):
        out = write(frame, tmp_path / name)
        assert read(out)[["source", "target", "plural"]].equals(frame[["source", "target", "plural"]])


@pytest.mark.parametrize(
    ("name", "data", "where"),
    [
        ("bad.csv", b"key,target\na,b\n", "bad.csv:1:1: expected a header row naming the columns"),
        ("bad.csv", b"key,source\na,b,c\n", "bad.csv:2: expected 2 cells like the header, got 3"),
        ("bad.csv", b'key,source\na,"b\n', "bad.csv:2: expected well-formed CSV"),
        ("bad.xlsx", b"PK\x03\x04 not a zip", "bad.xlsx: expected an XLSX workbook"),
    ],
)
def test_malformed_file_is_one_line_with_position(tmp_path: Path, name: str, data: bytes, where: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(data)
    with pytest.raises(CatalogError) as caught:
        read(bad)
    assert "\n" not in str(caught.value) and where in str(caught.value)
