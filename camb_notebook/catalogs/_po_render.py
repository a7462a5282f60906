"""Writing gettext catalogs back: untouched entries as their raw text, edited parts re-rendered.

An entry whose units are all pristine (and whose plural forms already match the target's Plural-Forms) is
copied byte for byte; otherwise only the parts whose values changed are rendered (gettext's wrapping), the
others keep their raw lines. With a target language the header gets that language's Language and
Plural-Forms (CLDR, through Babel) unless the file is already in that language.
"""

from __future__ import annotations

from typing import Any

from ._model import Unit, is_pristine
from ._plurals import _locale, gettext_categories, gettext_plural
from ._po_text import escape, quoted_lines

__all__ = ["plural_categories", "render_po", "target_forms"]


def _same_language(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return a.replace("-", "_").split("_")[0].lower() == b.replace("-", "_").split("_")[0].lower()


def target_forms(meta: dict[str, Any], target_lang: str | None) -> tuple[int, str, bool]:
    """(nplurals, expression, whether the header must change) of the file written for `target_lang`."""
    file_forms = meta.get("plural_forms")
    if target_lang and (file_forms is None or not _same_language(meta.get("language"), target_lang)):
        count, expr = gettext_plural(target_lang)
        return count, expr, True
    if file_forms is not None:
        return int(file_forms[0]), str(file_forms[1]), False
    return 2, "n != 1", False


def plural_categories(meta: dict[str, Any], lang: str | None) -> tuple[str, ...]:
    """msgstr index -> CLDR category for the file written in `lang` (None: as it is)."""
    count, expr, changed = target_forms(meta, lang)
    return gettext_categories(count, expr, lang if changed or not meta.get("language") else meta["language"])


def _header_lines(entry: dict[str, Any], meta: dict[str, Any], target_lang: str) -> list[str] | None:
    """The header entry re-rendered for `target_lang` (lines without newline), or None when unchanged."""
    text: str = entry["strs"][0]
    lines = text.split("\n")
    fields = {line.partition(":")[0].strip(): i for i, line in enumerate(lines) if ":" in line}
    changes: dict[str, str] = {}
    locale = _locale(target_lang)
    if not _same_language(meta.get("language"), target_lang):
        changes["Language"] = str(locale) if locale is not None else target_lang
    count, expr, changed = target_forms(meta, target_lang)
    if changed:
        changes["Plural-Forms"] = f"nplurals={count}; plural=({expr});"
    ctype = lines[fields["Content-Type"]] if "Content-Type" in fields else ""
    if "charset=CHARSET" in ctype or "Content-Type" not in fields:
        changes["Content-Type"] = "text/plain; charset=UTF-8"
    fuzzy = "fuzzy" in entry["flags"]
    if not changes and not fuzzy:
        return None
    for key, value in changes.items():
        if key in fields:
            lines[fields[key]] = f"{key}: {value}"
        else:
            at = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
            lines.insert(at, f"{key}: {value}")
    new = "\n".join(lines)
    out: list[str] = []
    for kind, raw in entry["parts"]:
        if kind == "#,":
            flags = [f for f in entry["flags"] if f != "fuzzy"]
            if flags:
                out.append("#, " + ", ".join(flags))
        elif kind == "msgstr":
            out.append('msgstr ""')
            out.extend(f'"{escape(piece)}"' for piece in new.splitlines(keepends=True))
        else:
            out.extend(raw.rstrip("\r\n").split("\n"))
    return [line.rstrip("\r") for line in out]


def _plural_strs(units: list[Unit], cats: tuple[str, ...]) -> list[str]:
    by_cat = {u.plural: u.target or "" for u in units}
    return [by_cat.get(cat, "") for cat in cats]


def _entry_lines(entry: dict[str, Any] | None, units: list[Unit], cats: tuple[str, ...]) -> list[str]:
    """An edited (or new) entry's lines: unchanged parts raw, changed parts rendered."""
    first = units[0]
    obsolete = all(u.state == "obsolete" for u in units)
    prefix = "#~ " if obsolete else ""
    fuzzy = any("fuzzy" in u.flags or u.state == "fuzzy" for u in units)
    flags = tuple(f for f in first.flags if f != "fuzzy")
    flags = ("fuzzy", *flags) if fuzzy else flags
    plural = first.plural is not None
    id_plural = next((u.source for u in units if u.plural not in (None, "one")), first.source)
    strs = _plural_strs(units, cats) if plural else [first.target or ""]
    orig: dict[str, Any] = entry or {
        "parts": [],
        "ctx": None,
        "id": None,
        "id_plural": None,
        "strs": None,
        "flags": (),
        "locations": (),
        "note": None,
        "obsolete": False,
    }
    same_obsolete = orig["obsolete"] == obsolete
    changed = {
        "note": first.note != orig["note"],
        "loc": tuple(first.locations) != tuple(orig["locations"]),
        "flags": flags != tuple(orig["flags"]),
    }
    rendered = {
        "note": [f"#. {line}".rstrip() for line in first.note.split("\n")] if first.note else [],
        "loc": ["#: " + " ".join(first.locations)] if first.locations else [],
        "flags": ["#, " + ", ".join(flags)] if flags else [],
    }
    out: list[str] = []
    done: set[str] = set()

    def emit(*names: str) -> None:
        for name in names:
            if name not in done:
                done.add(name)
                out.extend(rendered[name] if changed[name] else [])

    def field(name: str, value: str | None, same: bool, raw: str | None) -> None:
        if same and raw is not None and same_obsolete:
            out.extend(raw.rstrip("\r\n").split("\n"))
        elif value is not None:
            out.extend(quoted_lines(name, value, prefix))

    raws = {kind: raw for kind, raw in orig["parts"] if not kind.startswith("#")}
    for kind, raw in orig["parts"]:
        if not kind.startswith("#"):
            continue
        if kind in ("#", "#.") and changed["note"]:
            emit("note")
            continue
        if kind == "#:" and changed["loc"]:
            emit("note", "loc")
            continue
        if kind == "#," and changed["flags"]:
            emit("note", "loc", "flags")
            continue
        if kind in ("#|", "#~|"):
            emit("note", "loc", "flags")
        out.extend(raw.rstrip("\r\n").split("\n"))
    emit("note", "loc", "flags")
    field("msgctxt", first.context, first.context == orig["ctx"], raws.get("msgctxt"))
    field("msgid", first.key, first.key == orig["id"], raws.get("msgid"))
    if plural:
        field("msgid_plural", id_plural, id_plural == orig["id_plural"], raws.get("msgid_plural"))
        if strs == orig["strs"] and same_obsolete:
            for kind, raw in orig["parts"]:
                if kind.startswith("msgstr["):
                    out.extend(raw.rstrip("\r\n").split("\n"))
        else:
            for i, value in enumerate(strs):
                out.extend(quoted_lines(f"msgstr[{i}]", value, prefix))
    else:
        field("msgstr", strs[0], strs == orig["strs"], raws.get("msgstr"))
    return [line.rstrip("\r") for line in out]


def render_po(units: list[Unit], meta: dict[str, Any], target_lang: str | None) -> bytes:
    """The catalog's bytes (see the module docstring)."""
    entries: list[dict[str, Any]] = meta.get("entries", [])
    nl: str = meta.get("newline", "\n")
    groups: dict[int, list[Unit]] = {}
    new: list[list[Unit]] = []
    for unit in units:
        index = unit.extra.get("e")
        if isinstance(index, int) and 0 <= index < len(entries):
            groups.setdefault(index, []).append(unit)
        elif (
            new
            and unit.plural is not None
            and (new[-1][0].key, new[-1][0].context) == (unit.key, unit.context)
        ):
            new[-1].append(unit)
        else:
            new.append([unit])
    count, expr, changed = target_forms(meta, target_lang)
    cats = plural_categories(meta, target_lang)
    out: list[str] = []
    for segment in meta.get("segments", []):
        if isinstance(segment, str):
            out.append(segment)
            continue
        entry = entries[segment]
        if entry["header"]:
            lines = _header_lines(entry, meta, target_lang) if target_lang else None
            out.append(entry["raw"] if lines is None else nl.join(lines) + nl)
            continue
        group = groups.get(segment)
        if not group:
            continue
        pristine = len(group) == len(entry["strs"]) and all(is_pristine(u) for u in group)
        if pristine and (entry["id_plural"] is None or not changed or len(cats) == len(entry["strs"])):
            out.append(entry["raw"])
        else:
            out.append(nl.join(_entry_lines(entry, group, cats)) + nl)
    if not entries and target_lang:
        lines = [
            'msgid ""',
            'msgstr ""',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            f'"Language: {_locale(target_lang) or target_lang}\\n"',
            f'"Plural-Forms: nplurals={count}; plural=({expr});\\n"',
        ]
        out.append(nl.join(lines) + nl)
    for group in new:
        text = "".join(out)
        if text and not text.endswith(nl + nl):
            out.append(nl if text.endswith(nl) else nl + nl)
        out.append(nl.join(_entry_lines(None, group, cats)) + nl)
    data = "".join(out).encode(meta.get("encoding", "utf-8"))
    return b"\xef\xbb\xbf" + data if meta.get("bom") else data
