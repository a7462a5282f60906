"""Sandbox outputs: deterministic pseudo-localization, WAV audio that carries its own text, and timed
transcripts.

Everything here is pure and deterministic so other tests can compute the exact expected output. A sandbox
WAV embeds its text in a private RIFF chunk (`sbxt`), so transcribing it returns that text. Non-WAV/PCM
formats are placeholders with the right magic number wrapping the WAV, not real encodings.
Usage: `pseudo_localize("Hello", "es-es")`, `read_wav_text(make_wav("Hi"))`.
"""

from __future__ import annotations

import array
import math
import re
import struct
import sys
from collections.abc import Mapping

__all__ = [
    "CONTENT_TYPES",
    "KEPT_TAG",
    "SECONDS_PER_CHAR",
    "encode_audio",
    "make_segments",
    "make_wav",
    "pseudo_localize",
    "read_wav_text",
    "render_transcript",
    "wav_duration",
]

_ACCENTS = str.maketrans(
    "AaBbCcDdEeGgHhIiJjKkLlNnOoRrSsTtUuWwYyZz",
    "ÅåƁƀÇçÐðÉéĜĝĤĥÎîĴĵĶķĻļÑñÖöŔŕŠšŢţÛûŴŵÝýŽž",
)
SECONDS_PER_CHAR = 0.06
_TEXT_CHUNK = b"sbxt"
_MAGIC = {"mp3": b"ID3\x04\x00\x00", "flac": b"fLaC", "adts": b"\xff\xf1\x50\x80"}
CONTENT_TYPES: dict[str, str] = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "adts": "audio/aac",
    **{f"pcm_{kind}": "audio/pcm" for kind in ("s16le", "s16be", "s32le", "s32be", "f32le", "f32be")},
}


# The numbered placeholder tags of XML tag handling (`<x id="1"/>`): a real MT engine keeps them intact, so
# the sandbox does too, while it still accents every other placeholder and tag (the worst engine for those).
KEPT_TAG = re.compile(r'<x id="\d+"/>')


def pseudo_localize(text: str, target_locale: str, terms: Mapping[str, str] | None = None) -> str:
    """Return `[sandbox <locale>: <accented text> ~~~]`, about 30 % longer than `text`; deterministic.

    `<x id="N"/>` tags pass through unchanged; `terms` (a dictionary: source term → target term) are
    replaced, longest first and case-insensitively, by their target term, which is not accented.
    """
    pad = math.ceil(len(text) * 0.3)
    tail = " " + "~" * pad if pad else ""
    keep = KEPT_TAG.pattern
    if terms:
        ordered = sorted((t for t in terms if t.strip()), key=len, reverse=True)
        lookup = {t.casefold(): terms[t] for t in ordered}
        keep = "|".join([keep, *(re.escape(t) for t in ordered)])
    else:
        lookup = {}
    pieces = re.split(f"({keep})", text, flags=re.IGNORECASE) if "<x" in text or lookup else [text]
    out = [
        piece.translate(_ACCENTS) if i % 2 == 0 else lookup.get(piece.casefold(), piece)
        for i, piece in enumerate(pieces)
    ]
    return f"[sandbox {target_locale}: {''.join(out)}{tail}]"


