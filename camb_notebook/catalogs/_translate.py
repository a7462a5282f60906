"""Translate a catalog's missing (or fuzzy, or all) units into target languages on the batch engine.

`translate_catalog(manager, catalog, to=[...])` returns a `BatchJob` at once (the engine's translation batch:
dedupe, chunking, journal, cache, progress, resume, `retry_failed()`); its result is `{target: frame}`.
Plural entries take the target language's forms (CLDR via `_plurals.py`, or the format's own mapping such as
gettext's Plural-Forms): a form's text is the translation of the source form of the same category, else of
the source's `other` form. Leading/trailing whitespace (a msgid's final `\\n`) is kept as in the source and
never sent. With `out=` each target file is written when the batch's result is first computed (at once when
the batch finishes: a done-callback reads it).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from ..api import UsageError, resolve_language
from ..jobs import BatchJob, Estimate, Job, translation_batch
from ._model import Unit
from ._plurals import _locale, categories
from ._registry import CatalogState, _by_name, frame_of, read, state_of, units_of, write

__all__ = ["ONLY", "Only", "plan_catalog", "translate_catalog"]

Only = Literal["missing", "fuzzy", "all"]
ONLY: tuple[str, ...] = ("missing", "fuzzy", "all")
_EDGES = re.compile(r"^(\s*)(.*?)(\s*)$", re.DOTALL)


def _selected(unit: Unit, only: str) -> bool:
    """Whether `only=` asks for the unit: missing = new; fuzzy = new + fuzzy; all = all but obsolete ones."""
    if unit.state == "obsolete":
        return False
    if only == "all":
        return True
    return unit.state == "new" or (only == "fuzzy" and unit.state == "fuzzy")


def _groups(units: list[Unit]) -> list[list[Unit]]:
    """Units grouped by entry: consecutive plural forms of one key/context, every other unit alone."""
    groups: list[list[Unit]] = []
    for unit in units:
        last = groups[-1][0] if groups else None
        if (
            unit.plural is not None
            and last is not None
            and last.plural is not None
            and (last.key, last.context) == (unit.key, unit.context)
        ):
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


def _source_for(group: list[Unit], category: str) -> str:
    """The source text of a target plural category: the same category's, else `other`'s, else the first."""
    by = {u.plural: u.source for u in group}
    return by.get(category) or by.get("other") or group[0].source


def _without_fuzzy(flags: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in flags if f != "fuzzy")


@dataclass
class CatalogPlan:
    """What a catalog translation sends (core texts) and how to spread the answers over each target."""

    units: list[Unit]
    groups: list[list[Unit]]
    state: CatalogState
    only: str
    texts: list[str | None]
    slots: dict[str, int]  # source text -> position in `texts`
    plural_categories: Callable[[str], tuple[str, ...]]

    def counts(self) -> dict[str, int]:
        """Units per state in the source catalog."""
        out = dict.fromkeys(("new", "translated", "fuzzy", "obsolete"), 0)
        for unit in self.units:
            out[unit.state] = out.get(unit.state, 0) + 1
        return out

    def _fill(self, unit: Unit, answers: list[str | None], selected: bool) -> Unit:
        if not selected:
            return unit
        position = self.slots.get(unit.source)
        core = answers[position] if position is not None else None
        if core is None:
            return unit  # failed or nothing to send: the unit keeps its target, state and fuzzy flag
        lead, _, trail = _EDGES.match(unit.source).groups()  # type: ignore[union-attr]
        return unit.replace(
            target=f"{lead}{core}{trail}", state="translated", flags=_without_fuzzy(unit.flags)
        )

    def target_units(self, target: str, answers: list[str | None]) -> list[Unit]:
        """The catalog's units for `target`, translations filled in (answers: one per `texts` position)."""
        out: list[Unit] = []
        cats = self.plural_categories(target)
        for group in self.groups:
            first = group[0]
            if first.plural is None:
                out.append(self._fill(first.replace(), answers, _selected(first, self.only)))
                continue
            chosen = any(_selected(u, self.only) for u in group)
            by_cat = {u.plural: u for u in group}
            if [u.plural for u in group] == list(cats) and not chosen:
                out.extend(u.replace() for u in group)
                continue
            sibling = {k: v for k, v in first.extra.items() if not k.startswith("_")}
            for cat in cats:
                found = by_cat.get(cat)
                if found is not None:
                    unit = found.replace()
                    selected = _selected(found, self.only)
                else:
                    source = _source_for(group, cat)
                    unit = first.replace(
                        plural=cat, source=source, target=None, state="new", extra=dict(sibling)
                    )
                    selected = first.state != "obsolete"
                out.append(self._fill(unit, answers, selected))
        return out

    def frame(self, target: str, answers: list[str | None]) -> pd.DataFrame:
        """The target's catalog frame (attrs carry the target language for the header/plural forms)."""
        state = CatalogState(
            self.state.format, self.state.path, self.state.meta, [], self.state.source_lang, target
        )
        return frame_of(self.target_units(target, answers), state)


