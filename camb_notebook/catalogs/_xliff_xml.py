"""A byte-keeping XML scanner shared by the XLIFF, Android and .stringsdict readers.

Hand-written on purpose: the stdlib parsers and lxml give a tree without the source offsets of each element's
content, and re-serialising a tree changes quoting, entity choice and whitespace. Writing back byte for byte
needs the exact span of every `<source>`/`<target>`/`<string>` content, so this scanner records spans on the
decoded text and the writers splice new content into the original text. It covers what catalog files use
(elements, attributes, comments, CDATA, processing instructions, a DOCTYPE, the five XML entities and
character references); it is not a validating parser.

Inline markup inside a translatable element is kept as the raw tags in the unit's text (`<g id="1">`,
`</g>`, `<x id="2"/>`, a whole `<ph>…</ph>`), so a translation keeps them as protected placeholders and
`escape_text` writes them back as markup while escaping everything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._model import CatalogError

__all__ = [
    "Comment",
    "Element",
    "XmlDoc",
    "decode_document",
    "decode_text",
    "encode_document",
    "error_at",
    "inner_pieces",
    "inner_text",
    "markup_pieces",
    "scan",
]

_NAME = r"[A-Za-z_][-\w.:]*"
_ATTR = re.compile(rf"\s+({_NAME})\s*=\s*(?:\"([^\"<]*)\"|'([^'<]*)')")
_ENTITY = re.compile(r"&(?:(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos);)?")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class Comment:
    """An XML comment: its span and its text (without `<!--`/`-->`)."""

    __slots__ = ("end", "start", "text")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start, self.end, self.text = start, end, text


class Element:
    """An element with the offsets of its start tag, content and end (all on the decoded text).

    Attributes are decoded on first use (most elements of a catalog never need theirs).
    """

    __slots__ = ("_attrs", "_raw", "children", "end", "inner_end", "inner_start", "local", "name", "start")

    def __init__(self, name: str, start: int, inner_start: int, raw: tuple[str, int, str, str] | None = None):
        self.name = name
        self.local = name.rpartition(":")[2]  # the name without its namespace prefix
        self.start = start
        self.inner_start = inner_start  # after the start tag's '>'
        self.inner_end = inner_start  # at the end tag's '<' (== inner_start for an empty element)
        self.end = inner_start  # after the end tag's '>'
        self._raw = raw  # (attributes' source, its offset, the document text, path) until decoded
        self._attrs: dict[str, tuple[str, int, int]] | None = None
        self.children: list[Element | Comment] = []

    @property
    def attrs(self) -> dict[str, tuple[str, int, int]]:
        """name -> (decoded value, raw value span in the text)."""
        if self._attrs is None:
            self._attrs = {}
            if self._raw is not None:
                source, offset, text, path = self._raw
                for attr in _ATTR.finditer(source):
                    group = 2 if attr.group(2) is not None else 3
                    raw_start, raw_end = offset + attr.start(group), offset + attr.end(group)
                    value = attr.group(group)
                    if "&" in value:
                        value = decode_text(text, raw_start, raw_end, path)
                    self._attrs[attr.group(1)] = (value, raw_start, raw_end)
        return self._attrs

    def get(self, name: str, default: str | None = None) -> str | None:
        """An attribute's decoded value."""
        found = self.attrs.get(name)
        return found[0] if found else default

    def elements(self, *locals_: str) -> list[Element]:
        """Child elements, optionally only those with one of the given local names."""
        if not locals_:
            return [c for c in self.children if type(c) is Element]
        return [c for c in self.children if type(c) is Element and c.local in locals_]

    def first(self, local: str) -> Element | None:
        """The first child element with this local name."""
        for child in self.children:
            if type(child) is Element and child.local == local:
                return child
        return None


class XmlDoc:
    """A scanned document: the decoded text, the root element and what is needed for errors."""

    __slots__ = ("path", "root", "text", "top")

    def __init__(self, path: str, text: str, top: Element, root: Element) -> None:
        self.path, self.text, self.top, self.root = path, text, top, root

    def error(self, pos: int, what: str) -> CatalogError:
        """A CatalogError at offset `pos` of the text (line and column 1-based)."""
        return error_at(self.path, self.text, pos, what)


def error_at(path: str, text: str, pos: int, what: str) -> CatalogError:
    """A CatalogError for offset `pos` of `text`."""
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return CatalogError(path, line, col, what)


