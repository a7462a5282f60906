"""Transcription routes: multipart `transcribe` (media_file or media_url, `formatting_options` as a JSON
string), status, `transcription-result(s)` with optional srt/vtt/txt rendering; a sandbox WAV transcribes
to its own text."""

from __future__ import annotations

import json
import math
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile

from camb_notebook.sandbox._catalog import resolve_language
from camb_notebook.sandbox._http import (
    ApiKey,
    SandboxError,
    add_status_route,
    create_response,
    file_url,
    get_state,
    invalid,
    lookup_run,
    new_task,
)
from camb_notebook.sandbox._media import make_segments, read_wav_text, render_transcript, wav_duration
from camb_notebook.sandbox._schemas import BulkRunIds
from camb_notebook.sandbox._state import Task

__all__ = ["register_transcripts", "router", "transcript_output"]

router = APIRouter(tags=["transcription"])
add_status_route(router, "transcribe", "transcription")
FormatType = Literal["txt", "srt", "vtt"]
DataType = Literal["raw_data", "file"]


def register_transcripts(task: Task, segments: list[dict[str, Any]], stem: str) -> None:
    """Keep `segments` on the task and serve them as `<stem>.txt|srt|vtt` files."""
    for fmt in ("txt", "srt", "vtt"):
        task.files[f"{stem}.{fmt}"] = ("text/plain; charset=utf-8", _renderer(segments, fmt))


def _renderer(segments: list[dict[str, Any]], fmt: str) -> Any:
    """Return a producer of the rendered transcript bytes."""
    return lambda: render_transcript(segments, fmt).encode("utf-8")


def transcript_output(
    request: Request, task: Task, segments: list[dict[str, Any]], stem: str, fmt: str | None, data: str | None
) -> str:
    """Render a transcript as raw text or a sandbox file URL (format defaults to txt, data type to file)."""
    fmt = fmt or "txt"
    if (data or "file") == "raw_data":
        return render_transcript(segments, fmt)
    return file_url(request, task, f"{stem}.{fmt}")


def _heard_text(request: Request, upload: bytes | None, name: str) -> str | None:
    """Return the text a sandbox WAV (uploaded, or served by this sandbox at `name`) carries."""
    if upload is not None:
        return read_wav_text(upload)
    own_files = f"{request.base_url}apis/__sandbox__/files/"
    if not name.startswith(own_files):
        return None
    run_id, _, file_name = name.removeprefix(own_files).partition("/")
    task = get_state(request).runs.get(int(run_id)) if run_id.isdigit() else None
    entry = task.files.get(file_name) if task else None
    return read_wav_text(entry[1]()) if entry else None


@router.post("/transcribe")
async def create_transcription(
    request: Request,
    key: ApiKey,
    language: Annotated[str, Form()],
    media_file: Annotated[UploadFile | None, File()] = None,
    file: Annotated[UploadFile | None, File()] = None,
    media_url: Annotated[str | None, Form()] = None,
    audio_url: Annotated[str | None, Form()] = None,
    transcription_mode: Annotated[Literal["fast", "slow"], Form()] = "fast",
    run_audio_cleaning: Annotated[bool, Form()] = True,
    include_music_in_fg: Annotated[bool, Form()] = True,
    formatting_options: Annotated[str | None, Form()] = None,
    project_name: Annotated[str | None, Form()] = None,
    project_description: Annotated[str | None, Form()] = None,
    folder_id: Annotated[int | None, Form()] = None,
) -> dict[str, str]:
    """Create a transcription task from an upload or a URL."""
    try:
        resolve_language(language)
    except ValueError as exc:
        raise invalid(("body", "language"), str(exc), language) from exc
    options = _formatting(formatting_options)
    upload = media_file or file
    url = media_url or audio_url
    if upload is None and not url:
        raise SandboxError(400, "Provide media_file or media_url")
    data = await upload.read() if upload is not None else None
    name = (upload.filename or "upload") if upload is not None else str(url)
    heard = _heard_text(request, data, name)
    text = (
        heard
        or f"This is a sandbox transcript of {name.rsplit('/', 1)[-1]}. The sandbox cannot hear real audio."
    )
    seconds = math.ceil(wav_duration(heard)) if heard else 60
    task = new_task(request, "transcription", key, cost=seconds, size=len(text))
    segments = make_segments(text, max_chars=int(options.get("max_characters_in_segment") or 80))
    task.data["segments"] = segments
    register_transcripts(task, segments, "transcript")
    return create_response(task)


def _formatting(raw: str | None) -> dict[str, Any]:
    """Parse the `formatting_options` JSON string (422 if it is not a JSON object)."""
    if raw is None:
        return {}
    try:
        options = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise invalid(
            ("body", "formatting_options"), "formatting_options must be a JSON object", raw
        ) from exc
    if not isinstance(options, dict):
        raise invalid(("body", "formatting_options"), "formatting_options must be a JSON object", raw)
    limit = options.get("max_characters_in_segment")
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10_000
    ):
        where = ("body", "formatting_options", "max_characters_in_segment")
        raise invalid(where, "max_characters_in_segment must be an integer from 1 to 10000", limit)
    return options


@router.get("/transcription-result/{run_id}")
async def transcription_result(
    run_id: int,
    request: Request,
    key: ApiKey,
    format_type: FormatType | None = None,
    data_type: DataType | None = None,
) -> dict[str, Any]:
    """Return `{"transcript": [segments]}`, or rendered text / a file URL when a format parameter is given."""
    task = lookup_run(request, key, run_id, ("transcription",))
    segments = task.data["segments"]
    if format_type is None and data_type is None:
        return {"transcript": segments}
    return {"transcript": transcript_output(request, task, segments, "transcript", format_type, data_type)}


@router.post("/transcription-results")
async def transcription_results(body: BulkRunIds, request: Request, key: ApiKey) -> dict[str, Any]:
    """Return `{"<run_id>": {"transcript": [segments]}}`."""
    return {
        str(r): {"transcript": lookup_run(request, key, r, ("transcription",)).data["segments"]}
        for r in body.run_ids
    }
