"""XLIFF 2.x (`unit`/`segment`) read and written back byte for byte (the writer is shared with 1.2).

Mapping: one row per `<segment>`; key = the unit's `name` (else `id`), with `#<segment id or index>` when a
unit has several segments; context = a `<note category="meaning">`; locations = `<note category="location">`;
note = the other unit notes; max_length = the last number of a `sizeRestriction` attribute (the size and
length restriction module, `slr:`) on the unit; state: `translated`/`reviewed`/`final` → translated, an
explicit `initial` → new, no state → translated when there is a target; written back as `translated` or
`initial` on the `<segment>`. `translate="no"` units are not rows. Inline codes (`<ph/>`, `<pc>`, `<sc/>`,
`<ec/>`, `<mrk>`, `<sm/>`, `<em/>`, `<cp/>`) stay raw tags in the text; `trgLang` is set from `target_lang`.
"""

from __future__ import annotations

import re
from typing import Any

from ._model import Parsed, Unit
from ._xliff_common import INLINE, WHOLE, append_point, render_xliff, target_slot, version_of
from ._xliff_write import escape_attr, escape_text
from ._xliff_xml import Element, XmlDoc, decode_document, inner_text, scan

__all__ = ["XLIFF20", "Xliff20Format"]

_STATE_OUT = {"translated": "translated", "fuzzy": "initial", "new": "initial", "obsolete": "initial"}


class Xliff20Format:
    """XLIFF 2.x (`.xlf`, `.xliff`): bilingual, one row per segment."""

    name: str = "xliff2"
    # No extensions: `.xlf` files go to the "xliff" format, which hands 2.x files to this one by version.
    extensions: tuple[str, ...] = ()

    def sniff(self, head: bytes, path: str) -> bool:
        """An `<xliff>` root whose version is 2.x."""
        version = version_of(head)
        return version is not None and version.startswith("2")

    def parse(self, data: bytes, path: str) -> Parsed:
        """Rows for every segment of every translatable unit; meta keeps the text and the target spans."""
        text, encoding, bom = decode_document(data, path)
        doc = scan(text, path)
        if doc.root.local != "xliff":
            raise doc.error(doc.root.start, f"expected an <xliff> root element, found <{doc.root.name}>")
        units: list[Unit] = []
        slots: list[dict[str, Any]] = []
        append = append_point(text, doc.root)
        for file in doc.root.elements("file"):
            append = append_point(text, file)
            _walk(
                doc, file, file.get("original") or file.get("id"), units, slots, file.get("translate") != "no"
            )
        meta = {
            "format": "xliff2",
            "text": text,
            "encoding": encoding,
            "bom": bom,
            "slots": slots,
            "lang_tags": [(doc.root.start, doc.root.inner_start)],
            "lang_attr": "trgLang",
            "state_on": "host",
            "append": append,
            "source_lang": doc.root.get("srcLang"),
            "target_lang": doc.root.get("trgLang"),
        }
        return Parsed(units, meta)

    def render(self, units: list[Unit], meta: dict[str, Any], target_lang: str | None) -> bytes:
        """The file with changed targets and segment states (and `trgLang`) spliced in."""
        if meta.get("format") != self.name:  # a fresh file: other formats\' extras mean nothing here
            meta = self.parse(SKELETON20.encode(), "new.xlf").meta
            units = [unit.replace(extra={}) for unit in units]
        return render_xliff(units, meta, target_lang, _STATE_OUT, new_unit20)


SKELETON20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en">
  <file id="f1">
  </file>
</xliff>
"""


def new_unit20(unit: Unit, indent: str, newline: str, states: dict[str, str]) -> str:
    """A `<unit>` for a unit that was not in the file (a new row or another format's unit)."""
    inner, deeper = indent + "  ", indent + "    "
    ident = escape_attr(unit.key + (f"#{unit.context}" if unit.context else ""))
    lines = [f'{indent}<unit id="{ident}" name="{escape_attr(unit.key)}">']
    notes = [("meaning", unit.context), ("description", unit.note)]
    notes += [("location", where) for where in unit.locations]
    if any(value for _, value in notes):
        lines.append(f"{inner}<notes>")
        for category, value in notes:
            if value:
                lines.append(f'{deeper}<note category="{category}">{escape_text(value)}</note>')
        lines.append(f"{inner}</notes>")
    state = states.get(unit.state, "initial") if unit.target else "initial"
    lines.append(f'{inner}<segment state="{state}">')
    lines.append(f"{deeper}<source>{escape_text(unit.source, (), INLINE)}</source>")
    if unit.target:
        lines.append(f"{deeper}<target>{escape_text(unit.target, (), INLINE)}</target>")
    lines.append(f"{inner}</segment>")
    lines.append(f"{indent}</unit>")
    return newline.join(lines) + newline


def _walk(
    doc: XmlDoc, parent: Element, file: str | None, units: list[Unit], slots: list[dict[str, Any]], on: bool
) -> None:
    for element in parent.elements("group", "unit"):
        here = on and element.get("translate") != "no"
        if element.local == "group":
            _walk(doc, element, file, units, slots, here)
        elif here:
            _unit(doc, element, file, units, slots)


def _unit(
    doc: XmlDoc, unit: Element, file: str | None, units: list[Unit], slots: list[dict[str, Any]]
) -> None:
    context, notes, locations = None, [], []
    holder = unit.first("notes")
    for note in holder.elements("note") if holder is not None else ():
        value, category = inner_text(doc, note), note.get("category")
        if category == "meaning":
            context = value
        elif category == "location":
            locations.append(value)
        else:
            notes.append(value)
    max_length = None
    for name, (value, _, _) in unit.attrs.items():
        numbers = re.findall(r"\d+", value)
        if name.rpartition(":")[2] == "sizeRestriction" and numbers:
            max_length = int(numbers[-1])
    segments = list(unit.elements("segment"))
    if not segments:
        raise doc.error(unit.inner_start, f"expected a <segment> in unit {unit.get('id')!r}")
    base = unit.get("name") or unit.get("id") or ""
    for index, segment in enumerate(segments):
        source = segment.first("source")
        if source is None:
            raise doc.error(segment.inner_start, "expected a <source> in <segment>")
        target = segment.first("target")
        target_text = inner_text(doc, target, WHOLE) if target is not None else None
        raw_state = segment.get("state")
        state = "new" if not target_text or raw_state == "initial" else "translated"
        key = base if len(segments) == 1 else f"{base}#{segment.get('id') or index}"
        slots.append(target_slot(doc, source, source, target, state, segment))
        extra: dict[str, Any] = {"slot": len(slots) - 1, "id": unit.get("id")}
        if file:
            extra["file"] = file
        units.append(
            Unit(
                key=key,
                context=context,
                source=inner_text(doc, source, WHOLE),
                target=target_text or None,
                note="\n".join(notes) or None,
                locations=tuple(locations),
                state=state,
                max_length=max_length,
                extra=extra,
            )
        )


XLIFF20 = Xliff20Format()
