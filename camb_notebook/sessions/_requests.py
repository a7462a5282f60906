"""Checks, wire codes and request fields for the arguments of `Camb` methods (magics and widgets call those).

Media and story sources become the
request's path, bytes or URL fields. Every check raises `UsageError` before anything is submitted.
Usage: `media_fields("talk.wav")` → `{"media_path": "/abs/talk.wav"}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from camb_notebook.api import UsageError, Voice

__all__ = [
    "URL_PREFIXES",
    "existing_file",
    "media_fields",
    "non_empty",
    "story_fields",
    "text_list",
    "voice_id",
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


def media_fields(media: str | Path | bytes) -> dict[str, Any]:
    """The transcription request's source: `media_bytes`, `media_url` or an existing `media_path`."""
    if isinstance(media, (bytes, bytearray)):
        return {"media_bytes": bytes(media)}
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
