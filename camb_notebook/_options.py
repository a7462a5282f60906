"""Checks and wire codes for the arguments of `Camb` methods (shared by the magics and the widgets).

The API takes formality and gender as integers; users write names. Every check raises `UsageError` before
anything is submitted. Usage: `option_code("formality", "formal", FORMALITY)` → `1`.
"""

from __future__ import annotations

from pathlib import Path

from camb_notebook.api import UsageError, Voice

__all__ = ["FORMALITY", "GENDER", "existing_file", "non_empty", "option_code", "voice_id"]

# Names accepted for `formality=` / `gender=` (and `--formality` / `--gender`) → the API's integers.
FORMALITY = {"formal": 1, "informal": 2, "casual": 2}
GENDER = {"unknown": 0, "unspecified": 0, "male": 1, "female": 2, "other": 9, "neutral": 9}


def option_code(name: str, value: str | int | None, names: dict[str, int]) -> int | None:
    """A formality/gender option (name or integer) as its wire integer."""
    if value is None or isinstance(value, int):
        return value
    try:
        return names[value.strip().lower()]
    except KeyError:
        raise UsageError(f"unknown {name} {value!r}", hint=f"Use one of {', '.join(names)}") from None


def non_empty(text: str) -> str:
    """A non-empty text."""
    if not isinstance(text, str) or not text.strip():
        raise UsageError("the text is empty")
    return text


def voice_id(voice: int | Voice) -> int:
    """A voice id from an int or a Voice."""
    if isinstance(voice, Voice):
        return voice.id
    if isinstance(voice, bool) or not isinstance(voice, int):
        raise UsageError(f"voice must be a voice id (int) or a Voice, got {voice!r}", hint="See voices()")
    return voice


def existing_file(path: str | Path) -> Path:
    """An existing file's path."""
    resolved = Path(path).expanduser()
    if not resolved.is_file():
        raise UsageError(f"file not found: {resolved}")
    return resolved
