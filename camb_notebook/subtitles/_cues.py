"""Cue frames: `start`, `end`, `speaker`, `text` plus the measures a subtitle editor checks, and flags.

`cues(...)` takes a transcription / dubbing / story / subtitle result, segments, or any frame with `start`,
`end` and `text` columns (seconds); `measure(frame, preset)` recomputes `duration`, `cps`, `lines`,
`max_line_length` and `flags` (comma-separated names, "" when the cue meets every limit).
Usage: `c = cues(job.result()); c[c.flags != ""]`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from camb_notebook.api import (
    DubbingResult,
    Segment,
    StoryResult,
    SubtitleResult,
    TranscriptionResult,
    UsageError,
)
from camb_notebook.subtitles._layout import break_lines, flat, retime, visible_length
from camb_notebook.subtitles._presets import Preset, PresetLike, preset

__all__ = ["BASE_COLUMNS", "FLAGS", "conform", "cues", "measure", "preset_of"]

BASE_COLUMNS = ["start", "end", "speaker", "text"]
FLAGS = ("too_fast", "too_wide", "too_many_lines", "too_short", "too_long", "overlap", "small_gap")
_PRESET_ATTR = "camb_subtitle_preset"


def _rows(source: Any, language: str | None) -> list[dict[str, Any]]:
    """Plain cue rows from any supported source."""
    if isinstance(source, SubtitleResult):
        return [s.to_dict() for s in _track(source, language)]
    if language is not None:
        raise UsageError("language= applies to subtitle results (camb.subtitles)")
    if isinstance(source, TranscriptionResult):
        return [s.to_dict() for s in source.segments]
    if isinstance(source, (DubbingResult, StoryResult)):
        return [s.to_dict() for s in source.transcript]
    if isinstance(source, pd.DataFrame):
        missing = [c for c in ("start", "end", "text") if c not in source.columns]
        if missing:
            raise UsageError(f"a cue frame needs start, end and text columns; missing {', '.join(missing)}")
        return [dict(row) for row in source.to_dict("records")]
    if isinstance(source, Iterable) and not isinstance(source, (str, bytes)):
        out = []
        for item in source:
            if isinstance(item, Segment):
                out.append(item.to_dict())
            elif isinstance(item, Mapping):
                out.append(dict(item))
            else:
                raise UsageError(f"cues() takes segments or mappings, not {type(item).__name__}")
        return out
    raise UsageError(
        f"cues() cannot read a {type(source).__name__}",
        hint="Pass a transcription/dubbing/subtitle result, segments, or a frame with start/end/text",
    )


def _track(result: SubtitleResult, language: str | None) -> tuple[Segment, ...]:
    """One language's cues of a subtitle result (`language` may be omitted when there is only one)."""
    if language is None and len(result.by_language) == 1:
        language = next(iter(result.by_language))
    if language is None or language not in result.by_language:
        raise UsageError(f"no subtitles for {language!r}", hint=f"Use one of {', '.join(result.by_language)}")
    return result.by_language[language]


def cues(source: Any, *, language: str | None = None, preset: PresetLike = "netflix") -> pd.DataFrame:
    """A cue frame (one row per cue, in time order) with measures and flags for `preset`.

    Extra columns of a frame (e.g. `cue_id`, `settings` of a read WebVTT file) are kept.
    """
    rows = _rows(source, language)
    frame = pd.DataFrame(rows)
    for column in BASE_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    try:
        frame["start"] = frame["start"].astype(float)
        frame["end"] = frame["end"].astype(float)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"cue start/end must be numbers of seconds ({exc})") from None
    frame["text"] = frame["text"].map(lambda t: "" if t is None or t != t else str(t))
    frame["speaker"] = frame["speaker"].map(lambda s: None if s is None or s != s or s == "" else str(s))
    extra = [c for c in frame.columns if c not in BASE_COLUMNS and c not in _MEASURES]
    frame = frame[BASE_COLUMNS + extra].sort_values("start", kind="stable").reset_index(drop=True)
    return measure(frame, preset)


_MEASURES = ["duration", "cps", "lines", "max_line_length", "flags"]


def preset_of(frame: pd.DataFrame) -> Preset:
    """The preset a cue frame was measured with (netflix if it never was)."""
    found = frame.attrs.get(_PRESET_ATTR)
    return Preset(**found) if isinstance(found, dict) else preset("netflix")


def measure(frame: pd.DataFrame, preset_like: PresetLike | Preset = None) -> pd.DataFrame:
    """A copy of `frame` with duration, cps, lines, max_line_length and flags computed for the preset."""
    limits = preset_of(frame) if preset_like is None else preset(preset_like)
    out = frame.drop(columns=[c for c in _MEASURES if c in frame.columns]).copy()
    texts = out["text"].tolist()
    starts, ends = out["start"].tolist(), out["end"].tolist()
    duration = [round(e - s, 3) for s, e in zip(starts, ends, strict=True)]
    chars = [visible_length(t) for t in texts]
    lines = [len(t.split("\n")) if t else 0 for t in texts]
    widest = [max((len(line) for line in t.split("\n")), default=0) for t in texts]
    flags = []
    for i in range(len(out)):
        cps = chars[i] / duration[i] if duration[i] > 0 else float("inf")
        found = [
            "too_fast" if chars[i] and cps > limits.max_cps + 1e-9 else "",
            "too_wide" if widest[i] > limits.max_chars_per_line else "",
            "too_many_lines" if lines[i] > limits.max_lines else "",
            "too_short" if duration[i] < limits.min_duration - 1e-9 else "",
            "too_long" if duration[i] > limits.max_duration + 1e-9 else "",
            "overlap" if i and starts[i] < ends[i - 1] - 1e-9 else "",
            "small_gap"
            if i + 1 < len(out) and ends[i] - 1e-9 <= starts[i + 1] < ends[i] + limits.min_gap - 5e-4
            else "",
        ]
        flags.append(",".join(f for f in found if f))
    out["duration"] = duration
    out["cps"] = [round(c / d, 2) if d > 0 else float("inf") for c, d in zip(chars, duration, strict=True)]
    out["lines"] = lines
    out["max_line_length"] = widest
    out["flags"] = flags
    out.attrs[_PRESET_ATTR] = _preset_dict(limits)
    return out


def _preset_dict(limits: Preset) -> dict[str, Any]:
    """The preset as plain data (frame attrs are deep-copied by pandas)."""
    return {
        "name": limits.name,
        "max_chars_per_line": limits.max_chars_per_line,
        "max_lines": limits.max_lines,
        "max_cps": limits.max_cps,
        "min_duration": limits.min_duration,
        "max_duration": limits.max_duration,
        "min_gap_frames": limits.min_gap_frames,
        "fps": limits.fps,
    }


def conform(
    frame: pd.DataFrame, preset_like: PresetLike | Preset = "netflix", *, timing: bool = True
) -> pd.DataFrame:
    """Re-line (and with `timing`, re-time) every cue to the preset; the words never change.

    Lines are re-broken balanced within the line width; ends move as `retime` allows. Cues that still miss a
    limit keep their flags: that is where an editor has to split or rewrite.
    """
    limits = preset(preset_like)
    out = cues(frame, preset=limits)
    out["text"] = [break_lines(flat(t), limits.max_chars_per_line, limits.max_lines) for t in out["text"]]
    if timing:
        starts, ends = retime(out["start"].tolist(), out["end"].tolist(), out["text"].tolist(), limits)
        out["start"], out["end"] = starts, ends
    return measure(out, limits)
