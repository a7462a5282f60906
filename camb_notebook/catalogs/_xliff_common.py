"""What XLIFF 1.2 and 2.0 share: inline-code names, language tags, where new units go, and the target writer.

The writer splices a unit's new target (and its state) into the original text at the offsets the scanner
(`_xliff_xml`) recorded, so every untouched unit, comment and attribute keeps its bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ._model import Unit, is_pristine
from ._xliff_write import apply_edits, ends_at, escape_text, line_ending, line_indent, on_own_line, set_attr
from ._xliff_xml import Element, XmlDoc, encode_document, markup_pieces

__all__ = [
    "INLINE",
    "WHOLE",
    "append_point",
    "lang_tag",
    "render_xliff",
    "target_slot",
    "version_of",
]

WHOLE = ("x", "bx", "ex", "ph", "bpt", "ept", "it", "sc", "ec", "sm", "em", "cp")
INLINE = (*WHOLE, "g", "mrk", "pc", "sub")


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


def append_point(text: str, parent: Element) -> tuple[int, str, bool]:
    """Where new children of `parent` go (the start of its end tag's line), its indent, and whether a
    newline must come first (the end tag shares a line with content)."""
    pos = parent.inner_end
    indent = line_indent(text, pos)
    own_line = on_own_line(text, pos)
    if own_line:
        return pos - len(indent), indent, False
    return pos, line_indent(text, parent.start), True


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
