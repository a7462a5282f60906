"""Parse CAMB.AI JSON answers into typed models, accepting every known variant of each shape.

Variants: dub `audio_url`/`output_audio_url` and per-language maps; transcripts wrapped or bare lists, items
with or without times, or one string; bulk maps keyed by string run_id, optionally under a `results` wrapper;
bulk TTS entries as bare URL strings or `{"output_url": ...}`; ids as ints, integral floats or numeric
strings; a create answered with a `run_id` (a story set up before) instead of a `task_id`. The rule is the
official SDK's: keep what we understand, skip (and log at DEBUG) a malformed list item, and raise
`InvalidResponseError` only when what was asked for is missing. Pure functions.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from typing import Any

from camb_notebook.api._errors import InvalidResponseError, LanguageError, UsageError
from camb_notebook.api._languages import CATALOG
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
from camb_notebook.api._options import gender_code

__all__ = [
    "RUN_PREFIX",
    "opt_int",
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

log = logging.getLogger("camb_notebook.api")
# A create answered with a run_id (nothing to poll) gets this task id: its status is SUCCESS, sent nowhere.
RUN_PREFIX = "run:"


def _bad(what: str, data: Any) -> InvalidResponseError:
    """An error describing an unexpected answer by its shape (never its full content)."""
    shape = sorted(data)[:6] if isinstance(data, dict) else type(data).__name__
    return InvalidResponseError(f"{what}: unexpected answer shape {shape}")


def parse_task_id(data: Any, what: str) -> str:
    """The `task_id` of a create answer (or `run:<id>` when the server answered with the run directly)."""
    if isinstance(data, dict) and isinstance(data.get("task_id"), (str, int)) and str(data["task_id"]):
        return str(data["task_id"])
    if isinstance(data, dict) and data.get("task_id") is None and (run_id := opt_int(data.get("run_id"))):
        return f"{RUN_PREFIX}{run_id}"
    if isinstance(data, dict) and "task_id" in data:
        sent = "null" if data["task_id"] is None else type(data["task_id"]).__name__
        raise InvalidResponseError(f"{what} answered task_id {sent} (the task may exist)")
    raise _bad(f"{what} returned no task_id (the task may exist)", data)


def opt_int(value: Any) -> int | None:
    """An int from an int, an integral float or a numeric string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _opt_text(value: Any) -> str | None:
    """Text from a string, or compact JSON for an object; None when absent."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def parse_status(data: Any, what: str) -> TaskStatus:
    """A status object; `status` is kept verbatim (unknown ones, null too, are the caller's to warn of)."""
    if not isinstance(data, dict) or "status" not in data or isinstance(data["status"], (dict, list)):
        raise _bad(what, data)
    status = data.get("status")
    # SUCCESS without a run_id is passed on: the engine reports it as ResultUnavailableError.
    return TaskStatus(
        status="UNKNOWN" if status is None else str(status).strip().upper(),
        run_id=opt_int(data.get("run_id")),
        exception_reason=_opt_text(data.get("exception_reason")),
        message=_opt_text(data.get("message")),
    )


def parse_translation(data: Any, what: str) -> TranslationResult:
    """`{"texts": [...]}`."""
    texts = data.get("texts") if isinstance(data, dict) else None
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise _bad(what, data)
    return TranslationResult(tuple(texts))


def _segment(item: Any) -> Segment | None:
    """One segment; missing times are 0 (story transcripts carry none); None when it has no text."""
    if isinstance(item, str):
        return Segment(0.0, 0.0, item)
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return None
    try:
        start, end = float(item.get("start") or 0.0), float(item.get("end") or 0.0)
    except (TypeError, ValueError):
        return None
    speaker = item.get("speaker")
    return Segment(start, end, item["text"], None if speaker is None else str(speaker))


def parse_segments(items: Any, what: str) -> tuple[Segment, ...]:
    """A list of `{start, end, text, speaker}` segments (seconds), or one string; malformed items skipped."""
    if isinstance(items, str):
        return (Segment(0.0, 0.0, items),) if items else ()
    if not isinstance(items, list):
        raise _bad(what, items)
    segments = [_segment(item) for item in items]
    if None in segments:
        log.debug("%s: skipped %d malformed transcript item(s)", what, segments.count(None))
    return tuple(s for s in segments if s is not None)


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


def _optional_segments(items: Any, what: str) -> tuple[Segment, ...]:
    """A transcript that comes with media: any unreadable shape is dropped (logged), never the media."""
    if items is None:
        return ()
    try:
        return parse_segments(items, what)
    except InvalidResponseError:
        log.debug("%s: skipped an unreadable transcript", what)
        return ()


_DUB_KEYS = frozenset(
    {"audio_url", "video_url", "output_audio_url", "output_video_url", "transcript", "run_id"}
)


def _one_dub(data: Mapping[str, Any], what: str) -> DubbingResult:
    """One dub result with either key spelling."""
    transcript = data.get("transcript")
    return DubbingResult(
        audio_url=data.get("audio_url") or data.get("output_audio_url"),
        video_url=data.get("video_url") or data.get("output_video_url"),
        transcript=_optional_segments(transcript, what),
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
        _optional_segments(transcript, what),
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
        run_id = opt_int(key)
        if run_id is None:
            raise _bad(what, data)
        out[run_id] = entry
    return out


def _code_or_name(value: Any, resolve: Any) -> int | None:
    """An id given as a number, or as a name the catalog knows ("en-us", "female"); None otherwise."""
    found = opt_int(value)
    if found is not None or not isinstance(value, str):
        return found
    try:
        return int(resolve(value))
    except (UsageError, LanguageError, ValueError):
        return None


def _language_id(value: str) -> int:
    """A language name or locale as its catalog id."""
    return CATALOG.resolve(value).id


def parse_voices(data: Any, what: str) -> list[Voice]:
    """`list-voices`: a list of voice objects (`id`, `voice_name`, ...); an item without an id is skipped."""
    if isinstance(data, dict) and isinstance(data.get("voices"), list):
        data = data["voices"]
    if not isinstance(data, list):
        raise _bad(what, data)
    voices = []
    for item in data:
        voice_id = opt_int(item.get("id")) if isinstance(item, dict) else None
        if voice_id is None:
            log.debug("%s: skipped a voice without an id", what)
            continue
        voices.append(
            Voice(
                id=voice_id,
                name=str(item.get("voice_name") or item.get("name") or f"voice {voice_id}"),
                gender=_code_or_name(item.get("gender"), gender_code),
                age=opt_int(item.get("age")),
                language=_code_or_name(item.get("language"), _language_id),
                description=_opt_str(item.get("description")),
                is_published=item.get("is_published") if isinstance(item.get("is_published"), bool) else None,
                sample_url=_opt_str(item.get("signed_url")),
            )
        )
    return voices


def _opt_str(value: Any) -> str | None:
    """A string field, or None for anything else."""
    return value if isinstance(value, str) else None
