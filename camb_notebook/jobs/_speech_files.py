"""Audio files of a speech batch: safe file names from a frame's index, and atomic writes with their duration.

Names are derived from the row labels alone (deterministic), so a batch re-run after a kernel restart writes
the same files. Writes go to a temporary file renamed into place, so a killed kernel never leaves a truncated
file under a final name. Stdlib only, any thread. Usage: `safe_names(["a/b", "a/b"])` → `["a_b", "a_b-2"]`.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
import wave
from collections.abc import Hashable, Sequence
from pathlib import Path

__all__ = ["audio_extension", "safe_names", "wav_seconds", "write_audio"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_STEM = 80
# Names Windows refuses as files whatever the extension (the notebook may be opened there).
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_EXTENSIONS = {
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "audio/flac": ".flac",
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/aac": ".aac",
    "audio/ogg": ".ogg",
    "audio/pcm": ".pcm",
}


def _stem(label: Hashable) -> str:
    """One label as a file stem: ASCII letters, digits, `.`, `_`, `-`; never empty, hidden or reserved."""
    text = unicodedata.normalize("NFKD", str(label)).encode("ascii", "ignore").decode("ascii")
    stem = _UNSAFE.sub("_", text).strip("._-")[:_MAX_STEM].rstrip("._-")
    if not stem:
        stem = "row"
    if stem.split(".", 1)[0].lower() in _RESERVED:
        stem = f"{stem}_"
    return stem


def safe_names(labels: Sequence[Hashable]) -> list[str]:
    """A distinct, filesystem-safe stem per label (case-insensitively distinct: `-2`, `-3`… on clashes)."""
    seen: set[str] = set()
    names = []
    for label in labels:
        stem = base = _stem(label)
        count = 1
        while stem.lower() in seen:
            count += 1
            stem = f"{base}-{count}"
        seen.add(stem.lower())
        names.append(stem)
    return names


def audio_extension(content_type: str) -> str:
    """The file extension for an audio MIME type (`.bin` when unknown)."""
    return _EXTENSIONS.get(content_type.split(";")[0].strip().lower(), ".bin")


def wav_seconds(audio: bytes) -> float | None:
    """The duration of WAV bytes in seconds, or None when they are not a WAV the stdlib can read."""
    try:
        with wave.open(io.BytesIO(audio)) as reader:
            rate = reader.getframerate()
            return reader.getnframes() / rate if rate else None
    except (wave.Error, EOFError):
        return None


def write_audio(path: Path, audio: bytes) -> None:
    """Write `audio` to `path` atomically (a temp file in the same folder, then renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(audio)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
