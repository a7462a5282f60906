"""Apple `.stringsdict` (plist of plural variations) read and written back byte for byte.

Hand-written over `_xliff_xml`'s offset-keeping scanner: `plistlib` gives values without offsets and
re-serialising changes the layout. Monolingual. Rows: each plural variable's categories (`zero`…`other`),
key = the entry's key (or `key:variable` when the format has several variables), plural = the category;
plus the `NSStringLocalizedFormatKey` string as a row (plural None) when it has text besides `%#@var@`
references. XML comments before an entry are its note. A changed variable is rebuilt with the target
language's CLDR categories (a missing one takes `other`); spec keys (`NSStringFormatSpecTypeKey`,
`NSStringFormatValueTypeKey`) and everything else keep their bytes. Units without a place are appended
as new entries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from ._apple_strings import apple_lang
from ._model import PLURAL_CATEGORIES, Parsed, Unit, is_pristine
from ._plurals import categories
from ._xliff_common import append_point
from ._xliff_write import apply_edits, escape_chars, line_ending, line_indent, on_own_line
from ._xliff_xml import Element, XmlDoc, decode_document, encode_document, inner_text, scan

__all__ = ["STRINGSDICT", "StringsdictFormat"]

FORMAT_KEY = "NSStringLocalizedFormatKey"
_VARIABLE = re.compile(r"%(?:\d+\$)?#@([^@]+)@")
_SPEC = re.compile(r"%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(hh|h|ll|l|q|z|t|j)?([dDiuUxXoOfeEgGcCsSp@])")


def _pairs(doc: XmlDoc, dict_: Element) -> list[tuple[str, Element, Element]]:
    """(key, key element, value element) of a plist `<dict>`."""
    children = list(dict_.elements())
    out = []
    for i in range(0, len(children), 2):
        key = children[i]
        if key.name != "key" or i + 1 == len(children):
            raise doc.error(key.start, f"expected <key> followed by a value in <dict>, found <{key.name}>")
        out.append((inner_text(doc, key), key, children[i + 1]))
    return out


class StringsdictFormat:
    """Apple `.stringsdict` (monolingual; one row per plural category of each variable)."""

    name: str = "stringsdict"
    extensions: tuple[str, ...] = (".stringsdict",)

    def sniff(self, head: bytes, path: str) -> bool:
        """A plist mentioning NSStringLocalizedFormatKey."""
        return b"<plist" in head and FORMAT_KEY.encode() in head

    def parse(self, data: bytes, path: str) -> Parsed:
        """Rows per category of each variable; meta keeps the text and the spans of strings and variables."""
        text, encoding, bom = decode_document(data, path)
        doc = scan(text, path)
        top = doc.root.first("dict") if doc.root.name == "plist" else None
        if top is None:
            raise doc.error(doc.root.start, "expected <plist> holding a <dict>")
        units: list[Unit] = []
        slots: list[tuple[int, int, str | None]] = []
        groups: list[dict[str, Any]] = []
        notes: list[str] = []
        by_start = {key.start: value for _, key, value in _pairs(doc, top)}
        for child in top.children:
            if not isinstance(child, Element):
                notes.append(child.text.strip())
                continue
            if child.start not in by_start:
                continue
            entry, value = inner_text(doc, child), by_start[child.start]
            note, notes = "\n".join(n for n in notes if n) or None, []
            if value.name != "dict":
                raise doc.error(value.start, f"expected a <dict> for {entry!r}")
            self._entry(doc, entry, value, note, units, slots, groups)
        meta = {
            "format": "stringsdict",
            "text": text,
            "encoding": encoding,
            "bom": bom,
            "slots": slots,
            "groups": groups,
            "append": append_point(text, top),
            "source_lang": apple_lang(path),
            "target_lang": None,
        }
        return Parsed(units, meta)

    def _entry(
        self,
        doc: XmlDoc,
        entry: str,
        value: Element,
        note: str | None,
        units: list[Unit],
        slots: list[tuple[int, int, str | None]],
        groups: list[dict[str, Any]],
    ) -> None:
        pairs = _pairs(doc, value)
        fmt = next((v for k, _, v in pairs if k == FORMAT_KEY), None)
        if fmt is None:
            raise doc.error(value.start, f"expected a {FORMAT_KEY} in {entry!r}")
        fmt_text = inner_text(doc, fmt)
        variables = [(k, v) for k, _, v in pairs if v.name == "dict"]
        if _VARIABLE.sub("", fmt_text).strip() or not variables:
            units.append(Unit(entry, source=fmt_text, note=note, extra={"slot": len(slots)}))
            slots.append(_slot(doc, fmt))
        for var, var_dict in variables:
            key = entry if len(variables) == 1 else f"{entry}:{var}"
            cats = [(k, kel, v) for k, kel, v in _pairs(doc, var_dict) if k in PLURAL_CATEGORIES]
            group: dict[str, Any] = {"name": key, "items": {}, "span": None, "joint": "", "kv": ""}
            if cats:
                first_key, first_value = cats[0][1], cats[0][2]
                group["span"] = (first_key.start, cats[-1][2].end)
                group["kv"] = doc.text[first_key.end : first_value.start]
                own = on_own_line(doc.text, first_key.start)
                group["joint"] = (
                    (line_ending(doc.text) + line_indent(doc.text, first_key.start)) if own else ""
                )
            for cat, key_el, string in cats:
                group["items"][cat] = (key_el.start, string.end, len(slots))
                extra = {"slot": len(slots), "group": len(groups), "variable": var}
                units.append(Unit(key, source=inner_text(doc, string), plural=cat, note=note, extra=extra))
                slots.append(_slot(doc, string))
            groups.append(group)

    def render(self, units: list[Unit], meta: dict[str, Any], target_lang: str | None) -> bytes:
        """The file with changed strings spliced in, changed variables rebuilt, new entries appended."""
        if meta.get("format") != self.name:  # a fresh file: other formats\' extras mean nothing here
            meta = self.parse(SKELETON.encode(), "Localizable.stringsdict").meta
            units = [unit.replace(extra={}) for unit in units]
        text: str = meta["text"]
        newline = line_ending(text)
        slots, groups = meta["slots"], meta["groups"]
        group_of = {group["name"]: i for i, group in enumerate(groups)}
        edits: list[tuple[int, int, str]] = []
        plural: dict[int | str, list[Unit]] = defaultdict(list)
        added: dict[str, list[Unit]] = defaultdict(list)
        for unit in units:
            gid = unit.extra.get("group", group_of.get(unit.key))
            if unit.plural and gid is not None:
                plural[gid].append(unit)
            elif unit.extra.get("slot") is None:
                added[unit.key].append(unit)
            elif not is_pristine(unit):
                edits.append(_string_edit(slots[unit.extra["slot"]], _value(unit)))
        for gid, members in plural.items():
            edit = _plural_edit(text, groups[int(gid)], members, target_lang)
            if edit is not None:
                edits.append(edit)
        append_at, indent, lead = meta["append"]
        if added:
            new = [
                _new_entry(key, members, target_lang, indent + "\t", newline)
                for key, members in added.items()
            ]
            edits.append((append_at, append_at, (newline if lead else "") + "".join(new)))
        return encode_document(apply_edits(text, edits), meta["encoding"], meta["bom"])


SKELETON = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
</dict>
</plist>
"""


