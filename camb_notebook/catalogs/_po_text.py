"""gettext PO string syntax: unescaping a quoted line, escaping and wrapping a value like msgmerge does.

Hand-written (with `_po.py`) because the round trip must be byte for byte: polib and Babel's pofile
re-serialise every entry (re-wrapping lines, re-ordering comments), so an untouched file would not come back
identical; here untouched entries keep their raw lines and only edited values are rendered.
"""

from __future__ import annotations

import re

__all__ = ["escape", "quoted_lines", "unescape"]

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_UNESCAPE = re.compile(r"\\(?:([ntr\"\\abfv])|([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))")
_ESCAPE = re.compile(r'[\\"\n\t\r\a\b\f\v]')
_REVERSE = {v: "\\" + k for k, v in _ESCAPES.items()}


def unescape(body: str) -> str | None:
    """The value of a quoted string's body (between the quotes); None when an escape is invalid."""
    if "\\" not in body:
        return body
    bad = False

    def one(match: re.Match[str]) -> str:
        nonlocal bad
        simple, octal, hexa, other = match.groups()
        if simple is not None:
            return _ESCAPES[simple]
        if octal is not None:
            return chr(int(octal, 8))
        if hexa is not None:
            return chr(int(hexa, 16))
        bad = True
        return other or ""

    value = _UNESCAPE.sub(one, body)
    return None if bad else value


def escape(value: str) -> str:
    """The value escaped for a PO quoted string."""
    return _ESCAPE.sub(lambda m: _REVERSE[m.group(0)], value)


_TOKENS = re.compile(r"\S+\s*|\s+")


def quoted_lines(keyword: str, value: str, prefix: str = "", width: int = 79) -> list[str]:
    """`keyword "value"` as PO lines (no newline), wrapped like gettext: after each \\n and at spaces."""
    text = escape(value)
    single = f'{prefix}{keyword} "{text}"'
    if "\\n" not in text[:-2] and len(single) <= width:
        return [single]
    chunks: list[str] = []
    for piece in re.split(r"(?<=\\n)", text):
        if not piece:
            continue
        room = width - len(prefix) - 2
        line = ""
        for token in _TOKENS.findall(piece):
            if line and len(line) + len(token) > room:
                chunks.append(line)
                line = ""
            line += token
        chunks.append(line)
    return [f'{prefix}{keyword} ""', *(f'{prefix}"{chunk}"' for chunk in chunks)]
