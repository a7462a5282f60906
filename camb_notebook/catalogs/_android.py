"""Android `strings.xml` read and written back byte for byte (monolingual: the file's text is the source).

Hand-written over `_xliff_xml`'s offset-keeping scanner (no library edits resource files without
re-serialising them). Rows: `<string name>` (key = name), each `<item quantity>` of `<plurals name>`
(plural = quantity), each `<item>` of `<string-array name>` (key = `name[i]`). `translatable="false"`
elements are not rows and keep their bytes; other resource types (`integer`, `color`, …) likewise; a
`product=` variant of a string has the product as its context. The XML
comments since the previous resource are the note of the next one. Values are the runtime strings
(`_android_text` undoes and redoes the escaping); markup such as `<b>` or `<xliff:g>` stays raw tags.

Writing: a unit's target (else its source) replaces the element's content. A changed `<plurals>` is
rebuilt with the target language's CLDR categories (`target_lang`): a missing category takes the `other`
form, a category the language lacks is dropped. Units without a place in the file are appended.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from ._android_text import decode_android, encode_android
from ._model import PLURAL_CATEGORIES, Parsed, Unit, is_pristine
from ._plurals import categories
from ._xliff_common import append_point
from ._xliff_write import apply_edits, escape_attr, line_ending, line_indent, on_own_line
from ._xliff_xml import Element, XmlDoc, decode_document, encode_document, inner_pieces, markup_pieces, scan

__all__ = ["ANDROID", "AndroidFormat"]

# Only the unit's own markup stays markup when writing (`<i>` may have been `&lt;i&gt;` text in the file).
TAGS: tuple[str, ...] = ()
_WHOLE = {"g"}
_VALUES_DIR = re.compile(r"(?:^|[\\/])values-([a-z]{2,3})(?:-r([A-Z]{2}))?[\\/]")


class AndroidFormat:
    """Android string resources (`strings.xml`, any `res/values*/*.xml` with a `<resources>` root)."""

    name: str = "android"
    extensions: tuple[str, ...] = (".xml",)

    def sniff(self, head: bytes, path: str) -> bool:
        """A `<resources>` root element."""
        return b"<resources" in head

    def parse(self, data: bytes, path: str) -> Parsed:
        """Rows for strings, plural items and array items; meta keeps the text and each content span."""
        text, encoding, bom = decode_document(data, path)
        doc = scan(text, path)
        if doc.root.name != "resources":
            raise doc.error(doc.root.start, f"expected a <resources> root element, found <{doc.root.name}>")
        units: list[Unit] = []
        slots: list[tuple[int, int, list[str], str | None]] = []
        groups: list[dict[str, Any]] = []
        notes: list[str] = []
        for child in doc.root.children:
            if not isinstance(child, Element):
                notes.append(child.text.strip())
                continue
            note, notes = "\n".join(n for n in notes if n) or None, []
            name = child.get("name")
            if child.get("translatable") == "false" or child.name not in (
                "string",
                "plurals",
                "string-array",
            ):
                continue
            if name is None:
                raise doc.error(child.start, f'expected a name="…" attribute on <{child.name}>')
            if child.name == "string":
                units.append(_row(doc, child, slots, key=name, note=note))
                units[-1].context = child.get("product")  # product variants share a name
            elif child.name == "string-array":
                for i, item in enumerate(_items(doc, child)):
                    units.append(_row(doc, item, slots, key=f"{name}[{i}]", note=note, array=name))
            else:
                items = list(_items(doc, child))
                group: dict[str, Any] = {"name": name, "items": {}, "span": None, "indent": "", "joint": None}
                if items:
                    group["span"] = (items[0].start, items[-1].end)
                    group["indent"] = line_indent(text, items[0].start)
                    own = on_own_line(text, items[0].start)
                    between = text[items[0].end : items[1].start] if len(items) > 1 else ""
                    group["joint"] = None if own else between
                for item in items:
                    quantity = item.get("quantity")
                    if quantity not in PLURAL_CATEGORIES:
                        raise doc.error(item.start, "expected quantity= zero, one, two, few, many or other")
                    group["items"][quantity] = (item.start, item.end, len(slots))
                    row = _row(doc, item, slots, key=name, note=note, plural=quantity)
                    row.extra["group"] = len(groups)
                    units.append(row)
                groups.append(group)
        meta = {
            "format": "android",
            "text": text,
            "encoding": encoding,
            "bom": bom,
            "slots": slots,
            "groups": groups,
            "append": append_point(text, doc.root),
            "source_lang": _lang_of(path),
            "target_lang": None,
        }
        return Parsed(units, meta)

    def render(self, units: list[Unit], meta: dict[str, Any], target_lang: str | None) -> bytes:
        """The file with changed values spliced in, changed plurals rebuilt, new units appended."""
        if meta.get("format") != self.name:  # a fresh file: other formats\' extras mean nothing here
            meta = self.parse(SKELETON.encode(), "strings.xml").meta
            units = [unit.replace(extra={}) for unit in units]
        text: str = meta["text"]
        newline = line_ending(text)
        slots, groups = meta["slots"], meta["groups"]
        group_of = {group["name"]: i for i, group in enumerate(groups)}
        edits: list[tuple[int, int, str]] = []
        plural: dict[int | str, list[Unit]] = defaultdict(list)
        added: list[Unit] = []
        for unit in units:
            if unit.plural:
                plural[unit.extra.get("group", group_of.get(unit.key, unit.key))].append(unit)
            elif unit.extra.get("slot") is None:
                added.append(unit)
            elif not is_pristine(unit):
                start, end, keep, empty = slots[unit.extra["slot"]]
                value = encode_android(_value(unit), keep, TAGS)
                if empty is not None:  # <string name="x"/>: write it with an end tag
                    name = empty[1:].split(None, 1)[0]
                    value = f"{empty[:-2].rstrip()}>{value}</{name}>"
                edits.append((start, end, value))
        append_at, indent, lead = meta["append"]
        new_text: list[str] = []
        for gid, members in plural.items():
            if isinstance(gid, int):
                edit = _plural_edit(text, groups[gid], members, slots, target_lang, newline)
                if edit is not None:
                    edits.append(edit)
            else:
                new_text.append(_new_plurals(members, target_lang, indent + "    ", newline))
        new_text[:0] = _new_rows(added, indent + "    ", newline)
        if new_text:
            edits.append((append_at, append_at, (newline if lead else "") + "".join(new_text)))
        return encode_document(apply_edits(text, edits), meta["encoding"], meta["bom"])


SKELETON = '<?xml version="1.0" encoding="utf-8"?>\n<resources>\n</resources>\n'


def _lang_of(path: str) -> str | None:
    match = _VALUES_DIR.search(path)
    if not match:
        return None
    return match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")


def _items(doc: XmlDoc, parent: Element) -> list[Element]:
    items = list(parent.elements())
    for item in items:
        if item.name != "item":
            raise doc.error(item.start, f"expected <item> in <{parent.name}>, found <{item.name}>")
    return items


def _row(
    doc: XmlDoc,
    element: Element,
    slots: list[tuple[int, int, list[str], str | None]],
    key: str,
    note: str | None,
    plural: str | None = None,
    array: str | None = None,
) -> Unit:
    source = decode_android(inner_pieces(doc, element, _WHOLE))
    extra: dict[str, Any] = {"slot": len(slots)}
    if array is not None:
        extra["array"] = array
    empty = doc.text[element.start : element.end] if element.inner_start == element.end else None
    slots.append((element.start, element.end, markup_pieces(doc, element, _WHOLE), empty))
    if empty is None:
        slots[-1] = (element.inner_start, element.inner_end, *slots[-1][2:])
    return Unit(key=key, source=source, plural=plural, note=note, extra=extra)


def _value(unit: Unit) -> str:
    return unit.target if unit.target is not None else unit.source


def _plan(members: list[Unit], target_lang: str | None) -> list[tuple[str, Unit]]:
    """(category, unit giving its text) for every category the written entry must have."""
    by_cat = {unit.plural: unit for unit in members}
    if target_lang:
        cats: tuple[str, ...] = categories(target_lang)
    else:
        cats = tuple(c for c in PLURAL_CATEGORIES if c in by_cat)
    fallback = by_cat.get("other") or members[-1]
    return [(cat, by_cat.get(cat) or fallback) for cat in cats]


def _plural_edit(
    text: str,
    group: dict[str, Any],
    members: list[Unit],
    slots: list[tuple[int, int, list[str], str | None]],
    target_lang: str | None,
    newline: str,
) -> tuple[int, int, str] | None:
    items: dict[str, tuple[int, int, int]] = group["items"]
    same = {u.plural for u in members} == set(items) and len(members) == len(items)
    if (same and all(is_pristine(u) for u in members)) or group["span"] is None:
        return None
    keep = [piece for _, _, slot in items.values() for piece in slots[slot][2]]
    out = []
    for cat, unit in _plan(members, target_lang):
        original = items.get(cat)
        if original and unit.plural == cat and is_pristine(unit) and unit.extra.get("slot") == original[2]:
            out.append(text[original[0] : original[1]])
        else:
            out.append(f'<item quantity="{cat}">{encode_android(_value(unit), keep, TAGS)}</item>')
    start, end = group["span"]
    joint = group["joint"] if group["joint"] is not None else newline + group["indent"]
    return start, end, joint.join(out)


def _note(unit: Unit, indent: str, newline: str) -> str:
    return f"{indent}<!-- {unit.note.replace('--', '- -')} -->{newline}" if unit.note else ""


def _new_plurals(members: list[Unit], target_lang: str | None, indent: str, newline: str) -> str:
    inner = indent + "    "
    lines = [f'{_note(members[0], indent, newline)}{indent}<plurals name="{escape_attr(members[0].key)}">']
    for cat, unit in _plan(members, target_lang):
        lines.append(f'{inner}<item quantity="{cat}">{encode_android(_value(unit), (), TAGS)}</item>')
    lines.append(f"{indent}</plurals>")
    return newline.join(lines) + newline


def _new_rows(added: list[Unit], indent: str, newline: str) -> list[str]:
    out: list[str] = []
    arrays: dict[str, list[Unit]] = {}
    for unit in added:
        match = re.fullmatch(r"(.+)\[(\d+)\]", unit.key)
        if match:
            if match.group(1) not in arrays:
                arrays[match.group(1)] = []
                out.append(match.group(1))  # placeholder: the array is written where its first item was
            arrays[match.group(1)].append(unit)
        else:
            value = encode_android(_value(unit), (), TAGS)
            product = f' product="{escape_attr(unit.context)}"' if unit.context else ""
            element = f'<string name="{escape_attr(unit.key)}"{product}>{value}</string>'
            out.append(f"{_note(unit, indent, newline)}{indent}{element}{newline}")
    for i, piece in enumerate(out):
        members = arrays.get(piece)
        if members is not None and not piece.endswith(newline):
            lines = [
                f'{_note(members[0], indent, newline)}{indent}<string-array name="{escape_attr(piece)}">'
            ]
            lines += [f"{indent}    <item>{encode_android(_value(u), (), TAGS)}</item>" for u in members]
            out[i] = newline.join([*lines, f"{indent}</string-array>"]) + newline
    return out


ANDROID = AndroidFormat()