def decode_document(data: bytes, path: str) -> tuple[str, str, bool]:
    """The text, the encoding name and whether a BOM was present (UTF-8/16 by BOM, else the declaration)."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, bom, body = "utf-8", True, data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, bom, body = "utf-16", True, data
    else:
        match = _ENCODING.match(data)
        encoding, bom, body = (match.group(1).decode("ascii").lower() if match else "utf-8"), False, data
    try:
        text = body.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        pos = getattr(exc, "start", 0)
        line = data.count(b"\n", 0, pos) + 1
        raise CatalogError(path, line, None, f"expected {encoding} text ({exc.__class__.__name__})") from None
    return text, encoding, bom


def encode_document(text: str, encoding: str, bom: bool) -> bytes:
    """The inverse of `decode_document` (UTF-16 writes its own BOM)."""
    if encoding == "utf-8" and bom:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding, errors="xmlcharrefreplace")


_TOKEN = re.compile(
    rf"<(?:/({_NAME})\s*>|({_NAME})((?:\s+{_NAME}\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*(/?)>|(!--|!\[CDATA\[|\?|!))"
)


def scan(text: str, path: str) -> XmlDoc:
    """Scan a whole document into elements and comments with offsets; one-line errors on malformed XML."""
    top = Element("", 0, 0)
    stack = [top]
    children = top.children
    pos, size = 0, len(text)
    find, match = text.find, _TOKEN.match
    while True:
        lt = find("<", pos)
        if lt < 0:
            break
        token = match(text, lt)
        if token is None:
            raise error_at(path, text, lt, _start_tag_problem(text, lt))
        closing, name, attrs, empty, other = token.groups()
        if name is not None:
            element = Element(name, lt, token.end(), (attrs, token.start(3), text, path) if attrs else None)
            children.append(element)
            if not empty:
                stack.append(element)
                children = element.children
            pos = token.end()
        elif closing is not None:
            open_ = stack[-1]
            if closing != open_.name:
                want = f"'</{open_.name}>'" if open_ is not top else "no end tag"
                raise error_at(path, text, lt, f"expected {want}, found '</{closing}>'")
            open_.inner_end, open_.end = lt, token.end()
            stack.pop()
            children = stack[-1].children
            pos = token.end()
        elif other == "!--":
            end = find("-->", lt + 4)
            if end < 0:
                raise error_at(path, text, lt, "expected '-->' closing this comment")
            children.append(Comment(lt, end + 3, text[lt + 4 : end]))
            pos = end + 3
        elif other == "![CDATA[":
            end = find("]]>", lt)
            if end < 0:
                raise error_at(path, text, lt, "expected ']]>' closing this CDATA section")
            pos = end + 3
        elif other == "?":
            end = find("?>", lt)
            if end < 0:
                raise error_at(path, text, lt, "expected '?>' closing this processing instruction")
            pos = end + 2
        else:
            pos = _skip_doctype(text, lt, path)
    if len(stack) > 1:
        raise error_at(path, text, size, f"expected '</{stack[-1].name}>' before the end of the file")
    roots = top.elements()
    if len(roots) != 1:
        raise error_at(path, text, roots[1].start if roots else size, "expected exactly one root element")
    return XmlDoc(path, text, top, roots[0])


def _skip_doctype(text: str, lt: int, path: str) -> int:
    depth, pos = 0, lt + 2
    while pos < len(text):
        char = text[pos]
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == ">" and depth <= 0:
            return pos + 1
        pos += 1
    raise error_at(path, text, lt, "expected '>' closing this declaration")


def _start_tag_problem(text: str, lt: int) -> str:
    if text.startswith("</", lt):
        return "expected an end tag like '</name>'"
    name = re.compile(_NAME).match(text, lt + 1)
    if not name:
        return "expected a tag name after '<' (write '&lt;' for a literal '<')"
    return f"expected attributes like name=\"value\" and '>' to close '<{name.group(0)}'"


def decode_text(text: str, start: int, end: int, path: str) -> str:
    """Character data between two offsets with entities, character references and CDATA decoded."""
    amp = text.find("&", start, end)
    if amp < 0 and text.find("<![CDATA[", start, end) < 0:
        return text[start:end]
    out: list[str] = []
    pos = start
    while pos < end:
        amp, cdata = text.find("&", pos, end), text.find("<![CDATA[", pos, end)
        if cdata >= 0 and (amp < 0 or cdata < amp):
            out.append(text[pos:cdata])
            close = text.find("]]>", cdata, end)
            out.append(text[cdata + 9 : close])
            pos = close + 3
            continue
        if amp < 0:
            out.append(text[pos:end])
            break
        out.append(text[pos:amp])
        match = _ENTITY.match(text, amp, end)
        ref = match.group(1) if match else None
        if ref is None:
            raise error_at(
                path, text, amp, "expected an entity like '&amp;' (write '&amp;' for a literal '&')"
            )
        if ref.startswith("#"):
            code = int(ref[2:], 16) if ref[1] == "x" else int(ref[1:])
            out.append(chr(code))
        else:
            out.append(_NAMED[ref])
        pos = match.end() if match else end
    return "".join(out)


def inner_text(doc: XmlDoc, element: Element, whole: Iterable[str] = ()) -> str:
    """An element's content as text; child markup stays raw (elements named in `whole` with their content).

    Comments inside the content are dropped from the text (they are kept in the file while the unit is
    untouched).
    """
    if not element.children:
        return decode_text(doc.text, element.inner_start, element.inner_end, doc.path)
    return "".join(piece for _, piece in inner_pieces(doc, element, set(whole)))


def inner_pieces(doc: XmlDoc, element: Element, whole: set[str]) -> list[tuple[bool, str]]:
    """An element's content as (is_markup, piece): decoded character data and raw tags, in order."""
    text, path = doc.text, doc.path
    out: list[tuple[bool, str]] = []
    pos = element.inner_start
    for child in element.children:
        out.append((False, decode_text(text, pos, child.start, path)))
        if isinstance(child, Comment):
            pass
        elif child.local in whole or child.end == child.inner_start:
            out.append((True, text[child.start : child.end]))
        else:
            out.append((True, text[child.start : child.inner_start]))
            out.extend(inner_pieces(doc, child, whole))
            out.append((True, text[child.inner_end : child.end]))
        pos = child.end
    out.append((False, decode_text(text, pos, element.inner_end, path)))
    return out


def markup_pieces(doc: XmlDoc, element: Element | None, whole: Iterable[str] = ()) -> list[str]:
    """The raw inline tags in an element's content, as `inner_text` shows them (the placeholders to keep)."""
    if element is None:
        return []
    whole = set(whole)
    out: list[str] = []
    for child in element.elements():
        if child.local in whole or child.end == child.inner_start:
            out.append(doc.text[child.start : child.end])
        else:
            out.append(doc.text[child.start : child.inner_start])
            out.append(doc.text[child.inner_end : child.end])
            out.extend(markup_pieces(doc, child, whole))
    return out
