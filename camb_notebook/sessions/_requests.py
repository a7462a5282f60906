"""Request building: each `Camb` task method's arguments checked and turned into the engine's request dict.

Languages are resolved and options coded here, so bad input raises `UsageError` (one line) before a job
exists. Requests hold wire field names; unset fields are dropped. Usage: `tts_request("Hi", 1, "en-us")`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from camb_notebook.api import (
    UsageError,
    Voice,
    formality_code,
    gender_code,
    resolve_language,
    stream_locale,
)

__all__ = [
    "dubbing_request",
    "story_request",
    "transcription_request",
    "translated_tts_request",
    "translation_request",
    "tts_request",
]

URL_PREFIXES = ("http://", "https://")


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


def text_list(text_or_texts: str | Sequence[str]) -> list[str]:
    """One text or a list of texts as a non-empty list of non-empty texts."""
    texts = [text_or_texts] if isinstance(text_or_texts, str) else list(text_or_texts)
    if not texts or not all(isinstance(t, str) and t.strip() for t in texts):
        raise UsageError("translate() needs non-empty text(s)")
    return texts


def media_fields(media: str | Path | bytes, filename: str | None = None) -> dict[str, Any]:
    """The transcription request's source: `media_bytes` (named by `filename`: its type goes with it),
    `media_url` or an existing `media_path`."""
    if isinstance(media, (bytes, bytearray)):
        return {"media_bytes": bytes(media), "filename": Path(filename).name if filename else None}
    if isinstance(media, str) and media.startswith(URL_PREFIXES):
        return {"media_url": media}
    return {"media_path": str(existing_file(media))}


def story_fields(source: str | Path | bytes, filename: str | None) -> dict[str, Any]:
    """The story request's file: an existing `file_path`, or `file_bytes` with a .txt/.docx `filename`."""
    if not isinstance(source, (bytes, bytearray)):
        return {"file_path": str(existing_file(source))}
    if not filename or not filename.lower().endswith((".txt", ".docx")):
        raise UsageError(
            "story() with bytes needs the file's name", hint='Pass filename="story.txt" (or .docx)'
        )
    return {"file_bytes": bytes(source), "filename": Path(filename).name}


def _drop_unset(request: dict[str, Any]) -> dict[str, Any]:
    """The request without its None fields (the API's defaults apply)."""
    return {k: v for k, v in request.items() if v is not None}


def translation_request(
    texts: str | Sequence[str], to: Any, source: Any, formality: str | int | None, gender: str | int | None
) -> dict[str, Any]:
    """One translation task: non-empty texts into one target."""
    return _drop_unset(
        {
            "texts": text_list(texts),
            "source_language": resolve_language(source, allow_auto=True).wire_value,
            "target_language": resolve_language(to).wire_value,
            "formality": formality_code(formality),
            "gender": gender_code(gender),
        }
    )


def tts_request(text: str, voice: int | Voice, language: Any, *, stream: bool = False) -> dict[str, Any]:
    """One speech task: a non-empty text, a voice id, a language (a locale string for `tts-stream`)."""
    return {
        "text": non_empty(text),
        "voice_id": voice_id(voice),
        "language": stream_locale(language) if stream else resolve_language(language).wire_value,
    }


def translated_tts_request(text: str, voice: int | Voice, to: Any, source: Any) -> dict[str, Any]:
    """One translate-then-speak task."""
    return {
        "text": non_empty(text),
        "voice_id": voice_id(voice),
        "source_language": resolve_language(source, allow_auto=True).wire_value,
        "target_language": resolve_language(to).wire_value,
    }


def transcription_request(
    media: str | Path | bytes, language: Any, filename: str | None = None
) -> dict[str, Any]:
    """One transcription task: a media URL, an existing file, or bytes (with their file's name, if known)."""
    fields = media_fields(media, filename)
    return {"language": resolve_language(language, allow_auto=True).wire_value, **fields}


def dubbing_request(url: str, source: Any, to: Any) -> dict[str, Any]:
    """One dubbing task: an http(s) media URL into one or several languages."""
    if not isinstance(url, str) or not url.startswith(URL_PREFIXES):
        raise UsageError(f"dub() needs an http(s) URL, got {url!r}")
    targets = [to] if isinstance(to, (str, int)) else list(to)
    if not targets:
        raise UsageError("dub() needs at least one target language")
    return {
        "video_url": url,
        "source_language": resolve_language(source, allow_auto=True).wire_value,
        "target_languages": [resolve_language(t).wire_value for t in targets],
    }


def story_request(
    source: str | Path | bytes, language: Any, title: str | None, filename: str | None
) -> dict[str, Any]:
    """One story task: a .txt/.docx file path, or its bytes with the file's name."""
    return _drop_unset(
        {"source_language": resolve_language(language).id, "title": title, **story_fields(source, filename)}
    )
