"""gettext .po/.pot: a hand-written parser that keeps every entry's raw lines.

Why hand-written: polib and Babel's pofile re-serialise entries (re-wrapping strings, re-ordering comments,
dropping some obsolete-entry comments), so `write(read(f))` would not give `f` back byte for byte. Here each
entry keeps its raw text and the raw text of each of its parts (comment lines, msgctxt, msgid, msgid_plural,
msgstr); `_po_render.py` re-renders only the parts whose values changed. Units: one per entry, or one per
plural form (msgstr[i] -> CLDR category through the Plural-Forms header and the Language, `_plurals.py`);
the header entry (msgid "") is meta, not a unit.
"""

from __future__ import annotations

import re
from typing import Any

from ._model import CatalogError, Parsed, Unit
from ._plurals import gettext_categories, parse_plural_forms
from ._po_fast import parse_fast
from ._po_render import plural_categories, render_po
from ._po_text import unescape

__all__ = ["PO", "PoFormat"]

_FIELD = re.compile(
    r'[ \t]*(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]+"((?:[^"\\]|\\.)*)"[ \t]*$'
)
_CONT = re.compile(r'[ \t]*"((?:[^"\\]|\\.)*)"[ \t]*$')
_CHARSET = re.compile(rb"charset=([A-Za-z0-9_.:-]+)")
_EXPECTED = 'expected a comment, msgctxt, msgid, msgstr or a "quoted string"'


def _charset(data: bytes) -> str:
    found = _CHARSET.search(data[:8192])
    name = found.group(1).decode("ascii") if found else "utf-8"
    try:
        "".encode(name)
    except LookupError:
        return "utf-8"
    return name


def _decode(data: bytes, path: str) -> tuple[str, bool, str]:
    """(text, had a UTF-8 BOM, encoding) of a PO file's bytes."""
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    encoding = "utf-8" if bom else _charset(body)
    try:
        return body.decode(encoding), bom, encoding
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        col = exc.start - body.rfind(b"\n", 0, exc.start)
        raise CatalogError(path, line, col, f"text in {encoding} (the header's charset)") from None


