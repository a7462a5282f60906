"""Typed results of the CAMB.AI task families, and their JSON-safe round trip for the journal and cache.

Frozen dataclasses only; parsing of wire variants lives in `_parse.py`. `to_dict()` gives JSON-safe data
(bytes as base64) and `result_from_dict(family, d)` rebuilds the same object.
Usage: `result_from_dict("translation", r.to_dict()) == r`.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, get_args

from camb_notebook.api._errors import UsageError

__all__ = [
    "FAMILIES",
    "STATUSES",
    "TERMINAL_STATUSES",
    "DubbingResult",
    "Family",
    "Result",
    "Segment",
    "Status",
    "StoryResult",
    "SubtitleResult",
    "TaskStatus",
    "TranscriptionResult",
    "TranslatedTtsResult",
    "TranslationResult",
    "TtsResult",
    "Voice",
    "result_from_dict",
]

Family = Literal["translation", "tts", "translated_tts", "transcription", "dubbing", "story", "subtitles"]
FAMILIES: tuple[Family, ...] = get_args(Family)

Status = Literal["PENDING", "SUCCESS", "ERROR", "TIMEOUT", "PAYMENT_REQUIRED"]
STATUSES: tuple[Status, ...] = get_args(Status)
TERMINAL_STATUSES: frozenset[str] = frozenset({"SUCCESS", "ERROR", "TIMEOUT", "PAYMENT_REQUIRED"})


@dataclass(frozen=True)
class TaskStatus:
    """One answer of a status poll; unknown `status` values are kept as-is and treated as not terminal."""

    status: str
    run_id: int | None = None
    exception_reason: str | None = None
    message: str | None = None

    @property
    def is_terminal(self) -> bool:
        """True when polling should stop (SUCCESS, ERROR, TIMEOUT, PAYMENT_REQUIRED)."""
        return self.status in TERMINAL_STATUSES

    @property
    def is_known(self) -> bool:
        """True when `status` is one of the five documented values."""
        return self.status in STATUSES

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (the journal stores it)."""
        return {
            "status": self.status,
            "run_id": self.run_id,
            "exception_reason": self.exception_reason,
            "message": self.message,
        }


def _b64(data: bytes) -> str:
    """Encode bytes for JSON."""
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    """Decode bytes stored by `_b64`."""
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class Segment:
    """One timed transcript line (seconds)."""

    start: float
    end: float
    text: str
    speaker: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {"start": self.start, "end": self.end, "text": self.text, "speaker": self.speaker}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Segment:
        """Rebuild from `to_dict()` output."""
        return cls(float(d["start"]), float(d["end"]), str(d["text"]), d.get("speaker"))


def _segments(items: Any) -> tuple[Segment, ...]:
    """Rebuild a tuple of segments from a list of dicts."""
    return tuple(Segment.from_dict(item) for item in items or ())


