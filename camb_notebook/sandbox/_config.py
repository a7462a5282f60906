"""SandboxConfig: every knob of the emulator (timing, limits, credits, faults), mutable while the server
runs.

Tests change fields between requests (`sandbox.config.processing_time["translation"] = 0.05`); a remote
process patches them through `POST /apis/__sandbox__/config` (see `apply_patch`). Not thread-synchronised
beyond attribute assignment.
Usage: `Sandbox(SandboxConfig.fast())` for tests, `SandboxConfig()` for a realistic demo.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FAMILIES", "FaultRule", "SandboxConfig", "apply_patch"]

FAMILIES: tuple[str, ...] = ("translation", "tts", "translated_tts", "transcription", "dubbing", "story")

_DEMO_PROCESSING = {
    "translation": 1.5,
    "tts": 2.0,
    "translated_tts": 2.5,
    "transcription": 3.0,
    "dubbing": 5.0,
    "story": 5.0,
}


@dataclass
class FaultRule:
    """A scripted fault: `fault` (a grammar item, e.g. "503") for requests matching `route`, `times` times."""

    fault: str
    route: str | None = None
    times: int | None = 1


@dataclass
class SandboxConfig:
    """Emulator settings; defaults feel like the real API in a demo, `fast()` suits tests."""

    api_keys: tuple[str, ...] = ("sandbox",)
    processing_time: dict[str, float] = field(default_factory=lambda: dict(_DEMO_PROCESSING))
    time_per_char: float = 0.002
    max_pending_per_key: int | None = 64
    credits: dict[str, int] = field(default_factory=dict)
    stream_chunks: int = 4
    stream_chunk_delay: float = 0.05
    fault_retry_after: int = 1
    faults: list[FaultRule] = field(default_factory=list)
    fault_rate: float = 0.0
    fault_seed: int = 0
    random_faults: tuple[str, ...] = ("503", "429", "reset")

    @classmethod
    def fast(cls, **overrides: Any) -> SandboxConfig:
        """Return a config with ~50 ms processing and stream delays, for tests."""
        config = cls(
            processing_time=dict.fromkeys(FAMILIES, 0.05), time_per_char=0.0, stream_chunk_delay=0.005
        )
        return apply_patch(config, overrides)

    def copy(self) -> SandboxConfig:
        """Return an independent deep copy (used to restore the config on `Sandbox.reset()`)."""
        return copy.deepcopy(self)


def _coerce(name: str, value: Any, current: Any) -> Any:
    """Convert a JSON value for field `name` to the field's Python type."""
    if name == "faults":
        return [rule if isinstance(rule, FaultRule) else FaultRule(**rule) for rule in value]
    if name == "processing_time":
        unknown = set(value) - set(FAMILIES)
        if unknown:
            raise ValueError(f"unknown families {sorted(unknown)}; expected some of {list(FAMILIES)}")
        return {**current, **{k: float(v) for k, v in value.items()}}
    if isinstance(current, tuple):
        return tuple(value)
    return value


def apply_patch(config: SandboxConfig, patch: Mapping[str, Any]) -> SandboxConfig:
    """Set the fields in `patch` on `config` in place (processing_time merges, others replace); return it."""
    names = {f.name for f in dataclasses.fields(config)}
    unknown = set(patch) - names
    if unknown:
        raise ValueError(f"unknown config fields {sorted(unknown)}")
    for name, value in patch.items():
        setattr(config, name, _coerce(name, value, getattr(config, name)))
    return config
