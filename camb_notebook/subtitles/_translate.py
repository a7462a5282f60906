"""Translated subtitles that keep their timing: cues grouped into sentences, sentences translated on the
batch engine, each translation fitted back over the sentence's own cues.

Sentences (not cue fragments) go to the translator, so word order may move freely inside a sentence; the
translation is then cut at word boundaries (characters for unspaced scripts) in proportion to the source
cues' lengths, preferring cuts after punctuation. Cue count, starts and ends never change; lines are
re-broken for the target and cues that cannot meet the preset carry flags (`untranslated` when a sentence
failed: the cue keeps its source text). Usage: `translate_cues(c, manager, to=["es-es"]).result()["es-es"]`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from camb_notebook.jobs import BatchJob, BatchOutcome, Estimate, translation_batch
from camb_notebook.subtitles._cues import cues, measure
from camb_notebook.subtitles._layout import break_lines, flat
from camb_notebook.subtitles._presets import Preset, PresetLike, preset

__all__ = ["fit_translation", "sentences", "translate_cues"]

_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
_SOFT_END = re.compile(r"[,;:،、，；：]$")
MAX_CUES_PER_SENTENCE = 6  # a run-on "sentence" is cut here so one translation never spans a whole scene
_PUNCTUATION_PULL = 4  # characters a cut may move to land just after punctuation
MAX_PAUSE = 1.5  # seconds of silence that end a sentence even without punctuation


def sentences(frame: pd.DataFrame) -> list[tuple[int, int]]:
    """`(first, stop)` row ranges of the sentences in a cue frame (in time order)."""
    texts = [flat(t) for t in frame["text"]]
    speakers = frame["speaker"].tolist() if "speaker" in frame.columns else [None] * len(frame)
    starts, ends = frame["start"].tolist(), frame["end"].tolist()
    groups: list[tuple[int, int]] = []
    first = 0
    for i in range(len(frame)):
        last = i + 1 == len(frame)
        closes = (
            last
            or bool(_SENTENCE_END.search(texts[i]))
            or speakers[i + 1] != speakers[i]
            or starts[i + 1] - ends[i] > MAX_PAUSE
            or i + 1 - first >= MAX_CUES_PER_SENTENCE
            or not texts[i]
            or not texts[i + 1]
        )
        if closes:
            groups.append((first, i + 1))
            first = i + 1
    return groups


def _tokens(text: str) -> tuple[list[str], str]:
    """Words (or characters, for text without spaces) and their joiner."""
    words = text.split()
    if len(words) <= 1 and len(text.strip()) > 1 and not text.isascii():
        return list(text.strip()), ""
    return words, " "


def fit_translation(text: str, weights: Sequence[float]) -> list[str]:
    """`text` cut into `len(weights)` pieces whose lengths follow `weights` (never splitting a word).

    Each piece gets at least one word while words last; a cut within a few characters of its ideal place
    moves to just after punctuation.
    """
    count = len(weights)
    if count <= 1:
        return [flat(text)] * count
    tokens, joiner = _tokens(flat(text))
    if not tokens:
        return [""] * count
    if len(tokens) < count:  # fewer words than cues: one word each, the last cues stay empty (flagged)
        return tokens + [""] * (count - len(tokens))
    ends, length = [], 0
    for i, token in enumerate(tokens):
        length += len(token) + (len(joiner) if i else 0)
        ends.append(length)  # characters up to and including token i
    shares = [max(w, 0.0) for w in weights]
    if sum(shares) <= 0:
        shares = [1.0] * count
    cuts: list[int] = []  # piece k ends with token cuts[k]
    target, previous = 0.0, -1
    for k in range(count - 1):
        target += shares[k] / sum(shares) * length
        best, best_cost = previous + 1, float("inf")
        for j in range(previous + 1, len(tokens) - (count - 1 - k)):
            cost = abs(ends[j] - target) - (_PUNCTUATION_PULL if _breaks_after(tokens[j]) else 0)
            if cost < best_cost:
                best, best_cost = j, cost
        cuts.append(best)
        previous = best
    bounds = [-1, *cuts, len(tokens) - 1]
    return [joiner.join(tokens[bounds[k] + 1 : bounds[k + 1] + 1]) for k in range(count)]


def _breaks_after(token: str) -> bool:
    """True when a cue may well end after this token (it ends a clause or a sentence)."""
    return bool(_SOFT_END.search(token) or _SENTENCE_END.search(token))


def _fit_frame(
    frame: pd.DataFrame, groups: list[tuple[int, int]], translated: list[str | None], limits: Preset
) -> pd.DataFrame:
    """The cue frame with each sentence's translation spread over its cues, re-lined, measured, flagged."""
    out = frame.copy()
    out["source_text"] = frame["text"]
    texts = list(frame["text"])
    failed = [False] * len(frame)
    for (first, stop), translation in zip(groups, translated, strict=True):
        source = [flat(t) for t in texts[first:stop]]
        if not any(source):
            continue
        if translation is None:
            failed[first:stop] = [True] * (stop - first)
            continue
        pieces = fit_translation(translation, [len(s) for s in source])
        for offset, piece in enumerate(pieces):
            texts[first + offset] = break_lines(piece, limits.max_chars_per_line, limits.max_lines)
    out["text"] = texts
    out = measure(out, limits)
    out["flags"] = [
        ",".join(f for f in (flags, "untranslated" if bad else "", "empty" if src and not txt else "") if f)
        for flags, bad, src, txt in zip(out["flags"], failed, out["source_text"], out["text"], strict=True)
    ]
    return out


def translate_cues(
    frame: pd.DataFrame,
    manager: Any,
    *,
    to: str | Sequence[str],
    source: str = "en-us",
    preset: PresetLike | Preset = None,
    prepare: Callable[[list[str]], dict[str, Any]] | None = None,
    **options: Any,
) -> BatchJob[dict[str, pd.DataFrame]] | Estimate:
    """Translate a cue frame into each target on `manager`'s engine; returns the BatchJob at once.

    The result is `{target: cue frame}` with the same cues and times, a `source_text` column, and flags for
    `preset` (default: the frame's own). `options` go to the batch engine as they are (chunk_size,
    concurrency, formality, gender, cache, errors, dry_run, max_characters, max_tasks, quality...);
    `prepare(sentences)` may add more from the sentence texts (the session's protection/QA arguments).
    With `dry_run=True` the result is the batch's `Estimate` (its `run()` gives the BatchJob).
    """
    base = cues(frame, preset=None)
    limits = _preset(base, preset)
    groups = sentences(base)
    texts = [" ".join(flat(t) for t in base["text"][a:b] if flat(t)) for a, b in groups]

    def finalize(outcome: BatchOutcome) -> dict[str, pd.DataFrame]:
        return {
            target: _fit_frame(base, groups, outcome.rows(target)[0], limits) for target in outcome.targets
        }

    if prepare is not None:
        options = {**options, **prepare(texts)}
    targets = [to] if isinstance(to, str) else list(to)
    batch: BatchJob[dict[str, pd.DataFrame]] | Estimate = translation_batch(
        manager, texts, to=targets, source=source, finalize=finalize, **options
    )
    return batch


def _preset(frame: pd.DataFrame, chosen: PresetLike | Preset) -> Preset:
    """The preset to fit to: the one asked for, else the frame's own."""
    from camb_notebook.subtitles._cues import preset_of

    return preset_of(frame) if chosen is None else preset(chosen)
