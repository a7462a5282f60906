"""Layout presets for subtitles: characters per line, lines per cue, reading speed, duration bounds, gap.

`netflix` follows the Netflix Timed Text Style Guide (42 characters per line, 2 lines, at most 17 characters
per second, 5/6 s to 7 s per event, 2 frames between events). `bbc` follows the BBC subtitle guidelines
(37 characters per line, 2 lines, about 160-180 words a minute, i.e. 15 characters per second, at 25 fps).
Anything else is `preset("netflix", max_cps=20)` or a `Preset(...)` of your own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from camb_notebook.api import UsageError

__all__ = ["PRESETS", "Preset", "PresetLike", "preset"]


@dataclass(frozen=True)
class Preset:
    """Limits one cue must meet; a cue that cannot is flagged, never silently changed in its words."""

    name: str = "custom"
    max_chars_per_line: int = 42
    max_lines: int = 2
    max_cps: float = 17.0
    min_duration: float = 5 / 6
    max_duration: float = 7.0
    min_gap_frames: int = 2
    fps: float = 24.0

    def __post_init__(self) -> None:
        """Reject limits no cue could meet (one clear line)."""
        if self.max_chars_per_line < 1 or self.max_lines < 1:
            raise UsageError("max_chars_per_line and max_lines must be at least 1")
        if self.max_cps <= 0 or self.fps <= 0 or self.min_gap_frames < 0:
            raise UsageError("max_cps and fps must be positive, min_gap_frames not negative")
        if not 0 <= self.min_duration <= self.max_duration:
            raise UsageError("min_duration must lie between 0 and max_duration")

    @property
    def min_gap(self) -> float:
        """The smallest gap between two cues, in seconds."""
        return self.min_gap_frames / self.fps

    @property
    def max_chars(self) -> int:
        """The most characters one cue can hold (all its lines)."""
        return self.max_chars_per_line * self.max_lines


PRESETS: dict[str, Preset] = {
    "netflix": Preset("netflix"),
    "bbc": Preset("bbc", max_chars_per_line=37, max_cps=15.0, min_duration=1.0, fps=25.0),
}

PresetLike = str | Preset | None


def preset(base: PresetLike = "netflix", **overrides: Any) -> Preset:
    """A preset by name (or as given), with some limits replaced: `preset("bbc", max_lines=3)`."""
    if base is None:
        base = "netflix"
    if isinstance(base, str):
        try:
            found = PRESETS[base.lower()]
        except KeyError:
            raise UsageError(
                f"unknown subtitle preset {base!r}",
                hint=f"Use one of {', '.join(PRESETS)} or a Preset(...)",
            ) from None
    elif isinstance(base, Preset):
        found = base
    else:
        raise UsageError(f"preset must be a name or a Preset, not {type(base).__name__}")
    if not overrides:
        return found
    fields = {f.name for f in dataclasses.fields(Preset)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise UsageError(
            f"unknown preset limit(s) {', '.join(unknown)}", hint=f"Use {', '.join(sorted(fields))}"
        )
    return dataclasses.replace(found, name=str(overrides.pop("name", "custom")), **overrides)
