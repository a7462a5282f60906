"""Formality and gender: the names users write and the integers the API takes (one table for every caller).

Usage: `formality_code("formal")` → `1`; `FORMALITY_CHOICES` for pickers and parsers.
"""

from __future__ import annotations

from camb_notebook.api._errors import UsageError

__all__ = ["FORMALITY", "FORMALITY_CHOICES", "GENDER", "GENDER_CHOICES", "formality_code", "gender_code"]

# Names accepted by `formality=` / `gender=`, `--formality` / `--gender` and the panel → wire integers.
FORMALITY = {"formal": 1, "informal": 2, "casual": 2}
GENDER = {"unknown": 0, "unspecified": 0, "male": 1, "female": 2, "other": 9, "neutral": 9}
# One name per distinct code, in the order pickers show them.
FORMALITY_CHOICES = ("formal", "informal")
GENDER_CHOICES = ("male", "female", "neutral")


def formality_code(value: str | int | None) -> int | None:
    """`formality=` (a name or the wire integer) as its wire integer; an unknown name raises UsageError."""
    return _code("formality", value, FORMALITY)


def gender_code(value: str | int | None) -> int | None:
    """`gender=` (a name or the wire integer) as its wire integer; an unknown name raises UsageError."""
    return _code("gender", value, GENDER)


def _code(name: str, value: str | int | None, names: dict[str, int]) -> int | None:
    """A formality/gender option (name or integer) as its wire integer; an unknown name raises UsageError."""
    if value is None or isinstance(value, int):
        return value
    try:
        return names[value.strip().lower()]
    except KeyError:
        raise UsageError(f"unknown {name} {value!r}", hint=f"Use one of {', '.join(names)}") from None
