"""Subtitle routes: `sub` (JSON, media_url), status, `sub-result/{run_id}[/{language}]`, `sub-results`, and
the dub exports `dub-alt-format/{run_id}/{language}` + `dub-alt-format/{task_id}`.

Subtitles come from the transcript emulation (a sandbox WAV is heard as its own text): the source track's cues
are its segments, and each target track is the same cues pseudo-localized, with the same timings. Without a
format parameter `sub-result/{run_id}` answers `{locale: [cues]}` for the source and every target; with
`format_type`/`data_type` it answers `{locale: text-or-URL}`; the one-language route answers
`{"transcript": ...}` like `transcription-result`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from camb_notebook.sandbox._http import (
    ApiKey,
    add_status_route,
    create_response,
    file_url,
    get_state,
    invalid,
    lookup_run,
    new_task,
    run_language,
    status_body,
)
from camb_notebook.sandbox._media import make_segments, pseudo_localize
from camb_notebook.sandbox._schemas import BulkRunIds, LanguageAny, TargetLanguage, _Meta
from camb_notebook.sandbox._state import Task
from camb_notebook.sandbox.routers.transcription import (
    DataType,
    FormatType,
    _heard_text,
    register_transcripts,
    transcript_output,
)

__all__ = ["router"]

router = APIRouter(tags=["subtitles"])
add_status_route(router, "sub", "subtitles")


class SubBody(_Meta):
    """`POST /sub` body (JSON; media by URL only)."""

    media_url: str = Field(min_length=1)
    source_language: LanguageAny
    target_languages: list[TargetLanguage] = Field(min_length=1)
    transcription_mode: Literal["fast", "slow"] | None = "fast"
    formatting_options: dict[str, Any] | None = None


class AltFormatBody(BaseModel):
    """`POST /dub-alt-format/{run_id}/{language}` body."""

    output_format: Literal["flac", "wav", "mp3", "aac", "m4a", "mkv", "mp4", "mov", "mxf"]


@router.post("/sub")
async def create_subtitles(body: SubBody, request: Request, key: ApiKey) -> dict[str, str]:
    """Create a subtitle task: a source track from the transcript emulation, one localized per target."""
    heard = _heard_text(request, None, body.media_url)
    name = body.media_url.rstrip("/").rsplit("/", 1)[-1]
    text = heard or f"This is a sandbox subtitle track of {name}. The sandbox cannot hear real audio."
    targets = list(dict.fromkeys(body.target_languages))
    task = new_task(request, "subtitles", key, cost=60 * len(targets), size=len(text))
    options = body.formatting_options or {}
    source = make_segments(text, max_chars=int(options.get("max_characters_in_segment") or 80))
    tracks = {body.source_language: source}
    for locale in targets:
        tracks[locale] = [{**cue, "text": pseudo_localize(str(cue["text"]), locale)} for cue in source]
    task.data["tracks"] = tracks
    for locale, cues in tracks.items():
        register_transcripts(task, cues, f"subtitles-{locale}")
    return create_response(task)


def _sub_result(request: Request, task: Task, fmt: str | None, data: str | None) -> dict[str, Any]:
    """Every track of a run: cues, or rendered text / file URLs when a format parameter is given."""
    tracks: dict[str, list[dict[str, Any]]] = task.data["tracks"]
    if fmt is None and data is None:
        return dict(tracks)
    return {
        locale: transcript_output(request, task, cues, f"subtitles-{locale}", fmt, data)
        for locale, cues in tracks.items()
    }


@router.get("/sub-result/{run_id}")
async def sub_result(
    run_id: int,
    request: Request,
    key: ApiKey,
    format_type: FormatType | None = None,
    data_type: DataType | None = None,
) -> dict[str, Any]:
    """Return `{locale: cues}` (or `{locale: text-or-URL}` with a format parameter) for every track."""
    task = lookup_run(request, key, run_id, ("subtitles",))
    return _sub_result(request, task, format_type, data_type)


@router.get("/sub-result/{run_id}/{language}")
async def sub_result_for_language(
    run_id: int,
    language: str,
    request: Request,
    key: ApiKey,
    format_type: FormatType | None = None,
    data_type: DataType | None = None,
) -> dict[str, Any]:
    """Return `{"transcript": cues}` (or text / a file URL with a format parameter) of one track."""
    task, locale = run_language(request, key, run_id, "subtitles", language, "tracks", "subtitles")
    tracks = task.data["tracks"]
    if format_type is None and data_type is None:
        return {"transcript": tracks[locale]}
    output = transcript_output(request, task, tracks[locale], f"subtitles-{locale}", format_type, data_type)
    return {"transcript": output}


@router.post("/sub-results")
async def sub_results(
    body: BulkRunIds,
    request: Request,
    key: ApiKey,
    format_type: Annotated[FormatType | None, Query()] = None,
    data_type: Annotated[DataType | None, Query()] = None,
) -> dict[str, Any]:
    """Return `{"<run_id>": <sub-result body>}` for 2–5 runs."""
    if not 2 <= len(set(body.run_ids)) <= 5:
        raise invalid(("body", "run_ids"), "Provide between 2 and 5 unique run IDs", body.run_ids)
    return {
        str(r): _sub_result(request, lookup_run(request, key, r, ("subtitles",)), format_type, data_type)
        for r in body.run_ids
    }


@router.post("/dub-alt-format/{run_id}/{language}")
async def create_alt_format(
    run_id: int, language: str, body: AltFormatBody, request: Request, key: ApiKey
) -> dict[str, str]:
    """Start exporting one dubbed language in another container; the status's message holds the file URL."""
    dub, locale = run_language(request, key, run_id, "dubbing", language, "targets", "dub")
    source = f"dub-{locale}.mp4" if f"dub-{locale}.mp4" in dub.files else f"dub-{locale}.wav"
    task = new_task(request, "dub_alt_format", key, cost=0, size=0)
    name = f"dub-{locale}.{body.output_format}"
    kind = "video" if body.output_format in ("mkv", "mp4", "mov", "mxf") else "audio"
    task.files[name] = (f"{kind}/{body.output_format}", dub.files[source][1])  # same placeholder bytes
    task.data["output_url"] = file_url(request, task, name)
    return create_response(task)


@router.get("/dub-alt-format/{task_id}")
async def alt_format_status(
    task_id: str, request: Request, key: ApiKey, run_id: int | None = None
) -> dict[str, Any]:
    """Return the export task's status; on SUCCESS `message` is `{"output_url": <file URL>}`."""
    body = status_body(request, key, task_id, ("dub_alt_format",))
    if body["status"] == "SUCCESS":
        body["message"] = {"output_url": get_state(request).tasks[task_id].data["output_url"]}
    return body
