"""XLIFF 1.2 (`trans-unit`) read and written back byte for byte (the target writer is `_xliff_common`).

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

from typing import Any

from ._model import Parsed, Unit
from ._xliff_common import INLINE, WHOLE, append_point, render_xliff, target_slot, version_of
from ._xliff_write import escape_attr, escape_text
from ._xliff_xml import Element, XmlDoc, decode_document, inner_text, scan

__all__ = ["XLIFF1", "Xliff12Format", "new_unit12"]

_STATE_IN = {"translated": "translated", "signed-off": "translated", "final": "translated"}
_STATE_OUT = {
    "translated": "translated",
    "fuzzy": "needs-review-translation",
    "new": "new",
    "obsolete": "new",
}


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


XLIFF1 = Xliff12Format()