class _Entry:
    """An entry being parsed: its parts (kind, raw text) and field values."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.parts: list[list[str]] = []
        self.fields: dict[str, list[str]] = {}
        self.obsolete = False
        self.last: str | None = None
        self.has_str = False

    def complete(self) -> bool:
        return self.has_str


def _comment_text(content: str, kind: str) -> str:
    text = content[len(kind) :]
    return text[1:] if text.startswith(" ") else text


def _finish(entry: _Entry, path: str, lineno: int) -> dict[str, Any]:
    """The meta dict of a parsed entry (raw parts + values)."""
    f = {k: "".join(v) for k, v in entry.fields.items()}
    if "msgid" not in f:
        raise CatalogError(path, lineno, 1, "expected msgid before msgstr")
    if not entry.complete():
        raise CatalogError(path, lineno, 1, f"expected msgstr for the msgid on line {entry.line}")
    plural = "msgid_plural" in f
    if plural:
        count = max((int(k[7:-1]) for k in f if k.startswith("msgstr[")), default=-1) + 1
        strs = [f.get(f"msgstr[{i}]", "") for i in range(count)]
        if "msgstr" in f or count == 0:
            raise CatalogError(path, entry.line, 1, "expected msgstr[N] forms after msgid_plural")
    else:
        if any(k.startswith("msgstr[") for k in f):
            raise CatalogError(path, entry.line, 1, "expected msgid_plural before msgstr[N]")
        strs = [f["msgstr"]]
    flags: list[str] = []
    locations: list[str] = []
    notes: list[str] = []
    for kind, raw in entry.parts:
        if kind[0] != "#":
            continue
        content = raw.rstrip("\r\n")
        if kind == "#,":
            flags.extend(x.strip() for x in _comment_text(content, kind).split(",") if x.strip())
        elif kind == "#:":
            locations.extend(_comment_text(content, kind).split())
        elif kind in ("#", "#."):
            notes.append(_comment_text(content, kind))
    return {
        "raw": "".join(p[1] for p in entry.parts),
        "parts": entry.parts,
        "obsolete": entry.obsolete,
        "ctx": f.get("msgctxt"),
        "id": f["msgid"],
        "id_plural": f.get("msgid_plural"),
        "strs": strs,
        "flags": tuple(flags),
        "locations": tuple(locations),
        "note": "\n".join(notes) if notes else None,
        "header": False,
    }


def _parse_entries(text: str, path: str) -> tuple[list[str | int], list[dict[str, Any]]]:
    """Segments (raw text between entries, or an entry's index) and the entries' meta."""
    segments: list[str | int] = []
    entries: list[dict[str, Any]] = []
    gap: list[str] = []
    entry: _Entry | None = None

    def close(lineno: int) -> None:
        nonlocal entry
        if entry is None:
            return
        if "msgid" not in entry.fields and not entry.complete():
            gap.append("".join(p[1] for p in entry.parts))  # a comment-only block: kept as is
        else:
            if gap:
                segments.append("".join(gap))
                gap.clear()
            segments.append(len(entries))
            entries.append(_finish(entry, path, lineno))
        entry = None

    pieces = text.split("\n")
    last_line = len(pieces) - 1
    for lineno, piece in enumerate(pieces, start=1):
        if lineno > last_line:
            if not piece:
                break  # the text ended with a newline
            raw = piece
        else:
            raw = piece + "\n"
        content = piece[:-1] if piece.endswith("\r") else piece
        first = content[:1]
        if first == "#" and not content.startswith("#~"):
            kind = content[:2] if content[1:2] in (".", ":", ",", "|") else "#"
            if entry is None or entry.has_str:
                close(lineno)
                entry = _Entry(lineno)
            entry.parts.append([kind, raw])
            continue
        if first == '"' and entry is not None and entry.last is not None:
            cont = _CONT.match(content)  # the common continuation line, first
            if cont is not None:
                value = unescape(cont.group(1))
                if value is None:
                    raise CatalogError(path, lineno, 1, 'valid escapes (\\n \\t \\" \\\\ ...)')
                entry.fields[entry.last].append(value)
                entry.parts[-1][1] += raw
                continue
        if not content.strip():
            close(lineno)
            gap.append(raw)
            continue
        obsolete = content.startswith("#~")
        body = content
        if obsolete:
            body = content[2:].lstrip(" ")
            if not body or body.startswith(("|", "#")):
                kind = "#~|" if body.startswith("|") else "#~"
                if entry is None or entry.complete():
                    close(lineno)
                    entry = _Entry(lineno)
                entry.parts.append([kind, raw])
                continue
        elif content.startswith("#"):
            kind = content[:2] if content[1:2] in (".", ":", ",", "|") else "#"
            if entry is None or entry.complete():
                close(lineno)
                entry = _Entry(lineno)
            entry.parts.append([kind, raw])
            continue
        field = _FIELD.match(body)
        if field is not None:
            name, _, quoted = field.groups()
            if entry is None or (name in ("msgctxt", "msgid") and (entry.complete() or name in entry.fields)):
                close(lineno)
                entry = _Entry(lineno)
            if name in entry.fields:
                raise CatalogError(path, lineno, 1, f"one {name} per entry (a second one here)")
            value = unescape(quoted)
            if value is None:
                raise CatalogError(
                    path, lineno, content.index('"') + 1, 'valid escapes (\\n \\t \\" \\\\ ...)'
                )
            entry.fields[name] = [value]
            entry.has_str = entry.has_str or name.startswith("msgstr")
            entry.obsolete = entry.obsolete or obsolete
            entry.parts.append([name, raw])
            entry.last = name
            continue
        cont = _CONT.match(body)
        if cont is not None and entry is not None and entry.last is not None:
            value = unescape(cont.group(1))
            if value is None:
                raise CatalogError(
                    path, lineno, content.index('"') + 1, 'valid escapes (\\n \\t \\" \\\\ ...)'
                )
            entry.fields[entry.last].append(value)
            entry.parts[-1][1] += raw
            continue
        col = len(content) - len(content.lstrip()) + 1
        raise CatalogError(path, lineno, col, _EXPECTED)
    close(len(pieces))
    if gap:
        segments.append("".join(gap))
    return segments, entries


def _header_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.split("\n"):
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


class PoFormat:
    """gettext PO/POT catalogs (see the module docstring)."""

    name: str = "po"
    extensions: tuple[str, ...] = (".po", ".pot")

    def sniff(self, head: bytes, path: str) -> bool:
        return b'msgid "' in head and b"msgstr" in head

    def parse(self, data: bytes, path: str) -> Parsed:
        text, bom, encoding = _decode(data, path)
        fast = parse_fast(text)
        segments, entries = fast if fast is not None else _parse_entries(text, path)
        first = text.split("\n", 1)[0]
        meta: dict[str, Any] = {
            "segments": segments,
            "entries": entries,
            "newline": "\r\n" if first.endswith("\r") else "\n",
            "bom": bom,
            "encoding": encoding,
            "language": None,
            "plural_forms": None,
            "source_lang": None,
            "target_lang": None,
        }
        for entry in entries:
            if entry["id"] == "" and entry["ctx"] is None and not entry["obsolete"]:
                entry["header"] = True
                fields = _header_fields(entry["strs"][0])
                meta["language"] = fields.get("Language") or None
                meta["plural_forms"] = parse_plural_forms(fields.get("Plural-Forms", ""))
                meta["target_lang"] = meta["language"]
                break
        forms = meta["plural_forms"] or (2, "n != 1")
        cats = gettext_categories(forms[0], forms[1], meta["language"])
        units: list[Unit] = []
        for index, entry in enumerate(entries):
            if entry["header"]:
                continue
            flags = entry["flags"]
            fuzzy = "fuzzy" in flags
            for i, target in enumerate(entry["strs"]):
                plural = None if entry["id_plural"] is None else (cats[i] if i < len(cats) else f"form{i}")
                source = entry["id"] if plural in (None, "one") else entry["id_plural"]
                if entry["obsolete"]:
                    state = "obsolete"
                elif fuzzy:
                    state = "fuzzy"
                else:
                    state = "translated" if target else "new"
                units.append(
                    Unit(
                        key=entry["id"],
                        context=entry["ctx"],
                        source=source,
                        target=target or None,
                        plural=plural,
                        note=entry["note"],
                        locations=entry["locations"],
                        flags=flags,
                        state=state,
                        extra={"e": index, "i": i if plural is not None else None},
                    )
                )
        return Parsed(units, meta)

    def render(self, units: list[Unit], meta: dict[str, Any], target_lang: str | None) -> bytes:
        return render_po(units, meta, target_lang)

    def plural_categories(self, lang: str, meta: dict[str, Any]) -> tuple[str, ...]:
        """The plural categories a file of this catalog in `lang` has (its msgstr[i] order)."""
        return plural_categories(meta, lang)


PO = PoFormat()
