"""Apple String Catalogs (`.xcstrings`): several languages in one JSON file, written back byte for byte.

Hand-written over the stdlib `json` (there is no library for the format; Apple does not document it).
Reading: rows come from the `sourceLanguage` column; the target column is the file's only other language
when there is exactly one, else none (targets None) — `parse_for(data, path, lang)` picks one. Language
tags become Apple's codes (`apple_locale`: "pl-pl" → the file's "pl" column, "fr-ca" → "fr-CA"). Every
`stringUnit` is a row: plain, each `variations.plural` category (plural = category), each
`variations.device` variant (context `device=<name>`), each plural substitution (key `key:<name>`).
Entries with `shouldTranslate: false` are not rows; `comment` is the note; `extractionState: stale`
makes the row obsolete. States: `new` → new, `translated` → translated, `needs_review` → fuzzy, `stale`
→ obsolete (and back). Writing: an untouched entry keeps its bytes; a changed entry is re-written as
Xcode writes it (2-space indent, `" : "`), with its target language added or updated (plural variations
with the target language's CLDR categories) and every other language kept; new keys are inserted in
sorted order.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from ._apple_json import dump_xcode, insert_position, load_json, members
from ._apple_strings import apple_locale
from ._model import PLURAL_CATEGORIES, CatalogError, Parsed, Unit, is_pristine
from ._plurals import categories
from ._xliff_write import apply_edits, line_indent

__all__ = ["XCSTRINGS", "XcstringsFormat", "parse_for"]

_STATE_IN = {"new": "new", "translated": "translated", "needs_review": "fuzzy", "stale": "obsolete"}
_STATE_OUT = {"new": "new", "translated": "translated", "fuzzy": "needs_review", "obsolete": "stale"}
SKELETON = '{\n  "sourceLanguage" : "en",\n  "strings" : {\n\n  },\n  "version" : "1.0"\n}'


def _unit_of(node: Any) -> dict[str, Any]:
    unit = node.get("stringUnit") if isinstance(node, dict) else None
    return unit if isinstance(unit, dict) else {}


def _target(unit: dict[str, Any]) -> tuple[str | None, str]:
    """(target, state) of a target stringUnit (Xcode writes untranslated ones as state new, value "")."""
    value, state = unit.get("value"), _STATE_IN.get(str(unit.get("state")), "translated")
    if value is None or (value == "" and state == "new"):
        return None, "new"
    return str(value), state


def _rows(
    key: str, entry_key: str, src: Any, tgt: Any, default: str, path: list[str], context: str | None
) -> list[Unit]:
    """Rows for one localization node of the source (and the target) language."""
    src = src if isinstance(src, dict) else {}
    tgt = tgt if isinstance(tgt, dict) else {}
    src_var, tgt_var = src.get("variations") or {}, tgt.get("variations") or {}
    if "device" in src_var:
        out = []
        for device, node in src_var["device"].items():
            there = (tgt_var.get("device") or {}).get(device)
            out += _rows(
                key, entry_key, node, there, default, [*path, "variations", "device", device], device
            )
        return out
    src_plural, tgt_plural = src_var.get("plural"), tgt_var.get("plural")
    base = {"entry": entry_key, "path": path}
    if not src_plural and not tgt_plural:
        source = _unit_of(src).get("value", default)
        target, state = _target(_unit_of(tgt))
        ctx = f"device={context}" if context else None
        return [Unit(key, ctx, source, target, state=state, extra=dict(base))]
    names: dict[str, Any] = tgt_plural or src_plural or {}
    out = []
    for cat in (c for c in PLURAL_CATEGORIES if c in names):
        plural = src_plural or {}
        source = _unit_of(plural.get(cat) or plural.get("other")).get(
            "value", _unit_of(src).get("value", default)
        )
        target, state = _target(_unit_of((tgt_plural or {}).get(cat)))
        extra = {**base, "path": [*path, "variations", "plural"]}
        ctx = f"device={context}" if context else None
        out.append(Unit(key, ctx, source, target, plural=cat, state=state, extra=extra))
    return out


def _entry_units(key: str, entry: Any, source: str, target: str | None) -> list[Unit]:
    if not key or not isinstance(entry, dict) or entry.get("shouldTranslate") is False:
        return []  # the "" entry is Xcode's artefact of empty literals
    locs = entry.get("localizations") or {}
    src, tgt = locs.get(source) or {}, (locs.get(target) or {}) if target else {}
    units = _rows(key, key, src, tgt, key, [], None)
    subs = src.get("substitutions") or {}
    for name in subs:
        there = (tgt.get("substitutions") or {}).get(name)
        units += _rows(f"{key}:{name}", key, subs[name], there, "", ["substitutions", name], None)
    for unit in units:
        unit.note = entry.get("comment")
        if entry.get("extractionState") == "stale":
            unit.state = "obsolete"
    return units


def parse_for(data: bytes, path: str, lang: str | None) -> Parsed:
    """Rows of the source language with `lang`'s column as the target (None: the only other language)."""
    text, doc = load_json(data, path)
    if not isinstance(doc, dict) or not isinstance(doc.get("strings"), dict):
        raise CatalogError(
            path, 1, 1, 'expected a String Catalog: an object with "sourceLanguage" and "strings"'
        )
    start = len(text) - len(text.lstrip())
    top, _ = members(text, start, path)
    strings = next(m for m in top if m[0] == "strings")
    entries, strings_end = members(text, strings[2], path)
    source = str(doc.get("sourceLanguage") or "en")
    langs = sorted(
        {
            lang
            for e in doc["strings"].values()
            if isinstance(e, dict)
            for lang in e.get("localizations") or {}
        }
        - {source}
    )
    target = apple_locale(lang, langs) if lang is not None else (langs[0] if len(langs) == 1 else None)
    units: list[Unit] = []
    counts: dict[str, int] = {}
    for key, _, _, _, entry in entries:
        found = _entry_units(key, entry, source, target)
        counts[key] = len(found)
        units += found
    level = len(line_indent(text, entries[0][1])) // 2 if entries else 2
    meta = {
        "format": "xcstrings",
        "path": path,
        "text": text,
        "bom": data.startswith(b"\xef\xbb\xbf"),
        "newline": "\r\n" if "\r\n" in text else "\n",
        "slashes": "\\/" in text,
        "entries": {key: (k_start, v_start, v_end) for key, k_start, v_start, v_end, _ in entries},
        "counts": counts,
        "strings": (strings[2], strings_end),
        "level": level,
        "languages": [source, *langs],
        "source_lang": source,
        "target_lang": target,
    }
    return Parsed(units, meta)


