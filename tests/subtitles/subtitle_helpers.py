"""Shared data of the subtitle tests: the golden files and a long, varied transcript."""

from __future__ import annotations

from pathlib import Path

from camb_notebook.api import Segment, TranscriptionResult

GOLDEN = Path(__file__).parent / "golden"

_LINES = [
    "Welcome back to the workshop.",
    "Today we are going to build a small wooden box,",
    "the kind your grandparents kept their letters in.",
    "First, measure twice.",
    "Then cut once, slowly, with the grain.",
    "If the saw drifts, stop and start again;",
    "a clean line matters more than a fast one.",
    "Next we glue the corners",
    "and clamp them for an hour.",
    "Questions?",
    "Why not nails?",
    "Good question: glue holds better on thin wood, and nails can split it.",
]


def long_transcript(count: int = 120) -> TranscriptionResult:
    """`count` cues of varied length and pace, two speakers, some gaps tight, some cues too fast to read."""
    segments, clock = [], 0.0
    for i in range(count):
        text = _LINES[i % len(_LINES)]
        pace = (0.055, 0.07, 0.09, 0.04)[i % 4]  # 0.04 s/char = 25 cps: too fast on purpose
        end = round(clock + len(text) * pace, 3)
        speaker = "SPEAKER_1" if _LINES[i % len(_LINES)] in ("Questions?", "Why not nails?") else "SPEAKER_0"
        segments.append(Segment(round(clock, 3), end, text, speaker))
        clock = end + (0.05, 0.4, 1.8)[i % 3]
    return TranscriptionResult(tuple(segments))
