"""Request bodies of the JSON routes, as pydantic models so validation errors come back as FastAPI's 422
list.

Language fields resolve to a locale tag during validation (int id, lowercase locale, or `auto` where the API
allows it). Unknown extra fields are ignored, like the real API's optional metadata.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field

from camb_notebook.sandbox._catalog import resolve_language, resolve_stream_locale

__all__ = [
    "BulkRunIds",
    "DubBody",
    "LanguageAny",
    "TranslateBody",
    "TranslatedTtsBody",
    "TranslationBulkRunIds",
    "TranslationStreamBody",
    "TtsBody",
    "TtsStreamBody",
]


def _target(value: object) -> str:
    """Resolve a target language, which may not be `auto`."""
    return resolve_language(value, allow_auto=False)


def _int_only(value: object) -> str:
    """Resolve a legacy int-only language field."""
    return resolve_language(value, ids_only=True)


# Each resolves the wire value (int id / locale / `auto`) to a locale tag before pydantic checks it is a str.
LanguageAny = Annotated[str, BeforeValidator(resolve_language)]
TargetLanguage = Annotated[str, BeforeValidator(_target)]
LanguageId = Annotated[str, BeforeValidator(_int_only)]
StreamLocale = Annotated[str, BeforeValidator(resolve_stream_locale)]
AudioFormat = Literal[
    "wav", "flac", "adts", "mp3", "pcm_s16le", "pcm_s16be", "pcm_s32be", "pcm_s32le", "pcm_f32le", "pcm_f32be"
]
SpeechModel = Literal[
    "auto", "mars-pro", "mars-flash", "mars-instruct", "mars-8.1-pro-beta", "mars-8.1-flash-beta"
]


class _Meta(BaseModel):
    """Optional metadata most create routes accept."""

    project_name: str | None = None
    project_description: str | None = None
    folder_id: int | None = None


class _LanguagePair(_Meta):
    """Fields shared by routes that translate: the language pair and the audience hints."""

    source_language: LanguageAny
    target_language: TargetLanguage
    formality: int | None = None
    gender: int | None = None


class _Translating(_LanguagePair):
    """`_LanguagePair` plus the task-flow extras (age, dictionaries)."""

    age: int | None = None
    chosen_dictionaries: list[int] | None = None


class TranslateBody(_Translating):
    """POST /translate."""

    texts: list[str] = Field(min_length=1)


class TranslationStreamBody(_LanguagePair):
    """POST /translation/stream."""

    text: str = Field(min_length=1)
    team_id: int | None = None


class TtsBody(_Meta):
    """POST /tts (legacy task flow; `language` is an int id only)."""

    text: str = Field(min_length=1)
    voice_id: int
    language: LanguageId
    gender: int | None = None
    age: int | None = None


class TranslatedTtsBody(_Translating):
    """POST /translated-tts."""

    text: str = Field(min_length=1)
    voice_id: int


class OutputConfiguration(BaseModel):
    """`output_configuration` of POST /tts-stream."""

    format: AudioFormat = "wav"
    duration: float | None = None
    apply_enhancement: bool | None = None
    sample_rate: int | None = Field(default=None, ge=8000, le=48000)


class TtsStreamBody(BaseModel):
    """POST /tts-stream (`language` is a locale string only)."""

    text: str = Field(min_length=3, max_length=3000)
    language: StreamLocale
    voice_id: int
    speech_model: SpeechModel = "mars-flash"
    user_instructions: str | None = None
    enhance_named_entities_pronunciation: bool | None = None
    output_configuration: OutputConfiguration = Field(default_factory=OutputConfiguration)
    voice_settings: dict[str, Any] | None = None
    inference_options: dict[str, Any] | None = None


class _Transcript(BaseModel):
    """An SRT script supplied with a dub request."""

    format: Literal["srt"] = "srt"
    content: str = Field(min_length=1, max_length=2 * 1024 * 1024)


class _TargetTranscript(_Transcript):
    """A target-language SRT script."""

    language: TargetLanguage


class DubBody(_Meta):
    """POST /dub (`target_language` or `target_languages`, at least one)."""

    video_url: str = Field(min_length=1)
    source_language: LanguageAny
    target_language: TargetLanguage | None = None
    target_languages: list[TargetLanguage] | None = None
    selected_audio_tracks: list[int] | None = None
    add_output_as_an_audio_track: bool | None = None
    chosen_dictionaries: list[int] | None = None
    ai_optimization: bool | None = None
    transcription_mode: Literal["fast", "slow"] | None = None
    source_transcript: _Transcript | None = None
    target_transcripts: list[_TargetTranscript] | None = Field(default=None, max_length=100)


class BulkRunIds(BaseModel):
    """Body of the bulk result routes."""

    run_ids: list[int] = Field(min_length=1, max_length=100)


class TranslationBulkRunIds(BaseModel):
    """Body of POST /translation-results (2–5 run ids)."""

    run_ids: list[int] = Field(min_length=2, max_length=5)
