"""The catalog room's data model and the contract every format module implements.

A catalog file becomes a list of `Unit` (one per translatable string; each plural form its own unit) plus
`meta`, everything else needed to write the file back byte for byte. Contract for format authors:

- A module exposes one or more `CatalogFormat` objects (module-level `FORMAT`, or e.g. `XLIFF12`/`XLIFF20`);
  `_registry.py` lists them. `sniff(head, path)` says whether the first bytes look like this format (the
  extension is tried first, sniffing only decides between formats sharing an extension or without one).
- `parse(data, path) -> Parsed`: units in file order; `unit.extra` holds what the format needs to put the
  unit back (e.g. the index of its raw span in `meta`). `meta` must be picklable and deep-copyable (plain
  dicts/lists/tuples/str/bytes/int): it travels in `frame.attrs["camb_catalog"]`. Errors raise
  `CatalogError(path, line, col, "what was expected")` (one line).
- `render(units, meta, target_lang) -> bytes`: units may be the parsed ones, edited, dropped, or new ones
  (empty `extra`). A unit for which `is_pristine(unit)` holds and whose whole group (e.g. all plural forms
  of a po entry) is pristine and complete MUST come back as its original bytes. `target_lang` (a locale such
  as "pl-pl", or None) asks for the target language's header/plural forms (`_plurals.py` has the CLDR rules).
- The registry calls `mark_pristine(units)` right after `parse`, so formats need not; tests of a format alone
  call it too before editing units.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..api import UsageError

__all__ = [
    "COLUMNS",
    "PLURAL_CATEGORIES",
    "STATES",
    "CatalogError",
    "CatalogFormat",
    "Parsed",
    "Unit",
    "is_pristine",
    "mark_pristine",
]

COLUMNS = (
    "key",
    "context",
    "source",
    "target",
    "plural",
    "note",
    "locations",
    "flags",
    "state",
    "max_length",
)
STATES = ("new", "translated", "fuzzy", "obsolete")
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
_PRISTINE = "_pristine"


@dataclass
class Unit:
    """One translatable string (one plural form of an entry is its own unit); fields = COLUMNS + extra."""

    key: str
    context: str | None = None
    source: str = ""
    target: str | None = None
    plural: str | None = None
    note: str | None = None
    locations: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    state: str = "new"
    max_length: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def values(self) -> tuple[Any, ...]:
        """The COLUMNS values, in order (what a frame row holds)."""
        return (
            self.key,
            self.context,
            self.source,
            self.target,
            self.plural,
            self.note,
            self.locations,
            self.flags,
            self.state,
            self.max_length,
        )

    def replace(self, **changes: Any) -> Unit:
        """A copy with some fields changed (extra is copied, not shared)."""
        changes.setdefault("extra", dict(self.extra))
        return dataclasses.replace(self, **changes)


@dataclass
class Parsed:
    """What `parse` returns: the units in file order and the format's meta (picklable, deep-copyable)."""

    units: list[Unit]
    meta: dict[str, Any]


class CatalogFormat(Protocol):
    """A catalog file format: detection, parsing and byte-exact rendering (see the module docstring)."""

    name: str
    extensions: tuple[str, ...]

    def sniff(self, head: bytes, path: str) -> bool:
        """Whether `head` (the file's first bytes) looks like this format."""

    def parse(self, data: bytes, path: str) -> Parsed:
        """Units and meta of a whole file; raise CatalogError on malformed input."""

    def render(self, units: list[Unit], meta: dict[str, Any], target_lang: str | None) -> bytes:
        """The file's bytes: pristine units as they were, the others rendered (target's plurals if given)."""


class CatalogError(UsageError):
    """A malformed catalog file: one line, `path:line:col: what was expected`."""

    def __init__(self, path: str, line: int | None, col: int | None, what: str) -> None:
        self.path, self.line, self.col = path, line, col
        where = path + (f":{line}" if line is not None else "") + (f":{col}" if col is not None else "")
        super().__init__(f"{where}: {what}")


def mark_pristine(units: list[Unit]) -> None:
    """Remember each unit's parsed values so `render` can tell untouched units (kept byte for byte)."""
    for unit in units:
        unit.extra[_PRISTINE] = unit.values()


def is_pristine(unit: Unit) -> bool:
    """Whether the unit still holds exactly the values it was parsed with."""
    return bool(unit.extra.get(_PRISTINE) == unit.values())
