"""gettext .po fast path: one compiled regex pass over the whole text for the common shape of a file.

Why: the line-by-line state machine in `_po.py` (which handles every corner: CRLF, obsolete `#~` entries,
comment-only blocks, fields out of order, errors with line numbers) spent ~3 s of Python per 50,000 units.
Most files are LF-only runs of `comments, [msgctxt], msgid, [msgid_plural], msgstr...` separated by blank
lines; this pass matches whole entries at once and builds exactly the (segments, entries) the line parser
would. Anything else -- or any doubt (a bad escape, msgstr[N] out of order) -- returns None and the caller
falls back to the line parser, which also gives the precise error. tests/catalogs/test_po_fast.py asserts
both paths agree on every golden file.
"""

from __future__ import annotations

import re
from typing import Any

from ._po_text import unescape

__all__ = ["parse_fast"]

_Q = r'"(?:[^"\\\n]|\\.)*"[ \t]*\n'
_CONT = rf"(?:[ \t]*{_Q})*"
_ENTRY = re.compile(
    # Blank lines taken whole, never given back (a possessive `*+`, which Python 3.10's `re` lacks: the
    # lookahead-and-backreference form is its equivalent), so a long blank tail is one pass, not a rescan.
    rf"(?P<gap>(?=(?P<blank>(?:[ \t]*\n)*))(?P=blank))"
    rf"(?P<comments>(?:#(?!~)[^\n]*\n)*)"
    rf"(?P<ctx>msgctxt[ \t]+{_Q}{_CONT})?"
    rf"(?P<id>msgid[ \t]+{_Q}{_CONT})"
    rf"(?:(?P<idp>msgid_plural[ \t]+{_Q}{_CONT})(?P<strs>(?:msgstr\[\d+\][ \t]+{_Q}{_CONT})+)"
    rf"|(?P<str>msgstr[ \t]+{_Q}{_CONT}))"
)
_TAIL = re.compile(r"(?:[ \t]*\n)*\Z")
_BODY = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_FORM = re.compile(rf"msgstr\[(\d+)\][ \t]+{_Q}{_CONT}")
_KINDS = {".": "#.", ":": "#:", ",": "#,", "|": "#|"}


class _Fallback(Exception):
    """The text is not in the fast path's shape: use the line parser."""


def _value(raw: str) -> str:
    """The unescaped value of a field's raw lines (keyword line + continuations)."""
    if raw.count("\n") == 1:  # one line, the common case: slice between the quotes
        body = raw[raw.index('"') + 1 : raw.rindex('"')]
        if "\\" not in body:
            return body
    bodies = _BODY.findall(raw)
    if any("\\" in b for b in bodies):
        values = [unescape(b) for b in bodies]
        if any(v is None for v in values):
            raise _Fallback
        return "".join(v for v in values if v is not None)
    return "".join(bodies)


def _entry(text: str, start: int, end: int, groups: tuple[Any, ...]) -> dict[str, Any]:
    """The meta dict of one matched entry (the same as `_po._finish` builds)."""
    _, comments, ctx_raw, id_raw, idp_raw, strs_raw, str_raw = groups
    parts: list[list[str]] = []
    flags: list[str] = []
    locations: list[str] = []
    notes: list[str] = []
    if comments:
        for raw in comments.splitlines(keepends=True):
            kind = _KINDS.get(raw[1:2], "#")
            parts.append([kind, raw])
            body = raw[len(kind) : -1]
            if body[:1] == " ":
                body = body[1:]
            if kind == "#,":
                flags.extend(x.strip() for x in body.split(",") if x.strip())
            elif kind == "#:":
                locations.extend(body.split())
            elif kind == "#" or kind == "#.":
                notes.append(body)
    if ctx_raw:
        parts.append(["msgctxt", ctx_raw])
    parts.append(["msgid", id_raw])
    if idp_raw is not None:
        parts.append(["msgid_plural", idp_raw])
        strs: list[str] = []
        for number, form in enumerate(_FORM.finditer(strs_raw)):
            if form[1] != str(number):
                raise _Fallback  # out of order, repeated or 0-padded: the line parser decides
            parts.append([f"msgstr[{number}]", form[0]])
            strs.append(_value(form[0]))
    else:
        parts.append(["msgstr", str_raw])
        strs = [_value(str_raw)]
    return {
        "raw": text[start:end],
        "parts": parts,
        "obsolete": False,
        "ctx": _value(ctx_raw) if ctx_raw else None,
        "id": _value(id_raw),
        "id_plural": _value(idp_raw) if idp_raw is not None else None,
        "strs": strs,
        "flags": tuple(flags),
        "locations": tuple(locations),
        "note": "\n".join(notes) if notes else None,
        "header": False,
    }


def parse_fast(text: str) -> tuple[list[str | int], list[dict[str, Any]]] | None:
    """(segments, entries) as `_po._parse_entries` gives them, or None when the text needs the line parser."""
    if "\r" in text:
        return None
    segments: list[str | int] = []
    entries: list[dict[str, Any]] = []
    position = 0
    match_at = _ENTRY.match  # anchored: a search (finditer) would rescan a long blank tail per position
    try:
        while (match := match_at(text, position)) is not None:
            end = match.end()
            groups = match.group("gap", "comments", "ctx", "id", "idp", "strs", "str")
            gap = groups[0]
            if gap:
                segments.append(gap)
            segments.append(len(entries))
            entries.append(_entry(text, position + len(gap), end, groups))
            position = end
    except _Fallback:
        return None
    tail = _TAIL.match(text, position)
    if tail is None:
        return None
    if tail[0]:
        segments.append(tail[0])
    return segments, entries
