"""The voices table: gender, age and language as words, searchable by any of them (`voices("german female")`).

Every word of the query must start a word of the voice's name, description, gender, age group, language name
or locale, so "male" never matches "female" and "germ" finds German. Pure pandas.
Usage: `voices_frame(api_voices, "german")`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from camb_notebook.api import CATALOG, GENDER_CHOICES, Voice, gender_code

__all__ = ["age_group", "voices_frame"]

COLUMNS = ["id", "name", "gender", "age", "age_years", "language", "locale", "description", "sample_url"]
_GENDER_WORDS = {0: "unspecified", **{gender_code(name): name for name in GENDER_CHOICES}}
# (upper bound in years, word): the age groups shown instead of a bare number.
_AGES = ((13, "child"), (20, "teen"), (35, "young adult"), (55, "adult"), (200, "senior"))
_WORD = re.compile(r"\w+")


def age_group(age: int | None) -> str | None:
    """An age in years as a word ("young adult"), None when unknown."""
    if age is None or age < 0:
        return None
    return next(word for bound, word in _AGES if age < bound)


def _row(voice: Voice) -> dict[str, object]:
    """One voice as a table row, its codes spelled out."""
    language = CATALOG.get(voice.language) if voice.language is not None else None
    return {
        "id": voice.id,
        "name": voice.name,
        "gender": None if voice.gender is None else _GENDER_WORDS.get(voice.gender, f"code {voice.gender}"),
        "age": age_group(voice.age),
        "age_years": voice.age,
        "language": None if language is None else language.name,
        "locale": None if language is None else language.locale,
        "description": voice.description,
        "sample_url": voice.sample_url,
    }


def _matches(row: dict[str, object], needles: list[str]) -> bool:
    """True when every query word starts a word of the row's searchable text."""
    fields = ("name", "description", "gender", "age", "language", "locale")
    words = _WORD.findall(" ".join(str(row[f]) for f in fields if row[f] is not None).casefold())
    return all(any(w.startswith(needle) for w in words) for needle in needles)


def voices_frame(voices: Iterable[Voice], query: str | None = None) -> pd.DataFrame:
    """Voices as rows (gender, age group and language as words), optionally searched by words."""
    rows = [_row(v) for v in voices]
    needles = _WORD.findall((query or "").casefold())
    if needles:
        rows = [r for r in rows if _matches(r, needles)]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"age_years": "Int64"})
