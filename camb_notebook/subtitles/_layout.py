"""Line breaking and re-timing of cues to a preset, never changing their words.

Hand-written: the subtitle libraries parse and compose files but do not balance lines to a width and line
count, nor move cue edges within the room their neighbours leave.
Usage: `break_lines("a long text", 42, 2)`; `retime(starts, ends, texts, NETFLIX)`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from camb_notebook.subtitles._presets import Preset

__all__ = ["break_lines", "flat", "retime", "visible_length"]


def flat(text: str) -> str:
    """The cue's words on one line (line breaks become spaces, runs of blanks one space)."""
    return " ".join(text.split())


def visible_length(text: str) -> int:
    """Characters a reader reads: everything but line breaks (spaces count, as the style guides do)."""
    return len(text.replace("\r", "").replace("\n", ""))


def _tokens(text: str) -> tuple[list[str], str]:
    """Words and the joiner between them; text without spaces (Chinese, Japanese) breaks anywhere."""
    words = text.split()
    if len(words) == 1 and len(words[0]) > 1 and not words[0].isascii():
        return list(words[0]), ""
    return words, " "


def _partition(sizes: Sequence[int], joiner: int, lines: int) -> list[int]:
    """Start indexes of `lines` lines over `sizes` that make the longest line as short as possible."""
    n = len(sizes)
    prefix = [0]
    for size in sizes:
        prefix.append(prefix[-1] + size)

    def width(i: int, j: int) -> int:
        return prefix[j] - prefix[i] + joiner * (j - i - 1)

    # best[k][j]: smallest possible longest line when the first j tokens fill k lines
    best = [[math.inf] * (n + 1) for _ in range(lines + 1)]
    cut = [[0] * (n + 1) for _ in range(lines + 1)]
    best[0][0] = 0
    for k in range(1, lines + 1):
        for j in range(k, n + 1):
            for i in range(k - 1, j):
                cost = max(best[k - 1][i], width(i, j))
                # ties go to the later cut: a bottom-heavy pair of lines reads better
                if cost <= best[k][j]:
                    best[k][j], cut[k][j] = cost, i
    starts, j = [], n
    for k in range(lines, 0, -1):
        starts.append(cut[k][j])
        j = cut[k][j]
    return starts[::-1]


def break_lines(text: str, max_chars: int, max_lines: int) -> str:
    """`text` broken into as few balanced lines as fit `max_chars` each (more than `max_lines` if it must)."""
    one = flat(text)
    if len(one) <= max_chars or not one:
        return one
    tokens, joiner = _tokens(one)
    sizes = [len(t) for t in tokens]
    needed = max(2, math.ceil(len(one) / max_chars))
    for lines in range(needed, len(tokens) + 1):
        starts = _partition(sizes, len(joiner), lines)
        rows = [joiner.join(tokens[a:b]) for a, b in zip(starts, [*starts[1:], len(tokens)], strict=True)]
        if max(len(r) for r in rows) <= max_chars:
            return "\n".join(rows)
    return "\n".join(tokens)


def retime(
    starts: Sequence[float], ends: Sequence[float], texts: Sequence[str], preset: Preset
) -> tuple[list[float], list[float]]:
    """Cue edges moved toward the preset: long enough to read, short enough, apart by the minimum gap.

    Starts never move (they follow the speech); an end grows into the free room before the next cue
    (keeping the gap), shrinks to the maximum duration, and is pulled back to keep the gap. Times are
    rounded to milliseconds.
    """
    count = len(starts)
    new_ends = list(ends)
    for i in range(count):
        start, end = starts[i], ends[i]
        limit = starts[i + 1] - preset.min_gap if i + 1 < count else math.inf
        wanted = max(preset.min_duration, visible_length(texts[i]) / preset.max_cps)
        if end - start < wanted:
            end = max(end, min(start + wanted, limit))
        end = min(end, start + preset.max_duration)
        if end > limit:
            end = max(math.floor(limit * 1000) / 1000, start)  # floor: rounding must not eat into the gap
        new_ends[i] = round(end, 3)
    return [round(s, 3) for s in starts], new_ends
