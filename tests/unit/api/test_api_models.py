"""Result models: JSON-safe `to_dict()` and `result_from_dict` round trips for every family."""

from __future__ import annotations

import json

import pytest

from camb_notebook.api import (
    FAMILIES,
    DubbingResult,
    Result,
    Segment,
    StoryResult,
    SubtitleResult,
    TaskStatus,
    TranscriptionResult,
    TranslatedTtsResult,
    TranslationResult,
    TtsResult,
    UsageError,
    Voice,
    result_from_dict,
)

SEG = Segment(0.0, 1.25, "Hola", "SPEAKER_1")
EXAMPLES: dict[str, Result] = {
    "translation": TranslationResult(("Bonjour", "Salut")),
    "tts": TtsResult(b"\x00\xffRIFF", "audio/wav"),
    "translated_tts": TranslatedTtsResult(("Hola",), b"\x01\x02", "audio/flac"),
    "transcription": TranscriptionResult((SEG, Segment(1.25, 2.0, "¿Qué?", None))),
    "dubbing": DubbingResult(
        by_language={
            "fr-fr": DubbingResult("https://a/fr.mp3", None, (SEG,)),
            "de-de": DubbingResult("https://a/de"),
        }
    ),
    "story": StoryResult("https://s/a.mp3", "https://s/d.json", (SEG,)),
    "subtitles": SubtitleResult({"en-us": (SEG,), "es-es": (Segment(0.0, 1.25, "Hola", None),)}),
}


@pytest.mark.parametrize("family", FAMILIES)
def test_round_trip_through_json(family: str) -> None:
    """to_dict() survives json.dumps/loads and rebuilds an equal object."""
    result = EXAMPLES[family]
    data = json.loads(json.dumps(result.to_dict()))
    assert result_from_dict(family, data) == result  # type: ignore[arg-type]


def test_audio_is_base64_and_repr_is_short() -> None:
    """Bytes are base64 in the dict; repr shows the size, not the bytes."""
    result = TtsResult(b"\x00" * 5000, "audio/mpeg")
    assert result.to_dict()["audio"].startswith("AAAA")
    assert repr(result) == "TtsResult(audio=<5000 bytes>, content_type='audio/mpeg')"


def test_unknown_family_is_usage_error() -> None:
    """result_from_dict rejects an unknown family with the valid list."""
    with pytest.raises(UsageError, match="translation"):
        result_from_dict("karaoke", {})  # type: ignore[arg-type]


def test_status_flags() -> None:
    """Terminal and known flags follow the five documented statuses."""
    assert not TaskStatus("PENDING").is_terminal and TaskStatus("PENDING").is_known
    assert all(TaskStatus(s).is_terminal for s in ("SUCCESS", "ERROR", "TIMEOUT", "PAYMENT_REQUIRED"))
    assert not TaskStatus("RUNNING").is_terminal and not TaskStatus("RUNNING").is_known
    assert TaskStatus("SUCCESS", 3).to_dict() == {
        "status": "SUCCESS",
        "run_id": 3,
        "exception_reason": None,
        "message": None,
    }


def test_transcript_text_and_voice_dict() -> None:
    """Transcription text joins segments; Voice.to_dict is JSON-safe."""
    assert EXAMPLES["transcription"].text == "Hola\n¿Qué?"  # type: ignore[union-attr]
    assert json.dumps(Voice(1, "Ada", gender=2).to_dict())