@dataclass(frozen=True)
class TranslationResult:
    """Translated texts, in the order of the request."""

    texts: Sequence[str]  # a tuple, or (a batch chunk once recorded) a compact PackedTexts

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {"texts": list(self.texts)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TranslationResult:
        """Rebuild from `to_dict()` output."""
        return cls(tuple(d["texts"]))


@dataclass(frozen=True)
class TtsResult:
    """Synthesized audio and its MIME type."""

    audio: bytes = field(repr=False)
    content_type: str

    def __repr__(self) -> str:
        return f"TtsResult(audio=<{len(self.audio)} bytes>, content_type={self.content_type!r})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (audio as base64)."""
        return {"audio": _b64(self.audio), "content_type": self.content_type}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TtsResult:
        """Rebuild from `to_dict()` output."""
        return cls(_unb64(d["audio"]), str(d["content_type"]))


@dataclass(frozen=True)
class TranslatedTtsResult:
    """Translated text and its synthesized audio."""

    texts: tuple[str, ...]
    audio: bytes = field(repr=False)
    content_type: str

    def __repr__(self) -> str:
        return (
            f"TranslatedTtsResult(texts={self.texts!r}, audio=<{len(self.audio)} bytes>, "
            f"content_type={self.content_type!r})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (audio as base64)."""
        return {"texts": list(self.texts), "audio": _b64(self.audio), "content_type": self.content_type}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TranslatedTtsResult:
        """Rebuild from `to_dict()` output."""
        return cls(tuple(d["texts"]), _unb64(d["audio"]), str(d["content_type"]))


@dataclass(frozen=True)
class TranscriptionResult:
    """Timed, diarized transcript segments."""

    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        """The transcript as plain text, one segment per line."""
        return "\n".join(s.text for s in self.segments)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {"segments": [s.to_dict() for s in self.segments]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TranscriptionResult:
        """Rebuild from `to_dict()` output."""
        return cls(_segments(d["segments"]))


@dataclass(frozen=True)
class DubbingResult:
    """Dubbed media URLs and transcript; multi-target runs fill `by_language` (locale or id → result).

    With exactly one language in `by_language`, the top-level fields mirror it.
    """

    audio_url: str | None = None
    video_url: str | None = None
    transcript: tuple[Segment, ...] = ()
    by_language: Mapping[str, DubbingResult] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "audio_url": self.audio_url,
            "video_url": self.video_url,
            "transcript": [s.to_dict() for s in self.transcript],
            "by_language": {k: v.to_dict() for k, v in self.by_language.items()},
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DubbingResult:
        """Rebuild from `to_dict()` output."""
        return cls(
            d.get("audio_url"),
            d.get("video_url"),
            _segments(d.get("transcript")),
            {k: cls.from_dict(v) for k, v in (d.get("by_language") or {}).items()},
        )


@dataclass(frozen=True)
class StoryResult:
    """Narrated story audio, dialogue file and (optionally) transcript."""

    audio_url: str | None = None
    dialogue_url: str | None = None
    transcript: tuple[Segment, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "audio_url": self.audio_url,
            "dialogue_url": self.dialogue_url,
            "transcript": [s.to_dict() for s in self.transcript],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> StoryResult:
        """Rebuild from `to_dict()` output."""
        return cls(d.get("audio_url"), d.get("dialogue_url"), _segments(d.get("transcript")))


@dataclass(frozen=True)
class SubtitleResult:
    """Timed cues per language (locale or id as the server keys them) of a `sub` run."""

    by_language: Mapping[str, tuple[Segment, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {"by_language": {k: [s.to_dict() for s in v] for k, v in self.by_language.items()}}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SubtitleResult:
        """Rebuild from `to_dict()` output."""
        return cls({k: _segments(v) for k, v in d["by_language"].items()})


@dataclass(frozen=True)
class Voice:
    """One voice from `list-voices` (ids are integers)."""

    id: int
    name: str
    gender: int | None = None
    age: int | None = None
    language: int | None = None
    description: str | None = None
    is_published: bool | None = None
    sample_url: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "id": self.id,
            "name": self.name,
            "gender": self.gender,
            "age": self.age,
            "language": self.language,
            "description": self.description,
            "is_published": self.is_published,
            "sample_url": self.sample_url,
        }


Result: TypeAlias = (
    TranslationResult
    | TtsResult
    | TranslatedTtsResult
    | TranscriptionResult
    | DubbingResult
    | StoryResult
    | SubtitleResult
)

_RESULT_TYPES: dict[str, Any] = {
    "translation": TranslationResult,
    "tts": TtsResult,
    "translated_tts": TranslatedTtsResult,
    "transcription": TranscriptionResult,
    "dubbing": DubbingResult,
    "story": StoryResult,
    "subtitles": SubtitleResult,
}


def result_from_dict(family: Family, d: Mapping[str, Any]) -> Result:
    """Rebuild a family's result from its `to_dict()` output (the journal and cache store results so)."""
    try:
        cls = _RESULT_TYPES[family]
    except KeyError:
        raise UsageError(f"Unknown family {family!r}", hint=f"Use one of {', '.join(FAMILIES)}") from None
    result: Result = cls.from_dict(d)
    return result
