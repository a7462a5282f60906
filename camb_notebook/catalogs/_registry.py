"""Format detection and the frame <-> catalog bridge: `read(path) -> DataFrame`, `write(frame, path)`.

Detection: `format=` names the format; otherwise the file's extension picks the candidates and content
sniffing decides between them (or finds the format of a file without a known extension). Everything needed
to write the file back travels in `frame.attrs["camb_catalog"]` (a `CatalogState`); a write goes to a temp
file in the same folder, then `os.replace`, so an existing file is never left half written.
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..api import UsageError
from ._android import ANDROID
from ._apple_strings import STRINGS
from ._apple_stringsdict import STRINGSDICT
from ._apple_xcstrings import XCSTRINGS
from ._json import ARB, JSON
from ._model import COLUMNS, STATES, CatalogFormat, Unit, mark_pristine
from ._po import PO
from ._tabular import CSV, XLSX
from ._xliff import XLIFF12
from ._xliff2 import XLIFF20

__all__ = ["FORMATS", "CatalogState", "detect", "frame_of", "read", "state_of", "units_of", "write"]

# Every format, most specific first (sniffing tries them in this order).
FORMATS: tuple[CatalogFormat, ...] = (
    PO,
    XLIFF20,
    XLIFF12,
    ANDROID,
    XCSTRINGS,
    STRINGSDICT,
    STRINGS,
    ARB,
    JSON,
    CSV,
    XLSX,
)
ATTR = "camb_catalog"


@dataclass
class CatalogState:
    """What a catalog frame carries in `attrs["camb_catalog"]`: format, meta, each row's extra, languages.

    Treated as immutable (frames derived from each other share it: `__deepcopy__` returns itself, so pandas'
    deep copy of attrs on every operation stays cheap on 50,000-unit catalogs). `extras[label]` belongs to
    the row whose index label is `label`; rows with other labels are new units.
    """

    format: str
    path: str
    meta: dict[str, Any]
    extras: list[dict[str, Any]] = field(default_factory=list)
    source_lang: str | None = None
    target_lang: str | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> CatalogState:
        return self

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def __repr__(self) -> str:
        lang = f", target_lang={self.target_lang!r}" if self.target_lang else ""
        return f"CatalogState(format={self.format!r}, path={self.path!r}, units={len(self.extras)}{lang})"


def _by_name(name: str) -> CatalogFormat:
    for fmt in FORMATS:
        if fmt.name == name.lower():
            return fmt
    raise UsageError(f"unknown catalog format {name!r}; known: {', '.join(f.name for f in FORMATS)}")


def detect(path: str | os.PathLike[str], head: bytes = b"", format: str | None = None) -> CatalogFormat:
    """The format of `path`: `format=` if given, else by extension, then by sniffing `head`."""
    if format is not None:
        return _by_name(format)
    name = os.fspath(path).lower()
    candidates = [f for f in FORMATS if any(name.endswith(ext) for ext in f.extensions)]
    for fmt in candidates:
        if not head or fmt.sniff(head, name):
            return fmt
    if candidates:
        return candidates[0]
    for fmt in FORMATS:
        if head and fmt.sniff(head, name):
            return fmt
    raise UsageError(
        f"{os.fspath(path)}: not a known catalog format; pass format= one of "
        f"{', '.join(f.name for f in FORMATS)}"
    )


def frame_of(units: list[Unit], state: CatalogState) -> pd.DataFrame:
    """A catalog frame (COLUMNS, object dtype, RangeIndex); its attrs carry `state` and each unit's extra."""
    columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    lists = list(columns.values())
    for unit in units:
        for values, value in zip(lists, unit.values(), strict=True):
            values.append(value)
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()}, columns=list(COLUMNS))
    frame.attrs[ATTR] = CatalogState(
        state.format, state.path, state.meta, [u.extra for u in units], state.source_lang, state.target_lang
    )
    return frame


def state_of(frame: pd.DataFrame) -> CatalogState | None:
    """The catalog state a frame carries (None for a frame built by hand)."""
    state = frame.attrs.get(ATTR)
    return state if isinstance(state, CatalogState) else None


