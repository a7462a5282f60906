"""Presets, line breaking, re-timing and flags: the words never change, every limit is met or flagged."""

from __future__ import annotations

import pytest
from subtitle_helpers import long_transcript

from camb_notebook.api import UsageError
from camb_notebook.subtitles import PRESETS, Preset, break_lines, conform, cues, measure, preset


def _words(frame_text: list[str]) -> list[str]:
    """All words of a column, in order."""
    return " ".join(frame_text).split()


def test_netflix_preset_is_the_style_guide() -> None:
    """42 characters, 2 lines, 17 cps, 5/6 s to 7 s, 2 frames; custom limits start from a preset."""
    netflix = PRESETS["netflix"]
    assert (netflix.max_chars_per_line, netflix.max_lines, netflix.max_cps) == (42, 2, 17.0)
    assert (netflix.min_duration, netflix.max_duration, netflix.min_gap_frames) == (5 / 6, 7.0, 2)
    custom = preset("bbc", max_lines=3)
    assert (custom.name, custom.max_chars_per_line, custom.max_lines) == ("custom", 37, 3)
    with pytest.raises(UsageError, match="unknown subtitle preset"):
        preset("hbo")
    with pytest.raises(UsageError, match="unknown preset limit"):
        preset("netflix", width=3)
    with pytest.raises(UsageError, match="min_duration"):
        Preset(min_duration=9.0)


def test_break_lines_balances_within_the_width() -> None:
    """Short text stays one line; long text splits into balanced lines within the width, words intact."""
    assert break_lines("Short line.", 42, 2) == "Short line."
    text = "Then cut once, slowly, with the grain, and never force the saw through"
    lines = break_lines(text, 42, 2).split("\n")
    assert len(lines) == 2 and all(len(line) <= 42 for line in lines)
    assert abs(len(lines[0]) - len(lines[1])) <= 10
    assert " ".join(lines) == text
    cjk = "これは日本語のテキストです。とても長い文章になりますので、行を分ける必要があります。"
    assert all(len(line) <= 16 for line in break_lines(cjk, 16, 2).split("\n"))
    assert break_lines(cjk, 16, 2).replace("\n", "") == cjk


def test_flags_name_each_broken_limit() -> None:
    """too_fast, too_wide, too_many_lines, too_short, too_long, overlap and small_gap each fire alone."""
    frame = cues(
        [
            {"start": 0.0, "end": 1.0, "text": "x" * 30},  # 30 cps, too wide? no: 30 <= 42
            {"start": 0.5, "end": 2.0, "text": "ok"},  # overlaps the first
            {"start": 3.0, "end": 3.3, "text": "hi"},  # too short
            {"start": 3.31, "end": 12.0, "text": "long"},  # too long, and 10 ms after the previous cue
            {"start": 20.0, "end": 24.0, "text": "a\nb\nc"},  # three lines
            {"start": 30.0, "end": 36.0, "text": "y" * 50},  # too wide
        ]
    )
    assert frame["flags"].tolist() == [
        "too_fast",
        "overlap",
        "too_short,small_gap",
        "too_long",
        "too_many_lines",
        "too_wide",
    ]


def test_conform_keeps_words_and_starts_and_fixes_what_timing_can() -> None:
    """Re-lining and re-timing 120 cues: same words, same starts, and every cue passes or is flagged."""
    original = cues(long_transcript())
    fixed = conform(original, "netflix")
    assert _words(fixed["text"].tolist()) == _words(original["text"].tolist())
    assert fixed["start"].tolist() == original["start"].tolist()
    limits = PRESETS["netflix"]
    for row in fixed.itertuples():
        ok = (
            row.cps <= limits.max_cps
            and row.max_line_length <= 42
            and row.lines <= 2
            and limits.min_duration - 1e-9 <= row.duration <= limits.max_duration
        )
        assert ok or row.flags, row
    ends, starts = fixed["end"].tolist(), fixed["start"].tolist()
    assert all(starts[i + 1] - ends[i] >= limits.min_gap - 1e-3 for i in range(len(fixed) - 1))
    assert (fixed["flags"] != "").sum() < (original["flags"] != "").sum()


def test_measure_recomputes_for_another_preset() -> None:
    """The same cues measured for BBC (37 characters) flag a 40-character line Netflix accepts."""
    frame = cues([{"start": 0.0, "end": 4.0, "text": "a" * 40}])
    assert frame["flags"].tolist() == [""]
    assert measure(frame, "bbc")["flags"].tolist() == ["too_wide"]


def test_cues_reject_what_is_not_a_transcript() -> None:
    """A string, a frame without times or an unknown subtitle language is one clear line."""
    import pandas as pd

    with pytest.raises(UsageError, match="cannot read a str"):
        cues("hello")
    with pytest.raises(UsageError, match="missing start, end"):
        cues(pd.DataFrame({"text": ["a"]}))
