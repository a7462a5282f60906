"""Apple `.strings` files (`"key" = "value";`) read and written back byte for byte, UTF-8 or UTF-16.

Hand-written: no maintained MIT/BSD Python library reads the old-style property-list strings format with
offsets (`plistlib` reads XML/binary plists only). Monolingual: the value is the source; the comments
(`/* … */`, `// …`) since the previous entry are the note. Strings unescape `\\\\`, `\\"`, `\\n`, `\\t`,
`\\r`, `\\Uxxxx`/`\\uxxxx` and octal `\\ooo`; keys and values may be unquoted words. The encoding and BOM are
kept (UTF-16 files are common: Xcode wrote them for years). A unit's target (else its source) replaces
the value's token; units without a place in the file are appended.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from babel.core import get_global

from ._model import CatalogError, Parsed, Unit, is_pristine
from ._xliff_write import apply_edits

__all__ = ["STRINGS", "StringsFormat", "apple_lang", "apple_locale", "decode_apple", "encode_apple"]

_WORD = re.compile(r"[A-Za-z0-9_$+/:.\-]+")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v", '"': '"', "\\": "\\"}
_OUT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_NO_COMMENT = "No comment provided by engineer."  # genstrings' filler, not a note
_LPROJ = re.compile(r"(?:^|[\\/])([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)\.lproj[\\/]")


def apple_lang(path: str) -> str | None:
    """The language of a file inside `xx.lproj/` (None for `Base.lproj` or elsewhere)."""
    match = _LPROJ.search(path)
    return match.group(1) if match and match.group(1).lower() != "base" else None


def apple_locale(lang: str, existing: Iterable[str] = ()) -> str:
    """Apple's code for a language tag: an existing column that matches ("pl-pl" → "pl" when the file has
    "pl"), else the language alone when the region is its likely one ("fr-fr" → "fr", "pt-br" → "pt"),
    Chinese by script ("zh-tw" → "zh-Hant"), else "language-REGION" ("fr-ca" → "fr-CA", "pt-br" → "pt-BR")."""
    parts = [p for p in re.split(r"[-_]", lang.strip()) if p]
    norm = "-".join(parts).lower()
    columns = {c.replace("_", "-").lower(): c for c in existing}
    if norm in columns:
        return columns[norm]
    if parts and parts[0].lower() in columns and len(parts) > 1:
        return columns[parts[0].lower()]
    if len(parts) < 2:
        return norm
    language, region = parts[0].lower(), parts[-1].upper()
    if language == "zh" and len(parts) == 2:
        return "zh-Hant" if region in ("TW", "HK", "MO") else "zh-Hans"
    likely = str(get_global("likely_subtags").get(language, ""))
    if likely.endswith("_" + region) and len(parts) == 2 and language != "pt":  # Xcode: pt-BR, pt-PT
        return language
    return "-".join([language, *(p.title() if len(p) == 4 else p.upper() for p in parts[1:])])


def decode_apple(raw: str) -> str:
    """A quoted string's content with its escapes undone."""
    if "\\" not in raw:
        return raw
    out, i = [], 0
    while i < len(raw):
        char = raw[i]
        if char != "\\" or i + 1 == len(raw):
            out.append(char)
            i += 1
            continue
        nxt = raw[i + 1]
        hexa = re.match(r"[0-9a-fA-F]{4}", raw[i + 2 : i + 6]) if nxt in "uU" else None
        octal = re.match(r"[0-7]{1,3}", raw[i + 1 : i + 4])
        if hexa:
            out.append(chr(int(hexa.group(0), 16)))
            i += 6
        elif octal:
            out.append(chr(int(octal.group(0), 8)))
            i += 1 + len(octal.group(0))
        else:
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
    return "".join(out)


def encode_apple(value: str) -> str:
    """A quoted `.strings` token for `value`."""
    return '"' + "".join(_OUT.get(char, char) for char in value) + '"'