class XcstringsFormat:
    """Apple String Catalogs (`.xcstrings`): the source language's rows with one target language."""

    name: str = "xcstrings"
    extensions: tuple[str, ...] = (".xcstrings",)

    def sniff(self, head: bytes, path: str) -> bool:
        """A JSON object with `sourceLanguage` and `strings`."""
        return b'"sourceLanguage"' in head and b'"strings"' in head

    def parse(self, data: bytes, path: str) -> Parsed:
        """Rows with the file's only non-source language as the target (see `parse_for` to choose)."""
        return parse_for(data, path, None)

    def parse_for(self, data: bytes, path: str, lang: str | None) -> Parsed:
        """Rows with `lang`'s column as the target (a translation reads the file once per target)."""
        return parse_for(data, path, lang)

    def render(self, units: list[Unit], meta: dict[str, Any], target_lang: str | None) -> bytes:
        """The catalog with changed entries re-written for `target_lang` (else the target read) and new
        entries inserted; untouched entries keep their bytes."""
        if meta.get("format") != self.name:  # a fresh file: other formats\' extras mean nothing here
            meta = parse_for(SKELETON.encode(), "Localizable.xcstrings", None).meta
            units = [unit.replace(extra={}) for unit in units]
        text: str = meta["text"]
        lang = apple_locale(target_lang, meta["languages"]) if target_lang else meta["target_lang"]
        entries: dict[str, tuple[int, int, int]] = meta["entries"]
        grouped: dict[str, list[Unit]] = defaultdict(list)
        for unit in units:
            entry = unit.extra.get("entry")
            if entry is None:
                head = unit.key.rpartition(":")[0]
                entry = unit.key if unit.key in entries or not head or head not in entries else head
            grouped[entry].append(unit)
        edits: list[tuple[int, int, str]] = []
        newline, slashes, level = meta["newline"], meta["slashes"], meta["level"]
        new_entries: dict[str, Any] = {}
        for key, group in grouped.items():
            span = entries.get(key)
            known = span is not None and len(group) == meta["counts"][key]
            if known and all(is_pristine(u) for u in group):
                continue
            if lang is None and any(u.target is not None for u in group):
                langs = ", ".join(meta["languages"])
                what = f"several languages in this String Catalog ({langs}): say which the targets are for"
                raise CatalogError(meta["path"], None, None, what)
            entry = json.loads(text[span[1] : span[2]]) if span else {}
            _apply(entry, key, group, meta["source_lang"], lang)
            if span:
                edits.append((span[1], span[2], dump_xcode(entry, level, newline, slashes)))
            else:
                new_entries[key] = entry
        if new_entries:
            edits += _insertions(text, meta, new_entries)
        out = apply_edits(text, edits)
        return (b"\xef\xbb\xbf" if meta["bom"] else b"") + out.encode("utf-8")


def _put(node: dict[str, Any], key: str, value: Any) -> Any:
    """Set `node[key]` keeping the keys in sorted order (Xcode's); an existing key keeps its place."""
    if key in node:
        node[key] = value
        return value
    items = list(node.items())
    items.insert(insert_position([k for k, _ in items], key), (key, value))
    node.clear()
    node.update(items)
    return value


