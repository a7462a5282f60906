"""CSV/TSV and XLSX catalogs: a header row naming the columns (any subset of COLUMNS, `source` required).

CSV: each record's raw text is kept; an edited record is re-rendered with the file's delimiter, quote and
line ending (the csv module does the quoting), untouched ones come back byte for byte. Why not pandas'
reader: it cannot give the records' raw text back. Unknown columns are kept per row (`extra`).
XLSX (openpyxl): a workbook with nothing changed is returned as its original bytes; otherwise the original
workbook is loaded and only the edited cells/rows are set (formatting and other sheets stay), then saved.
`locations` and `flags` cells hold the items joined by ", ".
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import Any

from ._model import COLUMNS, STATES, CatalogError, Parsed, Unit, is_pristine

__all__ = ["CSV", "XLSX", "CsvFormat", "XlsxFormat"]

_RECORD_END = re.compile(r"\r\n|\n|\r")
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$")


def _cells_to_unit(row: Mapping[str, str | None], extra: dict[str, Any]) -> Unit:
    """A unit from a row's cells (empty cells are None; tuples from ', '-joined cells)."""

    def cell(name: str) -> str | None:
        value = row.get(name)
        return None if value is None or value == "" else str(value)

    def items(name: str) -> tuple[str, ...]:
        value = cell(name)
        return tuple(v for v in value.split(", ") if v) if value else ()

    target = cell("target")
    state = cell("state")
    if state not in STATES:
        state = "translated" if target else "new"
    length = cell("max_length")
    return Unit(
        key=cell("key") or cell("source") or "",
        context=cell("context"),
        source=cell("source") or "",
        target=target,
        plural=cell("plural"),
        note=cell("note"),
        locations=items("locations"),
        flags=items("flags"),
        state=state,
        max_length=int(float(length)) if length and length.replace(".", "", 1).isdigit() else None,
        extra=extra,
    )


def _unit_cells(unit: Unit, header: list[str]) -> list[str]:
    """The row's cells in header order (unknown columns from the unit's extra)."""
    values = dict(zip(COLUMNS, unit.values(), strict=True))
    others = unit.extra.get("other", {})
    out = []
    for name in header:
        if name in values:
            value = values[name]
            if isinstance(value, tuple):
                value = ", ".join(value)
            out.append("" if value is None else str(value))
        else:
            out.append(str(others.get(name, "")))
    return out


def _check_header(header: list[str], path: str) -> None:
    if "source" not in header:
        raise CatalogError(
            path, 1, 1, f"expected a header row naming the columns (with 'source'); got {header!r}"
        )


class CsvFormat:
    """CSV/TSV catalogs (see the module docstring)."""

    name: str = "csv"
    extensions: tuple[str, ...] = (".csv", ".tsv")

    def sniff(self, head: bytes, path: str) -> bool:
        first = head.split(b"\n", 1)[0]
        return b"source" in first and any(d in first for d in (b",", b";", b"\t"))

    def parse(self, data: bytes, path: str) -> Parsed:
        bom = data.startswith(b"\xef\xbb\xbf")
        try:
            text = data[3 if bom else 0 :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CatalogError(path, data[: exc.start].count(b"\n") + 1, None, "UTF-8 text") from None
        first = _RECORD_END.split(text, 1)[0]
        delimiter = max((",", ";", "\t"), key=first.count)
        newline = (_RECORD_END.search(text) or re.search("\n", "\n")).group(0)  # type: ignore[union-attr]
        records = self._records(text, delimiter, path)
        if not records:
            raise CatalogError(path, 1, 1, "expected a header row naming the columns")
        header = records[0][1]
        _check_header(header, path)
        units = []
        for index, (_raw, cells, line) in enumerate(records[1:], start=1):
            if len(cells) != len(header):
                raise CatalogError(
                    path, line, None, f"expected {len(header)} cells like the header, got {len(cells)}"
                )
            row = dict(zip(header, cells, strict=True))
            other = {k: v for k, v in row.items() if k not in COLUMNS}
            units.append(_cells_to_unit(row, {"r": index, "other": other} if other else {"r": index}))
        meta = {
            "header_raw": records[0][0],
            "raws": [r[0] for r in records[1:]],
            "header": header,
            "delimiter": delimiter,
            "newline": newline,
            "bom": bom,
        }
        return Parsed(units, meta)

    def _records(self, text: str, delimiter: str, path: str) -> list[tuple[str, list[str], int]]:
        """(raw text, cells, first line) per record; the csv module reads, line spans give the raw text."""
        lines = _LINES.findall(text)  # not str.splitlines: it also splits at \x0b, \x1c, \u2028...
        consumed: list[str] = []

        def feed() -> Any:
            for line in lines:
                consumed.append(line)
                yield line

        reader = csv.reader(feed(), delimiter=delimiter, strict=True)
        out: list[tuple[str, list[str], int]] = []
        line_no = 1
        try:
            for cells in reader:
                raw = "".join(consumed)
                consumed.clear()
                if cells:
                    out.append((raw, cells, line_no))
                elif out:
                    out[-1] = (out[-1][0] + raw, out[-1][1], out[-1][2])  # blank line: kept with the record
                line_no += raw.count("\n") or 1
        except csv.Error as exc:
            raise CatalogError(path, reader.line_num, None, f"expected well-formed CSV ({exc})") from None
        return out

    def render(self, units: list[Unit], meta: dict[str, Any], target_lang: str | None) -> bytes:
        header: list[str] = meta.get("header") or list(COLUMNS)
        delimiter = meta.get("delimiter", ",")
        newline = meta.get("newline", "\n")
        raws: list[str] = meta.get("raws", [])
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)

        def record(cells: list[str]) -> str:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(cells)
            return buffer.getvalue()

        out = [meta["header_raw"] if "header_raw" in meta else record(header)]
        for unit in units:
            r = unit.extra.get("r")
            if isinstance(r, int) and 0 < r <= len(raws) and is_pristine(unit):
                out.append(raws[r - 1])
                continue
            if not out[-1].endswith(("\n", "\r")):
                out[-1] += newline
            out.append(record(_unit_cells(unit, header)))
        text = "".join(out)
        data = text.encode("utf-8")
        return b"\xef\xbb\xbf" + data if meta.get("bom") else data