def _decode(data: bytes, path: str) -> tuple[str, str, bytes]:
    boms = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
    bom, encoding = next(((b, e) for b, e in boms if data.startswith(b)), (b"", ""))
    if not bom:
        nul = data[:200].count(b"\x00")
        encoding = "utf-8" if not nul else ("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
    try:
        return data[len(bom) :].decode(encoding), encoding, bom
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CatalogError(path, line, None, f"expected {encoding} text") from None


class _Scanner:
    """Tokens of a `.strings` file with their offsets; comments collected for the next entry's note."""

    def __init__(self, text: str, path: str) -> None:
        self.text, self.path, self.pos = text, path, 0
        self.comments: list[str] = []

    def error(self, pos: int, what: str) -> CatalogError:
        line = self.text.count("\n", 0, pos) + 1
        return CatalogError(self.path, line, pos - (self.text.rfind("\n", 0, pos) + 1) + 1, what)

    def skip(self) -> None:
        text = self.text
        while True:
            while self.pos < len(text) and text[self.pos] in " \t\r\n\ufeff":
                self.pos += 1
            if text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.error(self.pos, "expected '*/' closing this comment")
                self.comments.append(text[self.pos + 2 : end].strip())
                self.pos = end + 2
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                end = len(text) if end < 0 else end
                self.comments.append(text[self.pos + 2 : end].strip())
                self.pos = end
            else:
                return

    def token(self, what: str) -> tuple[str, int, int]:
        """(decoded value, start, end) of a quoted string or a bare word."""
        start, text = self.pos, self.text
        if text.startswith('"', start):
            i = start + 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            if i >= len(text):
                raise self.error(start, "expected '\"' closing this string")
            self.pos = i + 1
            return decode_apple(text[start + 1 : i]), start, i + 1
        match = _WORD.match(text, start)
        if not match:
            raise self.error(start, f"expected {what} (a quoted string)")
        self.pos = match.end()
        return match.group(0), start, match.end()

    def expect(self, char: str, what: str) -> None:
        self.skip()
        if not self.text.startswith(char, self.pos):
            raise self.error(self.pos, what)
        self.pos += 1


class StringsFormat:
    """Apple `.strings` (monolingual: one row per entry)."""

    name: str = "strings"
    extensions: tuple[str, ...] = (".strings",)

    def sniff(self, head: bytes, path: str) -> bool:
        """Only by extension (the format has no signature)."""
        return path.endswith(".strings")

    def parse(self, data: bytes, path: str) -> Parsed:
        """Rows in file order; meta keeps the text, encoding, BOM and each value token's span."""
        text, encoding, bom = _decode(data, path)
        scanner = _Scanner(text, path)
        units: list[Unit] = []
        slots: list[tuple[int, int, bool]] = []
        while True:
            scanner.skip()
            if scanner.pos >= len(text):
                break
            note = "\n".join(c for c in scanner.comments if c and c != _NO_COMMENT) or None
            scanner.comments = []
            key, start, end = scanner.token("a key")
            scanner.skip()
            bare = text.startswith(";", scanner.pos)  # `"key";` means "key" = "key";
            if bare:
                value = key
                scanner.pos += 1
            else:
                scanner.expect("=", "expected '=' after the key")
                scanner.skip()
                value, start, end = scanner.token("a value")
                scanner.expect(";", "expected ';' after the value")
            units.append(Unit(key=key, source=value, note=note, extra={"slot": len(slots)}))
            slots.append((start, end, bare))
        newline = "\r\n" if "\r\n" in text else "\n"
        meta: dict[str, Any] = {"format": "strings", "text": text, "encoding": encoding, "bom": bom}
        meta.update(slots=slots, newline=newline, source_lang=apple_lang(path), target_lang=None)
        return Parsed(units, meta)

    def render(self, units: list[Unit], meta: dict[str, Any], target_lang: str | None) -> bytes:
        """The file with changed values' tokens replaced and new entries appended."""
        if meta.get("format") != self.name:  # a fresh file: other formats\' extras mean nothing here
            meta = self.parse(b"", "Localizable.strings").meta
            units = [unit.replace(extra={}) for unit in units]
        text: str = meta["text"]
        newline: str = meta["newline"]
        edits: list[tuple[int, int, str]] = []
        added: list[str] = []
        for unit in units:
            value = unit.target if unit.target is not None else unit.source
            slot = unit.extra.get("slot")
            if slot is None:
                note = f"/* {unit.note.replace('*/', '* /')} */{newline}" if unit.note else ""
                added.append(f"{note}{encode_apple(unit.key)} = {encode_apple(value)};{newline}")
            elif not is_pristine(unit):
                start, end, bare = meta["slots"][slot]
                if bare:
                    edits.append((end, end, f" = {encode_apple(value)}"))
                else:
                    edits.append((start, end, encode_apple(value)))
        if added:
            lead = newline if text and not text.endswith("\n") else ""
            lead += newline if text.strip() else ""
            edits.append((len(text), len(text), lead + newline.join(added)))
        out = apply_edits(text, edits)
        bom: bytes = meta["bom"]
        return bom + out.encode(meta["encoding"])


STRINGS = StringsFormat()
