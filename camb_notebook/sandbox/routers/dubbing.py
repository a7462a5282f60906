"""Dubbing routes: `dub` (JSON), status, `dub-result` (one target → DubbingResult, several → keyed by
locale), `dubbing-results`, and `transcript/{run_id}/{language}`; audio/video URLs point at files this
sandbox serves."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request

from camb_notebook.sandbox._http import (
    ApiKey,
    add_status_route,
    create_response,
    file_url,
    invalid,
    lookup_run,
    new_task,
    run_language,
)
from camb_notebook.sandbox._media import make_segments, make_wav, pseudo_localize
from camb_notebook.sandbox._schemas import BulkRunIds, DubBody
from camb_notebook.sandbox._state import Task
from camb_notebook.sandbox.routers.transcription import (
    DataType,
    FormatType,
    register_transcripts,
    transcript_output,
)

__all__ = ["router"]

router = APIRouter(tags=["dubbing"])
add_status_route(router, "dub", "dubbing")
_AUDIO_EXTENSIONS = (".mp3", ".wav", ".flac", ".aac")
_MP4_HEADER = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
_SRT_NOISE = re.compile(r"^\s*(\d+|\d\d:\d\d:\d\d[,.]\d{3} --> .*)?\s*$")


def _srt_text(content: str) -> str:
    """Return the spoken lines of an SRT script joined into one text."""
    return " ".join(line.strip() for line in content.splitlines() if not _SRT_NOISE.match(line))


def _source_text(body: DubBody) -> str:
    """Return the source speech: the supplied SRT, or a canned description of the video."""
    if body.source_transcript is not None:
        return _srt_text(body.source_transcript.content)
    name = body.video_url.rstrip("/").rsplit("/", 1)[-1]
    return (
        f"Welcome to this sandbox dub of {name}. Every line here was produced locally. Thanks for watching."
    )


def _targets(body: DubBody) -> list[str]:
    """Return the requested target locales (422 if none, or if a target script names another language)."""
    targets = list(
        dict.fromkeys(body.target_languages or ([body.target_language] if body.target_language else []))
    )
    if not targets:
        raise invalid(("body", "target_languages"), "Provide target_language or target_languages")
    scripts = [t.language for t in body.target_transcripts or []]
    if len(set(scripts)) != len(scripts) or not set(scripts) <= set(targets):
        raise invalid(
            ("body", "target_transcripts"), "Target scripts must be unique and among the target languages"
        )
    return targets


@router.post("/dub")
async def create_dub(body: DubBody, request: Request, key: ApiKey) -> dict[str, str]:
    """Create a dubbing task for one or more target languages."""
    targets = _targets(body)
    text = _source_text(body)
    scripts = {t.language: _srt_text(t.content) for t in body.target_transcripts or []}
    task = new_task(request, "dubbing", key, cost=60 * len(targets), size=len(text))
    is_video = not body.video_url.lower().endswith(_AUDIO_EXTENSIONS)
    task.data.update(targets=targets, source=body.source_language, video=is_video, segments={})
    for locale in targets:
        spoken = scripts.get(locale) or pseudo_localize(text, locale)
        segments = make_segments(spoken)
        task.data["segments"][locale] = segments
        register_transcripts(task, segments, f"transcript-{locale}")
        wav = _wav_producer(spoken)
        task.files[f"dub-{locale}.wav"] = ("audio/wav", wav)
        if is_video:
            task.files[f"dub-{locale}.mp4"] = ("video/mp4", _mp4_producer(wav))
    return create_response(task)


def _wav_producer(text: str) -> Callable[[], bytes]:
    """Return a producer of the WAV speaking `text`."""
    return lambda: make_wav(text)


def _mp4_producer(wav: Callable[[], bytes]) -> Callable[[], bytes]:
    """Return a producer of a placeholder MP4 (an `ftyp` box before the WAV)."""
    return lambda: _MP4_HEADER + wav()


def _dub_result(request: Request, task: Task) -> dict[str, Any]:
    """Return the DubbingResult (or `{locale: DubbingResult}`) of a run."""
    results = {
        locale: {
            "audio_url": file_url(request, task, f"dub-{locale}.wav"),
            "video_url": file_url(request, task, f"dub-{locale}.mp4") if task.data["video"] else None,
            "transcript": task.data["segments"][locale],
        }
        for locale in task.data["targets"]
    }
    return next(iter(results.values())) if len(results) == 1 else results


@router.get("/dub-result/{run_id}")
async def dub_result(run_id: int, request: Request, key: ApiKey) -> dict[str, Any]:
    """Return the run's DubbingResult."""
    return _dub_result(request, lookup_run(request, key, run_id, ("dubbing",)))


@router.post("/dubbing-results")
async def dubbing_results(body: BulkRunIds, request: Request, key: ApiKey) -> dict[str, Any]:
    """Return `{"<run_id>": DubbingResult}`."""
    return {str(r): _dub_result(request, lookup_run(request, key, r, ("dubbing",))) for r in body.run_ids}


@router.get("/transcript/{run_id}/{language}")
async def dub_transcript(
    run_id: int,
    language: str,
    request: Request,
    key: ApiKey,
    format_type: FormatType | None = None,
    data_type: DataType | None = None,
) -> dict[str, str]:
    """Return `{"transcript": text-or-URL}` of one target language of a dubbing run."""
    task, locale = run_language(request, key, run_id, "dubbing", language, "targets", "transcript")
    segments = task.data["segments"][locale]
    return {
        "transcript": transcript_output(
            request, task, segments, f"transcript-{locale}", format_type, data_type
        )
    }
