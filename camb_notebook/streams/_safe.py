"""Server values on their way into HTML: audio types from an allow-list, links only http(s).

Everything the server sends is untrusted (a content type or a URL can carry markup or `javascript:`), so
what the displays put into HTML attributes comes from here: a fixed set of audio types (or one sniffed from
the bytes), and URLs whose scheme is http or https. Pure functions, any thread.
Usage: `audio_type(result.content_type, result.audio[:4])`, `safe_url(result.audio_url)`.
"""

from __future__ import annotations

import urllib.parse

__all__ = ["AUDIO_TYPES", "audio_type", "safe_url"]

# declared content type (lower case, parameters dropped) → the type the players are given
AUDIO_TYPES: dict[str, str] = {
    "audio/wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/x-wav": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/mpeg": "audio/mpeg",
    "audio/mp3": "audio/mpeg",
    "audio/ogg": "audio/ogg",
    "audio/opus": "audio/ogg",
    "audio/flac": "audio/flac",
    "audio/x-flac": "audio/flac",
    "audio/aac": "audio/aac",
    "audio/mp4": "audio/mp4",
    "audio/webm": "audio/webm",
    "audio/pcm": "audio/pcm",  # raw samples: known, but no browser player takes it
}
_MAGIC = ((b"RIFF", "audio/wav"), (b"ID3", "audio/mpeg"), (b"OggS", "audio/ogg"), (b"fLaC", "audio/flac"))
_MP3_FRAME = (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")


def audio_type(content_type: object, head: bytes = b"") -> str | None:
    """The allow-listed audio type for a declared content type, else one sniffed from `head`, else None."""
    declared = str(content_type or "").split(";", 1)[0].strip().lower()
    if declared in AUDIO_TYPES:
        return AUDIO_TYPES[declared]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return "audio/mpeg" if head[:2] in _MP3_FRAME else None


def safe_url(url: object) -> str | None:
    """`url` when it is an absolute http(s) URL without control characters or spaces; None otherwise.

    Browsers drop tabs and newlines inside a scheme (`java\\nscript:`), so any such character refuses the URL.
    """
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not text or any(ch <= " " or ch == "\x7f" for ch in text):
        return None
    parts = urllib.parse.urlsplit(text)
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None
