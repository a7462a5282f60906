"""Writing into XML catalogs: escaping text (keeping inline-code placeholders as markup), splicing edits.

Shared by the XLIFF and Android writers (see `_xliff_xml` for why the files are edited as text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "apply_edits",
    "ends_at",
    "escape_attr",
    "escape_chars",
    "escape_text",
    "line_ending",
    "line_indent",
    "on_own_line",
    "set_attr",
    "split_markup",
]

_NAME = r"[A-Za-z_][-\w.:]*"
_TAG = re.compile(rf"</?({_NAME})(?:\s+{_NAME}\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*\s*/?>")


def escape_text(value: str, keep: Iterable[str] = (), tags: Iterable[str] = ()) -> str:
    """XML character data for `value`; the raw strings in `keep` and tags named in `tags` stay markup.

    A whole-element placeholder such as `<ph id="1">&lt;b&gt;</ph>` is kept when it appears verbatim in
    `keep` (the unit's own inline codes); any other tag of an inline element name is kept as a tag.
    """
    return "".join(piece if tag else escape_chars(piece) for tag, piece in split_markup(value, keep, tags))


def split_markup(value: str, keep: Iterable[str] = (), tags: Iterable[str] = ()) -> list[tuple[bool, str]]:
    """`value` cut into (is_markup, piece): markup = a string of `keep` or a tag named in `tags`."""
    keep = sorted(set(keep), key=len, reverse=True)
    names = set(tags)
    out: list[tuple[bool, str]] = []
    pos = start = 0
    while True:
        lt = value.find("<", pos)
        if lt < 0:
            break
        raw = next((k for k in keep if value.startswith(k, lt)), None)
        if raw is None:
            match = _TAG.match(value, lt)
            if match and match.group(1).rpartition(":")[2] in names:
                raw = match.group(0)
        if raw is None:
            pos = lt + 1
            continue
        if lt > start:
            out.append((False, value[start:lt]))
        out.append((True, raw))
        pos = start = lt + len(raw)
    if start < len(value):
        out.append((False, value[start:]))
    return _balanced(out)


def _balanced(pieces: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    """Demote to text every opening/closing tag without its partner, so the written XML stays well formed."""
    stack: list[tuple[str, int]] = []
    unmatched: set[int] = set()
    for index, (markup, piece) in enumerate(pieces):
        if not markup or piece.endswith("/>"):
            continue
        match = _TAG.match(piece)
        if match is None or match.end() != len(piece):
            continue  # a whole element (`<ph>…</ph>`): self-contained
        name = match.group(1)
        if not piece.startswith("</"):
            stack.append((name, index))
        elif stack and stack[-1][0] == name:
            stack.pop()
        else:
            unmatched.add(index)
    unmatched.update(index for _, index in stack)
    return [(False, piece) if i in unmatched else (markup, piece) for i, (markup, piece) in enumerate(pieces)]


def escape_chars(value: str) -> str:
    """`&`, `<` and `>` as entities."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(value: str) -> str:
    """An attribute value for double quotes."""
    return escape_chars(value).replace('"', "&quot;")


def apply_edits(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, replacement) applied; edits must not overlap (inserts: start == end)."""
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        out.append(text[pos:start])
        out.append(new)
        pos = max(pos, end)
    out.append(text[pos:])
    return "".join(out)


def line_indent(text: str, pos: int) -> str:
    """The whitespace between the start of `pos`'s line and `pos` ('' if anything else precedes it)."""
    begin = text.rfind("\n", 0, pos) + 1
    head = text[begin:pos]
    return head if not head.strip() else ""


def line_ending(text: str) -> str:
    """The file's line ending ('\\r\\n' when its first line ends so, else '\\n')."""
    newline = text.find("\n")
    return "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"


def set_attr(tag: str, name: str, value: str) -> str:
    """A raw start tag with attribute `name` set to `value` (replaced in place, or added before the '>')."""
    match = re.search(rf"(\s{re.escape(name)}\s*=\s*)(\"[^\"]*\"|'[^']*')", tag)
    if match:
        return tag[: match.start(2)] + '"' + escape_attr(value) + '"' + tag[match.end(2) :]
    close = len(tag) - (2 if tag.endswith("/>") else 1)
    while close > 0 and tag[close - 1].isspace():
        close -= 1
    return tag[:close] + f' {name}="{escape_attr(value)}"' + tag[close:]


def on_own_line(text: str, pos: int) -> bool:
    """Whether only indentation precedes `pos` on its line (and the line is not the first)."""
    begin = text.rfind("\n", 0, pos) + 1
    return begin > 0 and not text[begin:pos].strip()


def ends_at(text: str, pos: int, suffix: str) -> bool:
    """`text[:pos].endswith(suffix)` without copying the head of the text."""
    return pos >= len(suffix) and text.startswith(suffix, pos - len(suffix))
