"""Static catalog the sandbox serves: language lookup (id, locale, `auto`) and a dozen plausible voices.

Language fields accept an int id, a lowercase locale tag or `auto` exactly where the API does;
the `resolve` helpers raise ValueError, which the routes turn into FastAPI's 422 `detail` list.
"""

from __future__ import annotations

from typing import Any

from camb_notebook.sandbox._languages import LANGUAGES, TTS_STREAM_LOCALES

__all__ = ["LOCALE_BY_ID", "VOICES", "language_rows", "resolve_language", "resolve_stream_locale"]

LOCALE_BY_ID: dict[int, str] = {lang_id: locale for lang_id, locale, _ in LANGUAGES}
_ID_BY_LOCALE: dict[str, int] = {locale: lang_id for lang_id, locale, _ in LANGUAGES}

_VOICE_ROWS: tuple[tuple[int, str, int, int, int, str], ...] = (
    (20298, "Alice (sandbox)", 2, 32, 1, "Warm, clear narrator voice"),
    (20299, "Ben (sandbox)", 1, 41, 1, "Calm documentary voice"),
    (20300, "Chloé (sandbox)", 2, 27, 76, "Bright conversational French voice"),
    (20301, "Diego (sandbox)", 1, 35, 54, "Energetic Castilian Spanish voice"),
    (20302, "Emma (sandbox)", 2, 24, 35, "Friendly British English voice"),
    (20303, "Felix (sandbox)", 1, 52, 31, "Deep German announcer voice"),
    (20304, "Giulia (sandbox)", 2, 30, 87, "Expressive Italian storyteller"),
    (20305, "Haruto (sandbox)", 1, 29, 88, "Soft-spoken Japanese voice"),
    (20306, "Isabela (sandbox)", 2, 38, 111, "Lively Brazilian Portuguese voice"),
    (20307, "Jae-won (sandbox)", 1, 33, 94, "Neutral Korean news voice"),
    (20308, "Kavya (sandbox)", 2, 26, 81, "Crisp Hindi voice"),
    (20309, "Liang (sandbox)", 1, 45, 139, "Measured Mandarin voice"),
)
VOICES: list[dict[str, Any]] = [
    {
        "id": voice_id,
        "voice_name": name,
        "gender": gender,
        "age": age,
        "language": language,
        "description": description,
        "transcript": None,
        "is_published": True,
        "signed_url": None,
    }
    for voice_id, name, gender, age, language, description in _VOICE_ROWS
]


def language_rows() -> list[dict[str, Any]]:
    """Return the `source-languages`/`target-languages` body: `[{id, language, short_name}]`."""
    return [{"id": i, "language": name, "short_name": locale} for i, locale, name in LANGUAGES]


def resolve_language(value: object, *, allow_auto: bool = True, ids_only: bool = False) -> str:
    """Return the locale for an int id / locale tag / `auto`, or raise ValueError for anything else."""
    if isinstance(value, bool):
        raise ValueError("Input should be a language id or locale tag")
    if isinstance(value, int):
        if value in LOCALE_BY_ID:
            return LOCALE_BY_ID[value]
        raise ValueError(f"Unknown language id {value}")
    if ids_only:
        raise ValueError("Input should be a valid integer language id")
    if isinstance(value, str):
        if value.isdigit():
            return resolve_language(int(value))
        if value == "auto" and allow_auto:
            return "auto"
        if value in _ID_BY_LOCALE:
            return value
    raise ValueError(
        f"Unknown language {value!r}: use an id, a lowercase locale tag like 'es-es'"
        + (" or 'auto'" if allow_auto else "")
    )


def resolve_stream_locale(value: object) -> str:
    """Return `value` if it is one of the tts-stream locale strings, else raise ValueError."""
    if isinstance(value, str) and value in TTS_STREAM_LOCALES:
        return value
    raise ValueError(f"Unsupported tts-stream language {value!r}: use a locale string such as 'en-us'")
