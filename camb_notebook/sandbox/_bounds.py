"""The bounds of every sandbox knob: a config patch is checked field by field before anything changes.

The sandbox runs in other people's CI, steered over HTTP: a string where a number belongs (`"0.5"`), a string
where a list of keys belongs (`"sandbox"` would make every letter a key) or a huge count must be refused with
the field's name (a 422), never applied. Knobs without a rule here must keep the type of their current value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["ConfigError", "check_field"]

_FAMILIES = ("translation", "tts", "translated_tts", "transcription", "dubbing", "story")
_DAY = 86_400.0


class ConfigError(ValueError):
    """A config value out of its bounds; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def _number(field: str, value: Any, low: float, high: float) -> float:
    """A real number (not a bool or a string) within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(field, f"must be a number, not {type(value).__name__}")
    if not low <= value <= high:
        raise ConfigError(field, f"must be between {low:g} and {high:g}")
    return float(value)


def _integer(field: str, value: Any, low: int, high: int, *, optional: bool = False) -> int | None:
    """An int (not a bool) within [low, high]; None too when `optional`."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(field, f"must be an integer, not {type(value).__name__}")
    if not low <= value <= high:
        raise ConfigError(field, f"must be between {low} and {high}")
    return value


def _strings(field: str, value: Any, *, most: int) -> tuple[str, ...]:
    """A list of 1..most non-empty strings (a bare string is refused: it is not a list)."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ConfigError(field, "must be a list of strings")
    if not 1 <= len(value) <= most or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(field, f"must hold 1 to {most} non-empty strings")
    return tuple(value)


def _processing(field: str, value: Any, current: Any) -> dict[str, float]:
    """Per-family seconds, merged into the current ones."""
    if not isinstance(value, Mapping):
        raise ConfigError(field, "must be an object of family: seconds")
    unknown = set(value) - set(_FAMILIES)
    if unknown:
        raise ConfigError(field, f"unknown families {sorted(unknown)}; expected some of {list(_FAMILIES)}")
    return {**current, **{k: _number(f"{field}.{k}", v, 0.0, _DAY) for k, v in value.items()}}


def _credits(field: str, value: Any, current: Any) -> dict[str, int]:
    """Credits per key: non-negative integers."""
    if not isinstance(value, Mapping):
        raise ConfigError(field, "must be an object of key: credits")
    return {str(k): int(_integer(f"{field}.{k}", v, 0, 10**12) or 0) for k, v in value.items()}


_RULES: dict[str, Callable[[str, Any, Any], Any]] = {
    "api_keys": lambda f, v, c: _strings(f, v, most=100),
    "processing_time": _processing,
    "time_per_char": lambda f, v, c: _number(f, v, 0.0, 10.0),
    "max_pending_per_key": lambda f, v, c: _integer(f, v, 1, 1_000_000, optional=True),
    "credits": _credits,
    "stream_chunks": lambda f, v, c: _integer(f, v, 1, 1000),
    "stream_chunk_delay": lambda f, v, c: _number(f, v, 0.0, 10.0),
    "fault_retry_after": lambda f, v, c: _integer(f, v, 0, 3600),
    "fault_rate": lambda f, v, c: _number(f, v, 0.0, 1.0),
    "fault_seed": lambda f, v, c: _integer(f, v, -(2**63), 2**63 - 1),
    "random_faults": lambda f, v, c: _strings(f, v, most=32),
    "faults.times": lambda f, v, c: _integer(f, v, 1, 100_000, optional=True),
}


def check_field(field: str, value: Any, current: Any) -> Any:
    """The checked (and converted) value for `field`, or ConfigError naming it (rules: the caller's)."""
    rule = _RULES.get(field)
    if rule is not None:
        return rule(field, value, current)
    if isinstance(current, bool) or current is None:
        if not isinstance(value, bool) and not (current is None and value is None):
            raise ConfigError(field, f"must be true or false, not {type(value).__name__}")
        return value
    if isinstance(current, (int, float)):
        return (
            _number(field, value, -1e12, 1e12)
            if isinstance(current, float)
            else _integer(field, value, -(10**12), 10**12)
        )
    if isinstance(current, tuple) and not isinstance(value, str) and isinstance(value, (list, tuple)):
        return tuple(value)
    if not isinstance(value, type(current)):
        raise ConfigError(field, f"must be a {type(current).__name__}, not {type(value).__name__}")
    return value