def _clean(value: Any) -> Any:
    """None for pandas' missing values (NaN/NA/NaT), the value otherwise."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if type(value) is tuple:
        return value
    value = _clean(value)
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v for v in value.split(", ") if v) if value else ()
    return tuple(str(v) for v in value)


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    """A column's values with pandas' missing values (NaN/NA/NaT) as None (all None if it is absent)."""
    if name not in frame.columns:
        return [None] * len(frame)
    column = frame[name]
    values: list[Any] = column.tolist()
    missing = column.isna().tolist()  # vectorised: a per-value check was a third of a 50,000-unit write
    if any(missing):
        values = [None if gone else value for value, gone in zip(values, missing, strict=True)]
    return values


def units_of(frame: pd.DataFrame) -> list[Unit]:
    """The frame's rows as units (each with a copy of its row's extra; new rows get an empty one)."""
    missing = [c for c in ("key", "source") if c not in frame.columns]
    if missing:
        raise UsageError(f"a catalog frame needs the columns {list(COLUMNS)!r}; missing {missing!r}")
    state = state_of(frame)
    extras = state.extras if state is not None else []
    data = [_column(frame, c) for c in COLUMNS]
    units = []
    for row, label in enumerate(frame.index.tolist()):
        key, context, source, target, plural, note, locations, flags, st, max_length = (d[row] for d in data)
        if st not in STATES:
            st = "translated" if target not in (None, "") else "new"
        extra = extras[label] if isinstance(label, int) and 0 <= label < len(extras) else {}
        units.append(
            Unit(
                key=str(key) if key is not None else "",
                context=context,
                source=str(source or ""),
                target=target,
                plural=plural,
                note=note,
                locations=_strings(locations),
                flags=_strings(flags),
                state=st,
                max_length=int(max_length) if max_length is not None else None,
                extra=dict(extra),
            )
        )
    return units


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic GC: parsing allocates ~10 objects per unit and none of them form cycles; the
    collector's passes over the growing heap took about half of a 50,000-unit read (measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read(path: str | os.PathLike[str], *, format: str | None = None, lang: str | None = None) -> pd.DataFrame:
    """Read a catalog file into a frame: one row per unit (plural forms apart), columns COLUMNS.

    `lang`: for a file holding several languages (.xcstrings), the language whose strings are the targets.
    """
    name = os.fspath(path)
    try:
        data = Path(name).read_bytes()
    except OSError as exc:
        raise UsageError(f"{name}: cannot read ({exc.strerror or exc})") from None
    fmt = detect(name, data[:4096], format)
    with _no_gc():
        per_lang = getattr(fmt, "parse_for", None) if lang is not None else None
        parsed = per_lang(data, name, lang) if per_lang is not None else fmt.parse(data, name)
        mark_pristine(parsed.units)
        source_lang = parsed.meta.get("source_lang")
        # target_lang stays None: a frame written back as read gives the same bytes (translate sets it).
        state = CatalogState(fmt.name, name, parsed.meta, [], source_lang, None)
        return frame_of(parsed.units, state)


def render(frame: pd.DataFrame, path: str | os.PathLike[str] = "", *, format: str | None = None) -> bytes:
    """The bytes `write` would write (the frame's own format unless `format=`/the path says otherwise)."""
    state = state_of(frame)
    own = _by_name(state.format) if state is not None else None
    name = os.fspath(path).lower()
    if own is not None and format is None and (not name or any(name.endswith(e) for e in own.extensions)):
        fmt = own  # the path's extension fits the frame's own format (several formats share .json, .xml)
    else:
        fmt = detect(path, b"", format)
    same = state is not None and state.format == fmt.name
    meta = state.meta if same and state is not None else {}
    target_lang = state.target_lang if state is not None else None
    return fmt.render(units_of(frame), meta, target_lang)


def write(frame: pd.DataFrame, path: str | os.PathLike[str], *, format: str | None = None) -> Path:
    """Write a catalog frame to `path` atomically (temp file in the same folder, then rename)."""
    with _no_gc():
        data = render(frame, path, format=format)
    target = Path(os.fspath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
