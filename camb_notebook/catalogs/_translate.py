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
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ..api import UsageError, resolve_language
from ..jobs import BatchJob, Estimate, Job, translation_batch
from ._model import Unit, mark_pristine
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


def _shaped(group: list[Unit], cats: tuple[str, ...], only: str) -> list[tuple[Unit, bool]]:
    """A group's units for a target with plural categories `cats`, each with whether to translate it.

    A plural group takes exactly the target's categories: a missing form is a new unit (the source form of
    the same category, else `other`'s; `extra` copied from a sibling form); a form the target lacks is gone.
    """
    first = group[0]
    if first.plural is None:
        return [(first.replace(), _selected(first, only))]
    by_cat = {u.plural: u for u in group}
    if [u.plural for u in group] == list(cats):
        return [(u.replace(), _selected(u, only)) for u in group]
    sibling = {k: v for k, v in first.extra.items() if not k.startswith("_")}
    out = []
    for cat in cats:
        found = by_cat.get(cat)
        if found is not None:
            out.append((found.replace(), _selected(found, only)))
        else:
            source = _source_for(group, cat)
            unit = first.replace(plural=cat, source=source, target=None, state="new", extra=dict(sibling))
            out.append((unit, first.state != "obsolete"))
    return out


@dataclass
class CatalogPlan:
    """What a catalog translation sends (core texts) and how to spread the answers over each target.

    `views[target]`: the target's groups and state (a multi-language file such as .xcstrings is read once
    per target, with that language's column as the targets); texts are the union of what targets need.
    """

    state: CatalogState
    only: str
    views: dict[str, tuple[list[list[Unit]], CatalogState]]
    texts: list[str | None]
    slots: dict[str, int]  # source text -> position in `texts`
    limits: list[int | None]  # the smallest max_length of the units sending each text (QA checks it)
    plural_categories: Callable[[str, dict[str, Any]], tuple[str, ...]]

    def counts(self, target: str | None = None) -> dict[str, int]:
        """Units per state (in the catalog as read for `target`, else for the first target)."""
        groups, _ = self.views[target] if target is not None else next(iter(self.views.values()))
        out = dict.fromkeys(("new", "translated", "fuzzy", "obsolete"), 0)
        for unit in (u for g in groups for u in g):
            out[unit.state] = out.get(unit.state, 0) + 1
        return out

    def _fill(self, unit: Unit, answers: list[str | None], selected: bool) -> Unit:
        if not selected:
            return unit
        position = self.slots.get(unit.source)
        core = answers[position] if position is not None else None
        if core is None:
            return unit  # failed, not sent (budget) or blank: the unit keeps its target, state and flags
        lead, _, trail = _EDGES.match(unit.source).groups()  # type: ignore[union-attr]
        return unit.replace(
            target=f"{lead}{core}{trail}", state="translated", flags=_without_fuzzy(unit.flags)
        )

    def target_units(self, target: str, answers: list[str | None]) -> list[Unit]:
        """The catalog's units for `target`, translations filled in (answers: one per `texts` position)."""
        groups, state = self.views[target]
        cats = self.plural_categories(target, state.meta)
        return [self._fill(u, answers, chosen) for g in groups for u, chosen in _shaped(g, cats, self.only)]

    def frame(self, target: str, answers: list[str | None]) -> pd.DataFrame:
        """The target's catalog frame (attrs carry the target language for the header/plural forms)."""
        _, state = self.views[target]
        carried = CatalogState(state.format, state.path, state.meta, [], state.source_lang, target)
        return frame_of(self.target_units(target, answers), carried)


def plan_catalog(
    catalog: str | os.PathLike[str] | pd.DataFrame, targets: Sequence[str], only: str = "missing"
) -> CatalogPlan:
    """Read the catalog (a path or a frame from `read`) and list the distinct source texts to send."""
    if only not in ONLY:
        raise UsageError(f"only= must be one of {', '.join(ONLY)}, not {only!r}")
    frame = catalog if isinstance(catalog, pd.DataFrame) else read(catalog)
    state = state_of(frame) or CatalogState("csv", "", {}, [])
    fmt = _by_name(state.format)
    hook = getattr(fmt, "plural_categories", None)

    def plural_categories(target: str, meta: dict[str, Any]) -> tuple[str, ...]:
        return tuple(hook(target, meta)) if hook is not None else categories(target)

    groups = _groups(units_of(frame))
    views: dict[str, tuple[list[list[Unit]], CatalogState]] = {}
    per_target = getattr(fmt, "parse_for", None)
    for target in targets:
        if per_target is not None and not isinstance(catalog, pd.DataFrame):
            parsed = per_target(Path(os.fspath(catalog)).read_bytes(), os.fspath(catalog), target)
            mark_pristine(parsed.units)
            meta = parsed.meta
            views[target] = (
                _groups(parsed.units),
                CatalogState(fmt.name, state.path, meta, [], state.source_lang),
            )
        else:
            views[target] = (groups, state)
    texts: list[str | None] = []
    slots: dict[str, int] = {}
    limits: list[int | None] = []
    for target, (target_groups, target_state) in views.items():
        cats = plural_categories(target, target_state.meta)
        for group in target_groups:
            for unit, chosen in _shaped(group, cats, only):
                if not chosen:
                    continue
                if unit.source not in slots:
                    slots[unit.source] = len(texts)
                    texts.append(_EDGES.match(unit.source).group(2) or None)  # type: ignore[union-attr]
                    limits.append(None)
                at = slots[unit.source]
                if unit.max_length is not None:
                    limits[at] = min(unit.max_length, limits[at] or unit.max_length)
    return CatalogPlan(state, only, views, texts, slots, limits, plural_categories)


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
    quality: Callable[[list[str | None], list[int | None]], dict[str, Any]] | None = None,
    **batch: Any,
) -> BatchJob[dict[str, pd.DataFrame]] | Estimate:
    """Start translating the catalog into each target; a BatchJob whose result is `{target: frame}`.

    `batch` passes the engine's options through (chunk_size, max_chars, concurrency, formality, gender,
    cache, max_characters, max_tasks, ...); `dry_run=True` returns the engine's Estimate and sends nothing.
    Units the engine did not translate (failed, or not sent under a budget) keep their target and state.
    `quality(texts, max_lengths)` gives the engine's protection/QA arguments for the texts sent (the
    session builds them from the user's protect=/dnt=/dictionaries=/qa=, units' max_length by default).
    """
    targets = list(dict.fromkeys([to] if isinstance(to, str) else list(to)))
    resolved = [resolve_language(t).locale for t in targets]  # the engine's; files keep the user's names
    if out is not None and len(set(resolved)) > 1 and "{" not in out and not out.endswith(".xcstrings"):
        raise UsageError(
            f"out={out!r} names one file for {len(set(resolved))} targets",
            hint="Use {lang} or {locale} in out=, e.g. 'locale/{lang}/LC_MESSAGES/app.po'",
        )
    plan = plan_catalog(catalog, targets, only)
    by_locale = dict(zip(resolved, targets, strict=True))
    if quality is not None:
        batch = {**batch, **quality(plan.texts, plan.limits)}
    source_lang = source or plan.state.source_lang or "en-us"

    def finalize(outcome: Any) -> dict[str, pd.DataFrame]:
        frames = {by_locale[t]: plan.frame(by_locale[t], outcome.rows(t)[0]) for t in outcome.targets}
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