def _child(node: dict[str, Any], key: str) -> dict[str, Any]:
    found = node.get(key)
    return found if isinstance(found, dict) else _put(node, key, {})


def _apply(entry: dict[str, Any], key: str, group: list[Unit], source: str, lang: str | None) -> None:
    """Write the group's targets (and, for a new entry, its source and comment) into `entry` for `lang`."""
    if not entry:
        note = next((u.note for u in group if u.note), None)
        if note:
            entry["comment"] = note
        entry["extractionState"] = "manual"  # not extracted from code: Xcode must not mark it stale
        if any(u.source != key or u.plural for u in group):
            sources = [u.replace(target=u.source, state="translated") for u in group]
            _write(entry, key, sources, source, source, own=True)
    if lang is not None:
        _write(entry, key, group, source, lang, own=False)


def _write(entry: dict[str, Any], key: str, group: list[Unit], source: str, lang: str, own: bool) -> None:
    """Put the units' targets into `lang`'s localization: plain string units, and plural variations with
    the language's CLDR categories (a missing one takes `other`); `own`: the units' own categories instead
    (the source language of a new entry)."""
    locs = _child(entry, "localizations")
    found = locs.get(lang)
    node: dict[str, Any] = found if isinstance(found, dict) else {}
    plural: dict[tuple[str, ...], list[Unit]] = defaultdict(list)
    for unit in group:
        path = unit.extra.get("path")
        if path is None:
            sub = unit.key[len(key) + 1 :] if unit.key != key else ""
            path = (["substitutions", sub] if sub else []) + (["variations", "plural"] if unit.plural else [])
        if unit.plural:
            plural[tuple(path)].append(unit)
        elif unit.target is not None:
            _node_at(entry, node, path, source)["stringUnit"] = _string_unit(unit)
    for path, members_ in plural.items():
        done = [u for u in members_ if u.target is not None]
        if not done:
            continue
        by_cat = {str(u.plural): u for u in done}
        fallback = by_cat.get("other") or done[-1]
        cats = sorted(by_cat if own else categories(lang))  # Xcode writes keys sorted: few, many, one, other
        variants = {cat: {"stringUnit": _string_unit(by_cat.get(cat, fallback))} for cat in cats}
        container = _node_at(entry, node, list(path[:-2]), source)
        container.pop("stringUnit", None)  # a plain target becomes plural variations
        _put(_child(container, "variations"), "plural", variants)
    if node and lang not in locs:
        _put(locs, lang, node)
    if not locs:
        entry.pop("localizations")


def _node_at(entry: dict[str, Any], node: dict[str, Any], path: list[str], source: str) -> dict[str, Any]:
    """The target language's node at `path`, created as needed (a new substitution copies the source's
    argNum and formatSpecifier)."""
    for i, step in enumerate(path):
        fresh = step not in node
        node = _child(node, step)
        if fresh and i == 1 and path[0] == "substitutions":
            src = (
                ((entry.get("localizations") or {}).get(source) or {}).get("substitutions", {}).get(step, {})
            )
            for name, value in src.items():
                if name != "variations":
                    _put(node, name, value)
    return node


def _string_unit(unit: Unit) -> dict[str, Any]:
    state = _STATE_OUT.get(unit.state, "translated")
    return {"state": state, "value": unit.target}


def _insertions(text: str, meta: dict[str, Any], new: dict[str, Any]) -> list[tuple[int, int, str]]:
    """Edits inserting new entries among the existing ones in sorted order."""
    newline, slashes, level = meta["newline"], meta["slashes"], meta["level"]
    entries: dict[str, tuple[int, int, int]] = meta["entries"]
    keys = list(entries)
    pad = "  " * level
    start, end = meta["strings"]
    if not keys:
        body = ("," + newline).join(
            f"{pad}{dump_xcode(k, 0, newline, slashes)} : {dump_xcode(v, level, newline, slashes)}"
            for k, v in sorted(new.items(), key=lambda kv: (kv[0].casefold(), kv[0]))
        )
        return [(start, end + 1, "{" + newline + body + newline + "  " * (level - 1) + "}")]
    edits = []
    for key, value in sorted(new.items(), key=lambda kv: (kv[0].casefold(), kv[0])):
        member = f"{dump_xcode(key, 0, newline, slashes)} : {dump_xcode(value, level, newline, slashes)}"
        index = insert_position(keys, key)
        if index < len(keys):
            at = entries[keys[index]][0]
            edits.append((at, at, f"{member},{newline}{pad}"))
        else:
            at = entries[keys[-1]][2]
            edits.append((at, at, f",{newline}{pad}{member}"))
    return edits


XCSTRINGS = XcstringsFormat()
