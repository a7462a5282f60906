"""JSON catalogs: flat, nested (keys joined with '.'), i18next v4 plural suffixes, and ARB (@key metadata).

Monolingual: a file's strings are the source (target None, state "new"); writing puts each unit's target
(else its source) in place of the string, so writing a translated frame gives the target-language file.
Hand-written on `_json_scan.py` (offsets of every value) because `json.dumps` re-serialises the whole file:
untouched strings must keep their bytes, spacing and key order. i18next `key_one`/`key_other`... members of
one object form a plural group; a group whose forms change (the target's CLDR categories) is re-rendered as
one run of members in CLDR order. ARB: `@key.description` is the note, `@@locale` becomes the target's.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._json_scan import Node, scan_json
from ._model import PLURAL_CATEGORIES, CatalogError, Parsed, Unit, is_pristine
from ._plurals import _locale

__all__ = ["ARB", "JSON", "JsonFormat"]

_SUFFIX = re.compile(r"^(.+)_(zero|one|two|few|many|other)$")


def _decode(data: bytes, path: str) -> tuple[str, bool]:
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        return data[3 if bom else 0 :].decode("utf-8"), bom
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError(path, line, None, "UTF-8 text") from None


def _indent_at(text: str, pos: int) -> str:
    """The whitespace between the start of the line holding `pos` and `pos`."""
    start = text.rfind("\n", 0, pos) + 1
    piece = text[start:pos]
    return piece if not piece.strip() else ""


class JsonFormat:
    """JSON / i18next / ARB catalogs (see the module docstring)."""

    def __init__(self, name: str, extensions: tuple[str, ...]) -> None:
        self.name: str = name
        self.extensions: tuple[str, ...] = extensions

    def sniff(self, head: bytes, path: str) -> bool:
        body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not body.startswith(b"{"):
            return False
        return (b'"@@locale"' in head) == (self.name == "arb")

    def parse(self, data: bytes, path: str) -> Parsed:
        text, bom = _decode(data, path)
        root = scan_json(text, path)
        if root.kind != "object":
            raise CatalogError(path, 1, 1, "expected a JSON object at the top level")
        arb = self.name == "arb" or any(m.key == "@@locale" for m in root.members)
        meta: dict[str, Any] = {
            "text": text,
            "bom": bom,
            "newline": "\r\n" if "\r\n" in text else "\n",
            "ascii": text.isascii() and "\\u" in text,
            "root_end": root.end,
            "indent": _indent_at(text, root.members[0].key_start) if root.members else "  ",
            "arb": arb,
            "locale_span": None,
            "source_lang": None,
            "target_lang": None,
        }
        units: list[Unit] = []
        self._walk(root, (), text, arb, units, meta)
        return Parsed(units, meta)

    def _walk(
        self, node: Node, path: tuple[str, ...], text: str, arb: bool, units: list[Unit], meta: dict[str, Any]
    ) -> None:
        names = {m.key for m in node.members}
        notes: dict[str, str] = {}
        if arb:
            for m in node.members:
                if m.key.startswith("@") and not m.key.startswith("@@") and m.node.kind == "object":
                    for sub in m.node.members:
                        if sub.key == "description" and sub.node.kind == "string":
                            notes[m.key[1:]] = sub.node.value
        runs: dict[str, list[int]] = {}
        for i, m in enumerate(node.members):
            found = _SUFFIX.match(m.key)
            if found and m.node.kind == "string" and f"{found.group(1)}_other" in names:
                runs.setdefault(found.group(1), []).append(i)
        for m in node.members:
            if arb and m.key.startswith("@"):
                if m.key == "@@locale" and m.node.kind == "string" and not path:
                    meta["locale_span"] = (m.node.start, m.node.end)
                    meta["source_lang"] = m.node.value
                continue
            if m.node.kind == "object":
                self._walk(m.node, (*path, m.key), text, arb, units, meta)
                continue
            if m.node.kind == "array":
                for j, item in enumerate(m.node.items):
                    if item.kind == "string":
                        key = ".".join((*path, m.key, str(j)))
                        units.append(Unit(key=key, source=item.value, extra={"s": item.start, "e": item.end}))
                continue
            if m.node.kind != "string":
                continue
            found = _SUFFIX.match(m.key)
            extra: dict[str, Any] = {"s": m.node.start, "e": m.node.end}
            plural = None
            key = ".".join((*path, m.key))
            if found and found.group(1) in runs:
                members = runs[found.group(1)]
                plural = found.group(2)
                key = ".".join((*path, found.group(1)))
                consecutive = members == list(range(members[0], members[-1] + 1))
                first, last = node.members[members[0]], node.members[members[-1]]
                extra.update(
                    base=found.group(1),
                    forms=tuple(_SUFFIX.match(node.members[j].key).group(2) for j in members),  # type: ignore[union-attr]
                    run=(first.key_start, last.node.end) if consecutive else None,
                    indent=_indent_at(text, first.key_start),
                    after=last.node.end,
                )
            units.append(
                Unit(key=key, source=m.node.value, plural=plural, note=notes.get(m.key), extra=extra)
            )

    def render(self, units: list[Unit], meta: dict[str, Any], target_lang: str | None) -> bytes:
        if not meta:
            return _fresh(units, target_lang, self.name == "arb")
        text: str = meta["text"]
        nl: str = meta["newline"]

        def dump(value: str) -> str:
            return json.dumps(value, ensure_ascii=bool(meta["ascii"]))

        edits: list[tuple[int, int, str]] = []
        groups: dict[tuple[Any, ...], list[Unit]] = {}
        new: list[Unit] = []
        for unit in units:
            if "s" not in unit.extra:
                new.append(unit)
            elif unit.plural is not None and "base" in unit.extra:
                groups.setdefault((unit.extra["after"], unit.extra["base"]), []).append(unit)
            elif not is_pristine(unit):
                edits.append((unit.extra["s"], unit.extra["e"], dump(_value(unit))))
        for (after, base), group in groups.items():
            ordered = sorted(group, key=lambda u: PLURAL_CATEGORIES.index(u.plural or "other"))
            forms = group[0].extra.get("forms", ())
            cats = tuple(u.plural for u in ordered)
            if cats == tuple(forms) and all(is_pristine(u) for u in group):
                continue
            run = group[0].extra.get("run")
            if run is not None:
                sep = "," + nl + group[0].extra["indent"]
                body = sep.join(f"{dump(f'{base}_{u.plural}')}: {dump(_value(u))}" for u in ordered)
                edits.append((run[0], run[1], body))
                continue
            added = []
            for u in ordered:
                if u.plural not in forms:
                    added.append(f"{dump(f'{base}_{u.plural}')}: {dump(_value(u))}")
                elif not is_pristine(u):
                    edits.append((u.extra["s"], u.extra["e"], dump(_value(u))))
            if added:
                sep = "," + nl + group[0].extra["indent"]
                edits.append((after, after, sep + sep.join(added)))
        if meta.get("locale_span") and target_lang:
            start, end = meta["locale_span"]
            old = json.loads(text[start:end])
            locale = _locale(target_lang)
            value = str(locale) if locale is not None and "_" in str(old) else target_lang.split("-")[0]
            if value != old:
                edits.append((start, end, dump(value)))
        if new:
            edits.append(_append(text, meta, new, dump))
        out: list[str] = []
        pos = 0
        for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
            out.append(text[pos:start])
            out.append(replacement)
            pos = end
        out.append(text[pos:])
        data = "".join(out).encode("utf-8")
        return b"\xef\xbb\xbf" + data if meta.get("bom") else data


def _value(unit: Unit) -> str:
    return unit.target if unit.target is not None else unit.source


def _member_key(unit: Unit) -> str:
    return f"{unit.key}_{unit.plural}" if unit.plural else unit.key


def _append(text: str, meta: dict[str, Any], units: list[Unit], dump: Any) -> tuple[int, int, str]:
    """An insertion of new members before the root's closing brace."""
    close = meta["root_end"] - 1
    body_end = len(text[:close].rstrip())
    empty = text[body_end - 1] == "{"
    nl, indent = meta["newline"], meta["indent"]
    members = [f"{indent}{dump(_member_key(u))}: {dump(_value(u))}" for u in units]
    lead = nl if empty else "," + nl
    return body_end, body_end, lead + ("," + nl).join(members)


def _fresh(units: list[Unit], target_lang: str | None, arb: bool) -> bytes:
    """A new file from units without meta: a flat object, two-space indent."""
    data: dict[str, Any] = {}
    if arb and target_lang:
        data["@@locale"] = target_lang.split("-")[0]
    for unit in units:
        data[_member_key(unit)] = _value(unit)
        if arb and unit.note:
            data[f"@{unit.key}"] = {"description": unit.note}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


JSON = JsonFormat("json", (".json",))
ARB = JsonFormat("arb", (".arb",))
