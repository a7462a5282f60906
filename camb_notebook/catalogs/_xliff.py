"""XLIFF files of either version behind one format ("xliff", `.xlf`/`.xliff`), chosen by the file itself.

Reading looks at the root's `version` attribute and hands 1.x files to `_xliff1` (`trans-unit`) and 2.x files
to `_xliff2` (`unit`/`segment`); writing follows the version the frame was read from (its meta), and a fresh
file (no meta, or another format's) is XLIFF 1.2, the version most tools read. One format for both keeps
detection by extension unambiguous: a frame read from either version is written back as that version.
"""

from __future__ import annotations

from typing import Any

from ._model import Parsed, Unit
from ._xliff1 import XLIFF1
from ._xliff2 import XLIFF20
from ._xliff_common import version_of

__all__ = ["XLIFF", "XLIFF12", "XliffFormat"]


class XliffFormat:
    """XLIFF 1.2 and 2.x (`.xlf`, `.xliff`): bilingual, one row per trans-unit / segment."""

    name: str = "xliff"
    extensions: tuple[str, ...] = (".xlf", ".xliff")

    def sniff(self, head: bytes, path: str) -> bool:
        """An `<xliff>` root (any version)."""
        return version_of(head) is not None

    def parse(self, data: bytes, path: str) -> Parsed:
        """The rows of a 1.x or 2.x file (by its version attribute; 1.2 when it names none)."""
        version = version_of(data[:4096]) or "1.2"
        return (XLIFF20 if version.startswith("2") else XLIFF1).parse(data, path)

    def render(self, units: list[Unit], meta: dict[str, Any], target_lang: str | None) -> bytes:
        """The file in the version it was read from (a fresh file: XLIFF 1.2)."""
        if meta.get("format") == XLIFF20.name:
            return XLIFF20.render(units, meta, target_lang)
        return XLIFF1.render(units, meta, target_lang)


XLIFF = XliffFormat()
XLIFF12 = XLIFF  # the name the registry imports
