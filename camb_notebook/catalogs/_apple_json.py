"""JSON as Xcode writes String Catalogs: member spans for splicing, and Xcode's pretty-printing.

The stdlib `json` decodes each value (`raw_decode`); this module only finds where the members of an object
start and end, so a writer can replace one entry and keep every other byte. `dump_xcode` writes like
Xcode: 2-space indent, `"key" : value`, an empty object as `{` blank line `}`, non-ASCII characters raw,
slashes escaped only when the file already escapes them.
"""

from __future__ import annotations

import json
from typing import Any

from ._model import CatalogError

__all__ = ["Member", "dump_xcode", "insert_position", "load_json", "members"]

_DECODER = json.JSONDecoder()
_WS = " \t\r\n"

Member = tuple[str, int, int, int, Any]
"""(key, key start, value start, value end, decoded value)."""


def _error(path: str, text: str, pos: int, what: str) -> CatalogError:
    line = text.count("\n", 0, pos) + 1
    return CatalogError(path, line, pos - (text.rfind("\n", 0, pos) + 1) + 1, what)


def load_json(data: bytes, path: str) -> tuple[str, Any]:
    """The text and decoded document; malformed JSON raises CatalogError at its line and column."""
    try:
        text = data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(path, data.count(b"\n", 0, exc.start) + 1, None, "expected UTF-8 text") from None
    try:
        return text, json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(path, exc.lineno, exc.colno, f"expected JSON ({exc.msg})") from None


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def members(text: str, start: int, path: str) -> tuple[list[Member], int]:
    """The members of the object whose `{` is at `start`, and the offset of its closing `}`."""
    pos = _skip(text, start + 1)
    out: list[Member] = []
    if text.startswith("}", pos):
        return out, pos
    while True:
        if not text.startswith('"', pos):
            raise _error(path, text, pos, "expected a '\"' starting a member name")
        key, after = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
        colon = _skip(text, after)
        if not text.startswith(":", colon):
            raise _error(path, text, colon, "expected ':' after the member name")
        value_start = _skip(text, colon + 1)
        value, value_end = _DECODER.raw_decode(text, value_start)
        out.append((key, pos, value_start, value_end, value))
        pos = _skip(text, value_end)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
        elif text.startswith("}", pos):
            return out, pos
        else:
            raise _error(path, text, pos, "expected ',' or '}' after a member")


def insert_position(keys: list[str], key: str) -> int:
    """Where `key` goes among `keys` in Xcode's order: case-insensitive ("CaptureIntent" < "CBNote" <
    "Close", "iCloud" between "Folder" and "Label", as Xcode writes them), before the first greater key."""
    order = (key.casefold(), key)
    return next((i for i, k in enumerate(keys) if (k.casefold(), k) > order), len(keys))


def _string(value: str, slashes: bool) -> str:
    out = json.dumps(value, ensure_ascii=False)
    return out.replace("/", "\\/") if slashes else out


def dump_xcode(value: Any, level: int = 0, newline: str = "\n", slashes: bool = False) -> str:
    """`value` as Xcode writes it, for a value whose first line starts at indent level `level`."""
    pad = "  " * level
    if isinstance(value, dict):
        if not value:
            return "{" + newline + newline + pad + "}"
        items = [
            f"{pad}  {_string(str(k), slashes)} : {dump_xcode(v, level + 1, newline, slashes)}"
            for k, v in value.items()
        ]
        return "{" + newline + ("," + newline).join(items) + newline + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[" + newline + newline + pad + "]"
        items = [f"{pad}  {dump_xcode(v, level + 1, newline, slashes)}" for v in value]
        return "[" + newline + ("," + newline).join(items) + newline + pad + "]"
    if isinstance(value, str):
        return _string(value, slashes)
    return json.dumps(value)