def plan_catalog(catalog: str | os.PathLike[str] | pd.DataFrame, only: str = "missing") -> CatalogPlan:
    """Read the catalog (a path or a frame from `read`) and list the distinct source texts to send."""
    if only not in ONLY:
        raise UsageError(f"only= must be one of {', '.join(ONLY)}, not {only!r}")
    if isinstance(catalog, pd.DataFrame):
        frame = catalog
        state = state_of(frame) or CatalogState("csv", "", {}, [])
    else:
        frame = read(catalog)
        state = state_of(frame) or CatalogState("csv", "", {}, [])
    units = units_of(frame)
    groups = _groups(units)
    fmt = _by_name(state.format)
    hook = getattr(fmt, "plural_categories", None)

    def plural_categories(target: str) -> tuple[str, ...]:
        return tuple(hook(target, state.meta)) if hook is not None else categories(target)

    texts: list[str | None] = []
    slots: dict[str, int] = {}
    for group in groups:
        if not any(_selected(u, only) for u in group) and group[0].plural is None:
            continue
        sources = {u.source for u in group if u.state != "obsolete"}
        for source in sorted(sources):
            if source not in slots:
                core = _EDGES.match(source).group(2)  # type: ignore[union-attr]
                slots[source] = len(texts)
                texts.append(core or None)
    return CatalogPlan(units, groups, state, only, texts, slots, plural_categories)


def out_path(pattern: str, target: str) -> str:
    """`out=` for a target: {lang} -> 'pl', {locale} -> 'pl_PL' (gettext folder names), {target}: 'pl-pl'."""
    locale = _locale(target)
    lang = locale.language if locale is not None else target.split("-")[0]
    try:
        return pattern.format(lang=lang, locale=str(locale) if locale is not None else target, target=target)
    except (KeyError, IndexError, ValueError) as exc:
        raise UsageError(f"out= may use {{lang}}, {{locale}} and {{target}}; {pattern!r} has {exc}") from None


def _write_all(frames: dict[str, pd.DataFrame], pattern: str) -> None:
    """Write each target's frame; targets sharing a file (e.g. one .xcstrings) are written in turn, each
    rendered on top of the file the previous one wrote."""
    written: dict[str, bytes] = {}
    for target, frame in frames.items():
        path = out_path(pattern, target)
        if path in written:
            state = state_of(frame)
            assert state is not None
            fmt = _by_name(state.format)
            meta = fmt.parse(written[path], path).meta
            frame.attrs["camb_catalog"] = CatalogState(
                state.format, state.path, meta, state.extras, state.source_lang, state.target_lang
            )
        write(frame, path)
        with open(path, "rb") as handle:
            written[path] = handle.read()


def translate_catalog(
    manager: Any,
    catalog: str | os.PathLike[str] | pd.DataFrame,
    to: str | Sequence[str],
    *,
    out: str | None = None,
    only: str = "missing",
    source: str | None = None,
    dry_run: bool = False,
    **batch: Any,
) -> BatchJob[dict[str, pd.DataFrame]] | Estimate:
    """Start translating the catalog into each target; a BatchJob whose result is `{target: frame}`.

    `batch` passes the engine's options through (chunk_size, max_chars, concurrency, formality, gender,
    cache, max_characters, max_tasks, ...); `dry_run=True` returns the engine's Estimate and sends nothing.
    Units the engine did not translate (failed, or not sent under a budget) keep their target and state.
    """
    targets = [to] if isinstance(to, str) else list(to)
    resolved = [resolve_language(t).locale for t in targets]
    if out is not None and len(set(resolved)) > 1 and "{" not in out and not out.endswith(".xcstrings"):
        raise UsageError(
            f"out={out!r} names one file for {len(set(resolved))} targets",
            hint="Use {lang} or {locale} in out=, e.g. 'locale/{lang}/LC_MESSAGES/app.po'",
        )
    plan = plan_catalog(catalog, only)
    source_lang = source or plan.state.source_lang or "en-us"

    def finalize(outcome: Any) -> dict[str, pd.DataFrame]:
        frames = {t: plan.frame(t, outcome.rows(t)[0]) for t in outcome.targets}
        if out is not None:
            _write_all(frames, out)
        return frames

    if dry_run:
        estimate: Estimate = translation_batch(
            manager, plan.texts, to=resolved, source=source_lang, dry_run=True, **batch
        )
        return estimate
    job: BatchJob[dict[str, pd.DataFrame]] = translation_batch(
        manager, plan.texts, to=resolved, source=source_lang, finalize=finalize, **batch
    )
    if out is not None:
        job.add_done_callback(_write_when_done)
    return job


def _write_when_done(job: Job) -> None:
    """Compute the result (which writes the files) when the batch is final; a failure is raised again to
    whoever reads `job.result()`, so it is not lost here."""
    with contextlib.suppress(Exception):
        job.result()
