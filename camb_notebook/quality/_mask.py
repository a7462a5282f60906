"""Masking: swap protected spans for numbered `<x id="N"/>` tags before sending, swap them back after.

A text becomes one or more segments to send: the text with each token masked, plus each ICU branch's text
(the ICU structure stays on the client). Restoring checks every mask came back exactly once; if not it raises
`RestoreError` and nothing half-restored is returned. `strict=True` sends only the runs between masks (no mask
reaches the engine), the retry for a text whose masks an engine lost. Pure, any thread.
Usage: `masked = Protector().prepare("Hi {name}")`, send `masked.texts`, then `masked.restore(translations)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Union

from camb_notebook.quality._icu import split_block
from camb_notebook.quality._syntax import DEFAULT_SYNTAXES, Token, find_icu_blocks, find_tokens

__all__ = ["MASK_PATTERN", "Masked", "Protector", "RestoreError", "mask_tag"]

# Tolerant of what engines do to XML-ish tags: spaces, other quotes, an added closing tag.
MASK_PATTERN = re.compile(
    r"<\s*x\s+id\s*=\s*[\"'“”«»]?\s*(\d+)\s*[\"'“”«»]?\s*/?\s*>(?:\s*<\s*/\s*x\s*>)?", re.I
)
_LETTER = re.compile(r"[^\W\d_]")


def mask_tag(number: int) -> str:
    """The mask for the `number`-th token of a segment (1-based), the form XML tag handling keeps."""
    return f'<x id="{number}"/>'


class RestoreError(ValueError):
    """The engine lost, duplicated or invented a mask; `reason` is the QA code (`mask_lost:{name}`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Segment:
    """One text sent to the engine: `masked`, and per mask number (1-based) the nodes it restores to."""

    masked: str
    fills: list[list[_Node]] = field(default_factory=list)
    send: bool = True


_Node = Union[str, _Segment]  # noqa: UP007 (a runtime alias: `str | _Segment` fails on Python 3.10)


@dataclass
class Masked:
    """A prepared text: the `texts` to send (in order) and how to rebuild the translation from them."""

    source: str
    texts: tuple[str, ...]
    nodes: list[_Node] | None = None  # None: nothing masked, the one translation is the result

    @property
    def masks(self) -> int:
        """How many spans this text protects."""
        return 0 if self.nodes is None else sum(_count(n) for n in self.nodes)

    def restore(self, translations: Sequence[str]) -> str:
        """The translation with every protected span back; raises RestoreError rather than half-restoring."""
        if len(translations) != len(self.texts):
            raise RestoreError(f"segments_count:{len(translations)}!={len(self.texts)}")
        if self.nodes is None:
            return translations[0]
        feed = iter(translations)
        return "".join(_render(node, feed) for node in self.nodes)


def _count(node: _Node) -> int:
    """Masks under a node."""
    if isinstance(node, str):
        return 0
    return len(node.fills) + sum(_count(n) for fill in node.fills for n in fill)


def _render(node: _Node, feed: Iterator[str]) -> str:
    """Rebuild one node, consuming its segments' translations in the order they were sent."""
    if isinstance(node, str):
        return node
    translated = next(feed) if node.send else node.masked
    fills = ["".join(_render(n, feed) for n in fill) for fill in node.fills]
    if not fills:
        return translated
    seen: list[int] = []

    def swap(match: re.Match[str]) -> str:
        number = int(match.group(1))
        seen.append(number)
        return fills[number - 1] if 1 <= number <= len(fills) else match.group()

    restored = MASK_PATTERN.sub(swap, translated)
    for number in range(1, len(fills) + 1):
        if seen.count(number) != 1:
            what = "lost" if number not in seen else "duplicated"
            raise RestoreError(f"mask_{what}:{_label(node.fills[number - 1])}")
    unknown = [n for n in seen if not 1 <= n <= len(fills)]
    if unknown:
        raise RestoreError(f"mask_unknown:{unknown[0]}")
    return restored


def _label(fill: list[_Node]) -> str:
    """The source text a mask stood for (ICU blocks by their start), for the failure reason."""
    text = "".join(n if isinstance(n, str) else n.masked for n in fill)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(frozen=True)
class Protector:
    """Which syntaxes to mask (`SYNTAXES` names) and the do-not-translate terms."""

    syntaxes: frozenset[str] = DEFAULT_SYNTAXES
    terms: tuple[str, ...] = ()

    def prepare(self, text: str, *, strict: bool = False, whole_icu: bool = False) -> Masked:
        """Mask `text`: the segments to send and the recipe to restore them.

        `whole_icu=True` masks each ICU block as one token (one segment in all, for a one-text stream).
        """
        icu = "icu" in self.syntaxes and "{" in text and bool(find_icu_blocks(text))
        tokens = find_tokens(text, self.syntaxes, self.terms)
        if not icu and not tokens:
            return Masked(text, (text,))
        if whole_icu:
            segment = self._segment(text, strict, whole_icu=True, tokens=tokens)
            return Masked(text, (segment.masked,) if segment.send else (), [segment])
        nodes = self._nodes(text, strict, tokens)
        texts: list[str] = []
        for node in nodes:
            _collect(node, texts)
        return Masked(text, tuple(texts), nodes)

    def _nodes(self, text: str, strict: bool, tokens: list[Token] | None = None) -> list[_Node]:
        """The text as nodes: one masked segment, or (strict) literal spans and unmasked runs."""
        segment = self._segment(text, strict, tokens=tokens)
        if not strict:
            return [segment]
        nodes: list[_Node] = []
        position = 0
        for number, match in enumerate(MASK_PATTERN.finditer(segment.masked), start=1):
            nodes.extend(_runs(segment.masked[position : match.start()]))
            nodes.extend(segment.fills[number - 1])
            position = match.end()
        nodes.extend(_runs(segment.masked[position:]))
        return nodes

    def _segment(
        self, text: str, strict: bool, whole_icu: bool = False, tokens: list[Token] | None = None
    ) -> _Segment:
        """Mask the tokens and the ICU blocks of `text` (each block's branches become their own segments).

        `tokens`: the text's `find_tokens`, when the caller already has them (found once per text)."""
        spans: list[tuple[int, int, list[_Node]]] = []
        blocks = find_icu_blocks(text) if "icu" in self.syntaxes else []
        for start, end in blocks:
            parts = split_block(text[start:end])
            if parts is not None:
                fill: list[_Node] = [text[start:end]] if whole_icu else self._block_nodes(parts, strict)
                spans.append((start, end, fill))
        if tokens is None:
            tokens = find_tokens(text, self.syntaxes, self.terms)
        for token in tokens:
            if not any(s <= token.start < e for s, e, _ in spans):
                spans.append((token.start, token.end, [token.text]))
        spans.sort(key=lambda span: span[0])
        pieces: list[str] = []
        fills: list[list[_Node]] = []
        position = 0
        for start, end, fill in spans:
            fills.append(fill)
            pieces += [text[position:start], mask_tag(len(fills))]
            position = end
        pieces.append(text[position:])
        masked = "".join(pieces)
        return _Segment(masked, fills, send=_LETTER.search(MASK_PATTERN.sub("", masked)) is not None)

    def _block_nodes(self, parts: list[str], strict: bool) -> list[_Node]:
        """An ICU block's literal structure with each branch body as nodes (`#` masked like a token)."""
        nodes: list[_Node] = []
        for index, part in enumerate(parts):
            if index % 2 == 0:
                nodes.append(part)
                continue
            pieces = part.split("#")
            if len(pieces) > 1 and not find_icu_blocks(part):
                body = self._hash_segment(pieces, strict)
                nodes.extend(body)
            else:
                nodes.extend(self._nodes(part, strict) if part.strip() else [part])
        return nodes

    def _hash_segment(self, pieces: list[str], strict: bool) -> list[_Node]:
        """A branch body with `#` signs: each `#` is a mask around the body's own tokens."""
        marker = "\x00"
        inner = self._segment(marker.join(pieces), strict)
        fills: list[list[_Node]] = []
        out: list[str] = []
        for chunk_index, chunk in enumerate(inner.masked.split(marker)):
            if chunk_index:
                fills.append(["#"])
                out.append(mask_tag(len(fills) + len(inner.fills)))
            out.append(chunk)
        segment = _Segment("".join(out), inner.fills + fills, send=inner.send)
        if not strict:
            return [segment]
        return self._strict_nodes(segment)

    def _strict_nodes(self, segment: _Segment) -> list[_Node]:
        """Split a masked segment at its masks into literal fills and unmasked runs."""
        nodes: list[_Node] = []
        position = 0
        for match in MASK_PATTERN.finditer(segment.masked):
            nodes.extend(_runs(segment.masked[position : match.start()]))
            nodes.extend(segment.fills[int(match.group(1)) - 1])
            position = match.end()
        nodes.extend(_runs(segment.masked[position:]))
        return nodes


def _runs(text: str) -> list[_Node]:
    """A run between masks: its surrounding whitespace kept literally, its words sent (if it has letters)."""
    core = text.strip()
    if not core or _LETTER.search(core) is None:
        return [text] if text else []
    left = text[: len(text) - len(text.lstrip())]
    right = text[len(text.rstrip()) :]
    return [n for n in (left, _Segment(core), right) if n != ""]


def _collect(node: _Node, texts: list[str]) -> None:
    """The texts to send under a node, in the order `_render` consumes them."""
    if isinstance(node, str):
        return
    if node.send:
        texts.append(node.masked)
    for fill in node.fills:
        for child in fill:
            _collect(child, texts)
