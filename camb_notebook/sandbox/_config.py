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

from camb_notebook.sandbox._bounds import ConfigError, check_field
from camb_notebook.sandbox._faults import parse_faults

__all__ = ["FAMILIES", "ConfigError", "FaultRule", "SandboxConfig", "apply_patch"]

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

    # Accepted `x-api-key` values; the first is `Sandbox.api_key`.
    api_keys: tuple[str, ...] = ("sandbox",)
    # Seconds a task stays PENDING, per family, plus `time_per_char` × its text size.
    processing_time: dict[str, float] = field(default_factory=lambda: dict(_DEMO_PROCESSING))
    time_per_char: float = 0.002
    # PENDING tasks a key may hold; one more create is a 429 with Retry-After (None = unlimited).
    max_pending_per_key: int | None = 64
    # Credits per key (characters for text, seconds of media for transcription/dubbing); absent = unlimited.
    # A task that does not fit ends PAYMENT_REQUIRED; a stream that does not fit is a 402.
    credits: dict[str, int] = field(default_factory=dict)
    # Streaming routes send `stream_chunks` pieces, `stream_chunk_delay` seconds apart.
    stream_chunks: int = 4
    stream_chunk_delay: float = 0.05
    # Retry-After seconds on injected 429s.
    fault_retry_after: int = 1
    # Scripted faults (see `camb_notebook.sandbox._faults`), consumed as they fire.
    faults: list[FaultRule] = field(default_factory=list)
    # Probability that a request gets one of `random_faults`, from a RNG seeded with `fault_seed`.
    fault_rate: float = 0.0
    fault_seed: int = 0
    random_faults: tuple[str, ...] = ("503", "429", "reset")
    # Script payloads in every string and header the API serves (see `camb_notebook.sandbox._hostile`).
    hostile_content: bool = False
    # Translation tasks drop the numbered `<x id="N"/>` tags they otherwise keep (an engine losing tags).
    lose_tags: bool = False

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
    """Check and convert a JSON value for field `name` (ConfigError names a value out of bounds)."""
    if name != "faults":
        return check_field(name, value, current)
    if not isinstance(value, list):
        raise ConfigError(name, "must be a list of fault rules")
    rules = []
    for rule in value:
        if not isinstance(rule, FaultRule):
            if not isinstance(rule, Mapping) or not isinstance(rule.get("fault"), str):
                raise ConfigError(name, 'each rule must be an object with a "fault" string')
            rule = FaultRule(
                rule["fault"],
                rule.get("route"),
                check_field("faults.times", rule.get("times", 1), 1)
                if rule.get("times", 1) is not None
                else None,
            )
        try:
            parse_faults(rule.fault)
        except ValueError as exc:
            raise ConfigError(name, str(exc)) from None
        rules.append(rule)
    return rules


def apply_patch(config: SandboxConfig, patch: Mapping[str, Any]) -> SandboxConfig:
    """Set the fields in `patch` on `config` in place (processing_time merges, others replace); return it."""
    names = {f.name for f in dataclasses.fields(config)}
    unknown = set(patch) - names
    if unknown:
        raise ValueError(f"unknown config fields {sorted(unknown)}")
    checked = {name: _coerce(name, value, getattr(config, name)) for name, value in patch.items()}
    for name, value in checked.items():  # all or nothing: one bad field changes no field
        setattr(config, name, value)
    return config
