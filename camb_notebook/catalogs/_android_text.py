"""Android string resource escaping, both ways (what aapt2 does to a `<string>`'s text, and its inverse).

Hand-written: no maintained MIT/BSD library reads Android resources outside the Android build tools.
Reading: `\\'`, `\\"`, `\\\\`, `\\n`, `\\t`, `\\@`, `\\?`, `\\uXXXX` are unescaped; unescaped double quotes
open and close a quoted run where whitespace is kept; elsewhere runs of whitespace become one space and the
ends are trimmed. Writing escapes backslashes, quotes, apostrophes, newlines, tabs and a leading `@`/`?`,
and wraps the value in double quotes when its spaces would otherwise collapse. Markup tags (`<b>`,
`<xliff:g …>…</xliff:g>`) pass through both ways untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._xliff_write import escape_chars, split_markup

__all__ = ["decode_android", "encode_android"]

_UNICODE = re.compile(r"[0-9a-fA-F]{4}")
_SIMPLE = {"n": "\n", "t": "\t"}
_WHITESPACE = " \t\n\r"
_SPECIAL = re.compile(r'[\\"\t\n\r]|  |^ | $')


def decode_android(pieces: Iterable[tuple[bool, str]]) -> str:
    """The runtime string of a resource's content pieces (markup pieces kept raw)."""
    pieces = list(pieces)
    if len(pieces) == 1 and not pieces[0][0] and not _SPECIAL.search(pieces[0][1]):
        return pieces[0][1]  # nothing to undo (most strings)
    out: list[str] = []
    quoted = pending_space = False
    for markup, piece in pieces:
        if markup:
            if pending_space and out:
                out.append(" ")
            pending_space = False
            out.append(piece)
            continue
        i, size = 0, len(piece)
        while i < size:
            char = piece[i]
            if char == '"':
                quoted = not quoted
                i += 1
                continue
            if not quoted and char in _WHITESPACE:
                pending_space = True
                i += 1
                continue
            if pending_space and out:
                out.append(" ")
            pending_space = False
            if char == "\\" and i + 1 < size:
                nxt = piece[i + 1]
                if nxt == "u" and _UNICODE.match(piece, i + 2):
                    out.append(chr(int(piece[i + 2 : i + 6], 16)))
                    i += 6
                else:
                    out.append(_SIMPLE.get(nxt, nxt))
                    i += 2
                continue
            out.append(char)
            i += 1
    return "".join(out)


def _escape(text: str, first: bool) -> str:
    text = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("'", "\\'")
        .replace("\n", "\\n")
        .replace("\t", "\\t")
    )
    if first and text[:1] in ("@", "?"):
        text = "\\" + text
    return escape_chars(text)


def encode_android(value: str, keep: Iterable[str] = (), tags: Iterable[str] = ()) -> str:
    """A resource's XML content whose runtime string is `value` (markup in `keep`/`tags` stays markup)."""
    pieces = split_markup(value, keep, tags)
    out = [piece if markup else _escape(piece, i == 0) for i, (markup, piece) in enumerate(pieces)]
    text = "".join(piece for markup, piece in pieces if not markup)
    spaced = text != text.strip(" ") or "  " in text or "\r" in text
    body = "".join(out)
    return f'"{body}"' if spaced else body