class XlsxFormat:
    """XLSX catalogs through openpyxl (see the module docstring)."""

    name: str = "xlsx"
    extensions: tuple[str, ...] = (".xlsx",)

    def sniff(self, head: bytes, path: str) -> bool:
        return head.startswith(b"PK\x03\x04") and b"xl/" in head

    def parse(self, data: bytes, path: str) -> Parsed:
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises zipfile/KeyError/ValueError alike for a bad workbook
            raise CatalogError(
                path, None, None, f"expected an XLSX workbook ({type(exc).__name__})"
            ) from None
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(c) if c is not None else "" for c in next(rows, ())]
        _check_header(header, path)
        units = []
        for number, values in enumerate(rows, start=2):
            if all(v is None for v in values):
                continue
            row = {h: (None if v is None else str(v)) for h, v in zip(header, values, strict=False)}
            other = {k: v for k, v in row.items() if k not in COLUMNS and k}
            units.append(_cells_to_unit(row, {"row": number, "other": other} if other else {"row": number}))
        book.close()
        return Parsed(units, {"data": data, "sheet": sheet.title, "header": header, "count": len(units)})

    def render(self, units: list[Unit], meta: dict[str, Any], target_lang: str | None) -> bytes:
        import openpyxl

        if meta and len(units) == meta["count"] and all(is_pristine(u) for u in units):
            rows = [int(u.extra.get("row") or 0) for u in units]
            if rows == sorted(rows) and 0 not in rows:
                return bytes(meta["data"])
        if meta:
            book = openpyxl.load_workbook(io.BytesIO(meta["data"]))
            sheet = book[meta["sheet"]]
            header = list(meta["header"])
        else:
            book = openpyxl.Workbook()
            sheet = book.active
            header = list(COLUMNS)
            sheet.append(header)
        kept = {u.extra.get("row") for u in units}
        for number in range(sheet.max_row, 1, -1):
            if meta and number not in kept and any(c.value is not None for c in sheet[number]):
                sheet.delete_rows(number)
                units = [_shift(u, number) for u in units]
        for unit in units:
            at = unit.extra.get("row")
            if isinstance(at, int) and is_pristine(unit):
                continue
            cells = _unit_cells(unit, header)
            if not isinstance(at, int):
                sheet.append([c or None for c in cells])
                continue
            for col, value in enumerate(cells, start=1):
                sheet.cell(row=at, column=col).value = value or None
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def _shift(unit: Unit, deleted: int) -> Unit:
    """The unit with its row number moved up past a deleted row."""
    row = unit.extra.get("row")
    if isinstance(row, int) and row > deleted:
        unit.extra["row"] = row - 1
    return unit


CSV = CsvFormat()
XLSX = XlsxFormat()
