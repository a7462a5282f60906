"""Parse CAMB.AI JSON answers into typed models, accepting every known variant of each shape.

Variants: dub `audio_url`/`output_audio_url` and per-language maps; transcripts wrapped or bare lists;
bulk maps keyed by string run_id, optionally under a `results` wrapper; bulk TTS entries as bare URL
strings or `{"output_url": ...}`. Anything else raises `InvalidResponseError`. Pure functions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from camb_notebook.api._errors import InvalidResponseError
from camb_notebook.api._models import (
    DubbingResult,
    Segment,
    StoryResult,
    SubtitleResult,
    TaskStatus,
    TranscriptionResult,
    TranslationResult,
    Voice,
)

__all__ = [
    "parse_bulk_map",
    "parse_dubbing",
    "parse_output_url",
    "parse_segments",
    "parse_status",
    "parse_story",
    "parse_subtitles",
    "parse_task_id",
    "parse_transcription",
    "parse_translation",
    "parse_voices",
]


def _bad(what: str, data: Any) -> InvalidResponseError:
    """An error describing an unexpected answer by its shape (never its full content)."""
    shape = sorted(data)[:6] if isinstance(data, dict) else type(data).__name__
    return InvalidResponseError(f"{what}: unexpected answer shape {shape}")


def parse_task_id(data: Any, what: str) -> str:
    """The `task_id` of a create answer."""
    if isinstance(data, dict) and isinstance(data.get("task_id"), (str, int)) and str(data["task_id"]):
        return str(data["task_id"])
    raise _bad(f"{what} returned no task_id (the task may exist)", data)


def _opt_int(value: Any) -> int | None:
    """An int from an int or numeric string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _opt_text(value: Any) -> str | None:
    """Text from a string, or compact JSON for an object; None when absent."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def parse_status(data: Any, what: str) -> TaskStatus:
    """A status object; `status` is kept verbatim (unknown values are the caller's to warn about)."""
    if not isinstance(data, dict) or not isinstance(data.get("status"), str):
        raise _bad(what, data)
    # SUCCESS without a run_id is passed on: the engine reports it as ResultUnavailableError.
    return TaskStatus(
        status=data["status"].strip().upper(),
        run_id=_opt_int(data.get("run_id")),
        exception_reason=_opt_text(data.get("exception_reason")),
        message=_opt_text(data.get("message")),
    )


def parse_translation(data: Any, what: str) -> TranslationResult:
    """`{"texts": [...]}`."""
    texts = data.get("texts") if isinstance(data, dict) else None
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise _bad(what, data)
    return TranslationResult(tuple(texts))


def parse_segments(items: Any, what: str) -> tuple[Segment, ...]:
    """A list of `{start, end, text, speaker}` segments (times in seconds)."""
    if not isinstance(items, list):
        raise _bad(what, items)
    try:
        return tuple(
            Segment(
                float(item["start"]),
                float(item["end"]),
                str(item["text"]),
                None if item.get("speaker") is None else str(item["speaker"]),
            )
            for item in items
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InvalidResponseError(f"{what}: malformed transcript segments") from None


def _track(items: Any, what: str) -> tuple[Segment, ...]:
    """One subtitle track: a list of cues, or `{"transcript": [cues]}`."""
    if isinstance(items, dict) and "transcript" in items:
        items = items["transcript"]
    return parse_segments(items, what)


def parse_subtitles(data: Any, what: str) -> SubtitleResult:
    """A `sub-result` body: `{language: [cues]}`, `{language: {"transcript": [cues]}}`, or one track."""
    if not isinstance(data, dict) or not data:
        raise _bad(what, data)
    if set(data) == {"transcript"}:
        return SubtitleResult({"source": _track(data["transcript"], what)})
    return SubtitleResult({str(k): _track(v, what) for k, v in data.items()})


def parse_transcription(data: Any, what: str) -> TranscriptionResult:
    """`{"transcript": [...]}` or a bare list (older docs)."""
    items = data.get("transcript") if isinstance(data, dict) else data
    return TranscriptionResult(parse_segments(items, what))


_DUB_KEYS = frozenset(
    {"audio_url", "video_url", "output_audio_url", "output_video_url", "transcript", "run_id"}
)


def _one_dub(data: Mapping[str, Any], what: str) -> DubbingResult:
    """One dub result with either key spelling."""
    transcript = data.get("transcript")
    return DubbingResult(
        audio_url=data.get("audio_url") or data.get("output_audio_url"),
        video_url=data.get("video_url") or data.get("output_video_url"),
        transcript=parse_segments(transcript, what) if transcript is not None else (),
    )


def parse_dubbing(data: Any, what: str) -> DubbingResult:
    """A dub result, or a `{language: result}` map for multi-target runs (one entry mirrors to the top)."""
    if not isinstance(data, dict) or not data:
        raise _bad(what, data)
    if set(data) & _DUB_KEYS:
        return _one_dub(data, what)
    if not all(isinstance(v, dict) for v in data.values()):
        raise _bad(what, data)
    by_language = {str(lang): _one_dub(v, what) for lang, v in data.items()}
    if len(by_language) == 1:
        only = next(iter(by_language.values()))
        return DubbingResult(only.audio_url, only.video_url, only.transcript, by_language)
    return DubbingResult(by_language=by_language)


def parse_story(data: Any, what: str) -> StoryResult:
    """`{"audio_url", "dialogue_url", "transcript"?}`."""
    if not isinstance(data, dict) or not ({"audio_url", "dialogue_url"} & set(data)):
        raise _bad(what, data)
    transcript = data.get("transcript")
    return StoryResult(
        data.get("audio_url"),
        data.get("dialogue_url"),
        parse_segments(transcript, what) if transcript is not None else (),
    )


def parse_output_url(entry: Any, what: str) -> str:
    """A media URL given as a bare string or as `{"output_url"|"file_url"|"url": ...}`."""
    if isinstance(entry, str) and entry:
        return entry
    if isinstance(entry, dict):
        for name in ("output_url", "file_url", "url"):
            if isinstance(entry.get(name), str) and entry[name]:
                return str(entry[name])
    raise _bad(what, entry)


def parse_bulk_map(data: Any, what: str) -> dict[int, Any]:
    """A bulk answer `{"<run_id>": entry}`, optionally wrapped in `{"results": ...}`; keys become ints."""
    if isinstance(data, dict) and isinstance(data.get("results"), dict) and len(data) == 1:
        data = data["results"]
    if not isinstance(data, dict):
        raise _bad(what, data)
    out: dict[int, Any] = {}
    for key, entry in data.items():
        run_id = _opt_int(key)
        if run_id is None:
            raise _bad(what, data)
        out[run_id] = entry
    return out


def parse_voices(data: Any, what: str) -> list[Voice]:
    """`list-voices`: a list of voice objects (`id`, `voice_name`, ...)."""
    if isinstance(data, dict) and isinstance(data.get("voices"), list):
        data = data["voices"]
    if not isinstance(data, list):
        raise _bad(what, data)
    voices = []
    for item in data:
        voice_id = _opt_int(item.get("id")) if isinstance(item, dict) else None
        if voice_id is None:
            raise _bad(what, item)
        voices.append(
            Voice(
                id=voice_id,
                name=str(item.get("voice_name") or item.get("name") or f"voice {voice_id}"),
                gender=_opt_int(item.get("gender")),
                age=_opt_int(item.get("age")),
                language=_opt_int(item.get("language")),
                description=item.get("description"),
                is_published=item.get("is_published"),
                sample_url=item.get("signed_url"),
            )
        )
    return voices