def _slot(doc: XmlDoc, string: Element) -> tuple[int, int, str | None]:
    if string.inner_start == string.end:  # <string/>
        return string.start, string.end, doc.text[string.start : string.end]
    return string.inner_start, string.inner_end, None


def _string_edit(slot: tuple[int, int, str | None], value: str) -> tuple[int, int, str]:
    start, end, empty = slot
    if empty is None:
        return start, end, escape_chars(value)
    return start, end, f"{empty[:-2].rstrip()}>{escape_chars(value)}</string>"


def _value(unit: Unit) -> str:
    return unit.target if unit.target is not None else unit.source


def _plan(members: list[Unit], target_lang: str | None) -> list[tuple[str, Unit]]:
    by_cat = {unit.plural: unit for unit in members}
    cats = categories(target_lang) if target_lang else tuple(c for c in PLURAL_CATEGORIES if c in by_cat)
    fallback = by_cat.get("other") or members[-1]
    return [(cat, by_cat.get(cat) or fallback) for cat in cats]


def _plural_edit(
    text: str, group: dict[str, Any], members: list[Unit], target_lang: str | None
) -> tuple[int, int, str] | None:
    items: dict[str, tuple[int, int, int]] = group["items"]
    same = {u.plural for u in members} == set(items) and len(members) == len(items)
    if (same and all(is_pristine(u) for u in members)) or group["span"] is None:
        return None
    out = []
    for cat, unit in _plan(members, target_lang):
        original = items.get(cat)
        if original and unit.plural == cat and is_pristine(unit) and unit.extra.get("slot") == original[2]:
            out.append(text[original[0] : original[1]])
        else:
            out.append(f"<key>{cat}</key>{group['kv']}<string>{escape_chars(_value(unit))}</string>")
    start, end = group["span"]
    return start, end, group["joint"].join(out)


def _new_entry(key: str, members: list[Unit], target_lang: str | None, indent: str, newline: str) -> str:
    entry, _, var = key.partition(":")
    var = var or "value"
    plural = [u for u in members if u.plural]
    fmt_unit = next((u for u in members if not u.plural), None)
    fmt = _value(fmt_unit) if fmt_unit else f"%#@{var}@"
    lines = [f"{indent}<key>{escape_chars(entry)}</key>", f"{indent}<dict>"]
    lines += [f"{indent}\t<key>{FORMAT_KEY}</key>", f"{indent}\t<string>{escape_chars(fmt)}</string>"]
    if plural:
        spec = _SPEC.search(plural[0].source)
        value_type = (spec.group(1) or "") + spec.group(2) if spec else "d"
        inner = indent + "\t\t"
        lines += [f"{indent}\t<key>{escape_chars(var)}</key>", f"{indent}\t<dict>"]
        lines += [
            f"{inner}<key>NSStringFormatSpecTypeKey</key>",
            f"{inner}<string>NSStringPluralRuleType</string>",
        ]
        lines += [f"{inner}<key>NSStringFormatValueTypeKey</key>", f"{inner}<string>{value_type}</string>"]
        for cat, unit in _plan(plural, target_lang):
            lines += [f"{inner}<key>{cat}</key>", f"{inner}<string>{escape_chars(_value(unit))}</string>"]
        lines.append(f"{indent}\t</dict>")
    lines.append(f"{indent}</dict>")
    return newline.join(lines) + newline


STRINGSDICT = StringsdictFormat()
