"""XLIFF 1.2 (`trans-unit`) read and written back byte for byte; the shared target writer for 1.2 and 2.0.

Hand-written over `_xliff_xml`'s offset-keeping scanner (see there why no DOM library): a unit's new target
is spliced into the original text, so every untouched unit, comment and attribute keeps its bytes.

Mapping: key = `resname` (else `id`); context = a `<note from="meaning">` (Angular's meaning); note = the
other notes; locations = `context-group purpose="location"` (`sourcefile:linenumber`); max_length = `maxwidth`
when `size-unit` is `char` or absent; state: no target → new, `translated`/`signed-off`/`final` or
`approved="yes"` → translated, `needs-review-*` → fuzzy, other `needs-*`/`new` → new; written back as
`translated`, `needs-review-translation`, `new`. Units with `translate="no"` are not rows (kept as bytes).
Inline codes (`<g>`, `<x/>`, `<bx/>`, `<ex/>`, `<ph>`, `<bpt>`, `<ept>`, `<it>`, `<mrk>`) stay raw tags in
the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ._model import Parsed, Unit, is_pristine
from ._xliff_write import (
    apply_edits,
    ends_at,
    escape_attr,
    escape_text,
    line_ending,
    line_indent,
    on_own_line,
    set_attr,
)
from ._xliff_xml import Element, XmlDoc, decode_document, encode_document, inner_text, markup_pieces, scan

__all__ = ["XLIFF12", "Xliff12Format", "append_point", "lang_tag", "new_unit12", "render_xliff"]

WHOLE = ("x", "bx", "ex", "ph", "bpt", "ept", "it", "sc", "ec", "sm", "em", "cp")
INLINE = (*WHOLE, "g", "mrk", "pc", "sub")
_STATE_IN = {"translated": "translated", "signed-off": "translated", "final": "translated"}
_STATE_OUT = {
    "translated": "translated",
    "fuzzy": "needs-review-translation",
    "new": "new",
    "obsolete": "new",
}


def lang_tag(locale: str) -> str:
    """A BCP 47 tag as XLIFF writes it: "pl-pl" → "pl-PL", "zh_hant_tw" → "zh-Hant-TW"."""
    parts = re.split(r"[-_]", locale)
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.title() if len(part) == 4 else part.upper() if len(part) <= 3 else part)
    return "-".join(out)


def version_of(head: bytes) -> str | None:
    """The XLIFF version named in the first bytes ("1.2", "2.0", …), or None."""
    text = head[:4096].decode("utf-8", "replace").replace("\x00", "")
    if "<xliff" not in text:
        return None
    match = re.search(r"""<xliff\b[^>]*?\bversion\s*=\s*["']([0-9.]+)["']""", text, re.S)
    return match.group(1) if match else "1.2"


class Xliff12Format:
    """XLIFF 1.2 (`.xlf`, `.xliff`): bilingual, one row per `trans-unit`."""

    name: str = "xliff"
    extensions: tuple[str, ...] = (".xlf", ".xliff")

    def sniff(self, head: bytes, path: str) -> bool:
        """An `<xliff>` root whose version is 1.x."""
        version = version_of(head)
        return version is not None and version.startswith("1")

    def parse(self, data: bytes, path: str) -> Parsed:
        """Rows for every translatable `trans-unit`; meta keeps the text and each unit's target span."""
        text, encoding, bom = decode_document(data, path)
        doc = scan(text, path)
        if doc.root.local != "xliff":
            raise doc.error(doc.root.start, f"expected an <xliff> root element, found <{doc.root.name}>")
        units: list[Unit] = []
        slots: list[dict[str, Any]] = []
        lang_tags: list[tuple[int, int]] = []
        append = append_point(text, doc.root)
        source_lang = target_lang = None
        for file in doc.root.elements("file"):
            source_lang = source_lang or file.get("source-language")
            target_lang = target_lang or file.get("target-language")
            lang_tags.append((file.start, file.inner_start))
            body = file.first("body")
            if body is None:
                raise doc.error(file.inner_start, "expected a <body> in <file>")
            append = append_point(text, body)
            _walk(doc, body, file.get("original"), units, slots, translate=file.get("translate") != "no")
        meta = {
            "format": "xliff",
            "text": text,
            "encoding": encoding,
            "bom": bom,
            "slots": slots,
            "lang_tags": lang_tags,
            "lang_attr": "target-language",
            "state_on": "target",
            "append": append,
            "source_lang": source_lang,
            "target_lang": target_lang,
        }
        return Parsed(units, meta)

    def render(self, units: list[Unit], meta: dict[str, Any], target_lang: str | None) -> bytes:
        """The file with changed targets (and `target-language` when `target_lang` is given) spliced in."""
        if meta.get("format") != self.name:  # a fresh file: other formats\' extras mean nothing here
            meta = self.parse(SKELETON12.encode(), "new.xlf").meta
            units = [unit.replace(extra={}) for unit in units]
        return render_xliff(units, meta, target_lang, _STATE_OUT, new_unit12)


SKELETON12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="messages" source-language="en" datatype="plaintext">
    <body>
    </body>
  </file>
</xliff>
"""


def new_unit12(unit: Unit, indent: str, newline: str, states: dict[str, str]) -> str:
    """A `<trans-unit>` for a unit that was not in the file (a new row or another format's unit)."""
    inner = indent + "  "
    ident = escape_attr(unit.key + (f"#{unit.context}" if unit.context else ""))
    lines = [f'{indent}<trans-unit id="{ident}" resname="{escape_attr(unit.key)}">']
    lines.append(f"{inner}<source>{escape_text(unit.source, (), INLINE)}</source>")
    if unit.target:
        state = states.get(unit.state, "new")
        lines.append(f'{inner}<target state="{state}">{escape_text(unit.target, (), INLINE)}</target>')
    if unit.context:
        lines.append(f'{inner}<note from="meaning">{escape_text(unit.context)}</note>')
    if unit.note:
        lines.append(f"{inner}<note>{escape_text(unit.note)}</note>")
    lines.append(f"{indent}</trans-unit>")
    return newline.join(lines) + newline


def append_point(text: str, parent: Element) -> tuple[int, str, bool]:
    """Where new children of `parent` go (the start of its end tag's line), its indent, and whether a
    newline must come first (the end tag shares a line with content)."""
    pos = parent.inner_end
    indent = line_indent(text, pos)
    own_line = on_own_line(text, pos)
    if own_line:
        return pos - len(indent), indent, False
    return pos, line_indent(text, parent.start), True


def _walk(
    doc: XmlDoc,
    parent: Element,
    original: str | None,
    units: list[Unit],
    slots: list[dict[str, Any]],
    translate: bool,
) -> None:
    for element in parent.elements("group", "trans-unit", "bin-unit"):
        here = translate and element.get("translate") != "no"
        if element.local == "group":
            _walk(doc, element, original, units, slots, here)
        elif element.local == "trans-unit" and here:
            units.append(_unit(doc, element, original, len(slots), slots))


def _unit(doc: XmlDoc, tu: Element, original: str | None, index: int, slots: list[dict[str, Any]]) -> Unit:
    source = tu.first("source")
    if source is None:
        raise doc.error(tu.inner_start, f"expected a <source> in trans-unit {tu.get('id')!r}")
    target = tu.first("target")
    source_text = inner_text(doc, source, WHOLE)
    target_text = inner_text(doc, target, WHOLE) if target is not None else None
    state_raw = target.get("state") if target is not None else None
    if not target_text:
        state = "new"
    elif _STATE_IN.get(state_raw or "") or tu.get("approved") == "yes":
        state = "translated"
    elif state_raw and state_raw.startswith("needs-review"):
        state = "fuzzy"
    elif state_raw:
        state = "new"
    else:
        state = "translated"
    context, notes = None, []
    for note in tu.elements("note"):
        value = inner_text(doc, note)
        if note.get("from") == "meaning":
            context = value
        else:
            notes.append(value)
    locations = []
    for group in tu.elements("context-group"):
        if group.get("purpose") == "location":
            parts = {c.get("context-type"): inner_text(doc, c) for c in group.elements("context")}
            where = parts.get("sourcefile", "")
            locations.append(f"{where}:{parts['linenumber']}" if parts.get("linenumber") else where)
    width = tu.get("maxwidth")
    max_length = int(width) if width and width.isdigit() and tu.get("size-unit") in (None, "char") else None
    after = tu.first("seg-source") or source
    slots.append(target_slot(doc, after, source, target, state))
    key = tu.get("resname") or tu.get("id") or ""
    extra: dict[str, Any] = {"slot": index, "id": tu.get("id")}
    if original:
        extra["file"] = original
    return Unit(
        key=key,
        context=context,
        source=source_text,
        target=target_text or None,
        note="\n".join(notes) or None,
        locations=tuple(locations),
        state=state,
        max_length=max_length,
        extra=extra,
    )


def target_slot(
    doc: XmlDoc,
    after: Element,
    source: Element,
    target: Element | None,
    state: str,
    state_host: Element | None = None,
) -> dict[str, Any]:
    """What the writer needs to replace or insert a unit's target (plain values only: meta is pickled)."""
    text = doc.text
    slot: dict[str, Any] = {
        "insert_at": after.end,
        "indent": line_indent(text, after.start),
        "own_line": on_own_line(text, after.start),
        "keep": markup_pieces(doc, source, WHOLE) + markup_pieces(doc, target, WHOLE),
        "state": state,
        "target": None,
        "host": None,
    }
    if target is not None:
        slot["target"] = (target.start, target.inner_start, target.end, target.name)
    if state_host is not None:
        slot["host"] = (state_host.start, state_host.inner_start)
    return slot


def render_xliff(
    units: list[Unit],
    meta: dict[str, Any],
    target_lang: str | None,
    states: dict[str, str],
    new_unit: Callable[[Unit, str, str, dict[str, str]], str],
) -> bytes:
    """Splice changed targets (and states, and the target language) into the original text (1.2 and 2.0)."""
    text: str = meta["text"]
    slots: list[dict[str, Any]] = meta["slots"]
    newline = line_ending(text)
    edits: list[tuple[int, int, str]] = []
    append_at, indent, lead = meta["append"]
    added = []
    for unit in units:
        index = unit.extra.get("slot")
        if index is None:
            added.append(new_unit(unit, indent + "  ", newline, states))
            continue
        if is_pristine(unit):
            continue
        slot = slots[index]
        state_value = states[unit.state] if unit.state != slot["state"] else None
        edits.extend(_target_edits(text, slot, unit.target, state_value, meta["state_on"], newline))
    if added:
        edits.append((append_at, append_at, (newline if lead else "") + "".join(added)))
    if target_lang and lang_tag(target_lang).lower() != (meta.get("target_lang") or "").lower():
        for start, end in meta["lang_tags"]:
            edits.append((start, end, set_attr(text[start:end], meta["lang_attr"], lang_tag(target_lang))))
    return encode_document(apply_edits(text, edits), meta["encoding"], meta["bom"])


def _target_edits(
    text: str, slot: dict[str, Any], target: str | None, state: str | None, state_on: str, newline: str
) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    if state is not None and state_on == "host" and slot["host"]:
        start, end = slot["host"]
        edits.append((start, end, set_attr(text[start:end], "state", state)))
    existing = slot["target"]
    if not target:
        if existing:
            start, _, end, _ = existing
            begin = start - len(slot["indent"]) if ends_at(text, start, slot["indent"]) else start
            begin -= len(newline) if ends_at(text, begin, newline) else 0
            edits.append((begin, end, ""))
        return edits
    content = escape_text(target, slot["keep"], INLINE)
    if existing:
        start, inner_start, end, name = existing
        open_tag = text[start:inner_start]
        if open_tag.endswith("/>"):
            open_tag = open_tag[:-2].rstrip() + ">"
        if state is not None and state_on == "target":
            open_tag = set_attr(open_tag, "state", state)
        edits.append((start, end, f"{open_tag}{content}</{name}>"))
    else:
        attrs = f' state="{state}"' if state is not None and state_on == "target" else ""
        element = f"<target{attrs}>{content}</target>"
        lead = f"{newline}{slot['indent']}" if slot["own_line"] else ""
        edits.append((slot["insert_at"], slot["insert_at"], lead + element))
    return edits


XLIFF12 = Xliff12Format()
