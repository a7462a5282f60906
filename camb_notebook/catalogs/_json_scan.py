"""A JSON scanner that keeps offsets: every object member's key/value spans, for byte-exact rewriting.

Hand-written because `json.loads` gives values but no positions, and re-serialising with `json.dumps`
changes spacing, key order, escapes and number spellings; a catalog write must only touch edited strings.
Strings are decoded with the stdlib's own `json.decoder.scanstring`.
"""

from __future__ import annotations

import json.decoder
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._model import CatalogError

__all__ = ["Member", "Node", "scan_json"]

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}
# The stdlib's (C) string scanner; typeshed does not declare it.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = vars(json.decoder)["scanstring"]


@dataclass
class Node:
    """A value: kind (object/array/string/other), its span, the decoded string, and members/items."""

    kind: str
    start: int
    end: int
    value: Any = None
    members: list[Member] = field(default_factory=list)
    items: list[Node] = field(default_factory=list)


@dataclass
class Member:
    """An object member: key text, the key token's start and the value node."""

    key: str
    key_start: int
    node: Node


class _Scanner:
    def __init__(self, text: str, path: str) -> None:
        self.text, self.path = text, path

    def fail(self, pos: int, what: str) -> CatalogError:
        line = self.text.count("\n", 0, pos) + 1
        col = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        return CatalogError(self.path, line, col, f"expected {what}")

    def ws(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()  # type: ignore[union-attr]

    def string(self, pos: int) -> tuple[str, int]:
        try:
            return _scanstring(self.text, pos + 1, True)
        except json.JSONDecodeError as exc:
            raise self.fail(exc.pos, f"a valid JSON string ({exc.msg})") from None

    def value(self, pos: int, depth: int = 0) -> Node:
        if depth > 200:
            raise self.fail(pos, "at most 200 nested levels")
        text = self.text
        char = text[pos : pos + 1]
        if char == '"':
            value, end = self.string(pos)
            return Node("string", pos, end, value)
        if char == "{":
            node = Node("object", pos, pos)
            pos = self.ws(pos + 1)
            if text[pos : pos + 1] == "}":
                node.end = pos + 1
                return node
            while True:
                if text[pos : pos + 1] != '"':
                    raise self.fail(pos, 'a "key" string')
                key, after = self.string(pos)
                colon = self.ws(after)
                if text[colon : colon + 1] != ":":
                    raise self.fail(colon, "':' after the key")
                child = self.value(self.ws(colon + 1), depth + 1)
                node.members.append(Member(key, pos, child))
                pos = self.ws(child.end)
                if text[pos : pos + 1] == ",":
                    pos = self.ws(pos + 1)
                    continue
                if text[pos : pos + 1] == "}":
                    node.end = pos + 1
                    return node
                raise self.fail(pos, "',' or '}' in an object")
        if char == "[":
            node = Node("array", pos, pos)
            pos = self.ws(pos + 1)
            if text[pos : pos + 1] == "]":
                node.end = pos + 1
                return node
            while True:
                child = self.value(pos, depth + 1)
                node.items.append(child)
                pos = self.ws(child.end)
                if text[pos : pos + 1] == ",":
                    pos = self.ws(pos + 1)
                    continue
                if text[pos : pos + 1] == "]":
                    node.end = pos + 1
                    return node
                raise self.fail(pos, "',' or ']' in an array")
        number = _NUMBER.match(text, pos)
        if number is not None and number.end() > pos:
            return Node("other", pos, number.end(), number.group(0))
        for word, literal in _LITERALS.items():
            if text.startswith(word, pos):
                return Node("other", pos, pos + len(word), literal)
        raise self.fail(pos, "a JSON value")


def scan_json(text: str, path: str) -> Node:
    """The root node of a JSON document (CatalogError with line/column when malformed)."""
    scanner = _Scanner(text, path)
    start = scanner.ws(0)
    root = scanner.value(start)
    end = scanner.ws(root.end)
    if end != len(text):
        raise scanner.fail(end, "the end of the document")
    return root