def _tone(sample_rate: int, seconds: float) -> array.array[int]:
    """Return a quiet 16-bit 220 Hz tone with a short gap every half second (sounds like 'speech' pacing)."""
    period = max(1, sample_rate // 220)
    cycle = array.array("h", (int(3000 * math.sin(2 * math.pi * i / period)) for i in range(period)))
    block = cycle * max(1, (sample_rate // 2 - sample_rate // 10) // period)
    block.extend([0] * (sample_rate // 10))
    total = int(sample_rate * seconds)
    samples = block * (total // len(block) + 1)
    del samples[total:]
    return samples


def _samples_le(text: str, sample_rate: int) -> bytes:
    """Return little-endian 16-bit mono samples for `text`."""
    samples = _tone(sample_rate, wav_duration(text))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


def wav_duration(text: str) -> float:
    """Return the spoken duration the sandbox gives `text` (grows with its length, at least half a second)."""
    return max(0.5, round(len(text) * SECONDS_PER_CHAR, 3))


def make_wav(text: str, sample_rate: int = 16000) -> bytes:
    """Return a valid mono 16-bit WAV whose length grows with `text` and whose `sbxt` chunk holds `text`."""
    data = _samples_le(text, sample_rate)
    label = text.encode("utf-8")
    label_chunk = _TEXT_CHUNK + struct.pack("<I", len(label)) + label + (b"\x00" if len(label) % 2 else b"")
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, sample_rate, sample_rate * 2, 2, 16)
    body = b"WAVE" + fmt + label_chunk + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def read_wav_text(data: bytes) -> str | None:
    """Return the text embedded by `make_wav` (also inside placeholder formats), or None for other audio."""
    start = data.find(b"RIFF")
    if start < 0 or data[start + 8 : start + 12] != b"WAVE":
        return None
    pos = start + 12
    while pos + 8 <= len(data):
        chunk_id, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        if chunk_id == _TEXT_CHUNK:
            return data[pos + 8 : pos + 8 + size].decode("utf-8", errors="replace")
        pos += 8 + size + (size % 2)
    return None


def encode_audio(text: str, fmt: str, sample_rate: int) -> bytes:
    """Return audio for `text` in output format `fmt` (a key of CONTENT_TYPES)."""
    if fmt == "wav":
        return make_wav(text, sample_rate)
    if fmt in _MAGIC:
        return _MAGIC[fmt] + make_wav(text, sample_rate)
    raw = array.array("h", _samples_le(text, sample_rate))
    if sys.byteorder == "big":
        raw.byteswap()
    kind = fmt.removeprefix("pcm_")
    wide: array.array[int] | array.array[float] = raw
    if kind.startswith("s32"):
        wide = array.array("i", (s << 16 for s in raw))
    elif kind.startswith("f32"):
        wide = array.array("f", (s / 32768 for s in raw))
    if (kind.endswith("be")) != (sys.byteorder == "big"):
        wide.byteswap()
    return wide.tobytes()


def make_segments(
    text: str, speakers: tuple[str, ...] = ("SPEAKER_0", "SPEAKER_1"), max_chars: int = 80
) -> list[dict[str, object]]:
    """Split `text` into sentence segments timed at SECONDS_PER_CHAR, alternating `speakers`."""
    pieces: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        words, line = sentence.split(), ""
        for word in words:
            if line and len(line) + 1 + len(word) > max_chars:
                pieces.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        if line:
            pieces.append(line)
    segments: list[dict[str, object]] = []
    clock = 0.0
    for i, piece in enumerate(pieces):
        end = round(clock + len(piece) * SECONDS_PER_CHAR, 3)
        segments.append({"start": clock, "end": end, "text": piece, "speaker": speakers[i % len(speakers)]})
        clock = round(end + 0.2, 3)
    return segments


def _stamp(seconds: float, sep: str) -> str:
    """Format seconds as HH:MM:SS<sep>mmm."""
    millis = round(seconds * 1000)
    hours, minutes, secs = millis // 3600000, millis // 60000 % 60, millis // 1000 % 60
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis % 1000:03d}"


def render_transcript(segments: list[dict[str, object]], format_type: str) -> str:
    """Render segments as `srt`, `vtt` or `txt` text."""
    if format_type == "txt":
        return "\n".join(str(s["text"]) for s in segments)
    sep = "," if format_type == "srt" else "."
    cues = [
        f"{_stamp(float(s['start']), sep)} --> {_stamp(float(s['end']), sep)}\n{s['text']}"  # type: ignore[arg-type]
        for s in segments
    ]
    if format_type == "srt":
        return "\n\n".join(f"{i}\n{cue}" for i, cue in enumerate(cues, 1)) + "\n"
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"
