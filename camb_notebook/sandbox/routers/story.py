"""Story routes: multipart `story` (a .txt/.docx file, int `source_language` only), status, `story-result`
(audio and dialogue URLs served by the sandbox, transcript on request) and `stories-results`."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile

from camb_notebook.sandbox._catalog import resolve_language
from camb_notebook.sandbox._http import (
    ApiKey,
    add_status_route,
    create_response,
    file_url,
    invalid,
    lookup_run,
    new_task,
)
from camb_notebook.sandbox._media import make_segments, make_wav
from camb_notebook.sandbox._schemas import BulkRunIds
from camb_notebook.sandbox._state import Task

__all__ = ["router"]

router = APIRouter(tags=["story"])
add_status_route(router, "story", "story")
_SPEAKERS = ("Narrator", "Character 1", "Character 2")


@router.post("/story")
async def create_story(
    request: Request,
    key: ApiKey,
    file: Annotated[UploadFile, File()],
    source_language: Annotated[int, Form()],
    title: Annotated[str | None, Form(min_length=3, max_length=255)] = None,
    description: Annotated[str | None, Form(min_length=3, max_length=5000)] = None,
    narrator_voice_id: Annotated[int | None, Form()] = None,
    folder_id: Annotated[int | None, Form()] = None,
    chosen_dictionaries: Annotated[list[int] | None, Form()] = None,
) -> dict[str, str]:
    """Create a story task: the .txt text (or a placeholder for .docx) read aloud by a cast of speakers."""
    try:
        resolve_language(source_language, ids_only=True)
    except ValueError as exc:
        raise invalid(("body", "source_language"), str(exc), source_language) from exc
    name = (file.filename or "").lower()
    if not name.endswith((".txt", ".docx")):
        raise invalid(("body", "file"), "Story file must be a .txt or .docx document", file.filename)
    raw = await file.read()
    text = raw.decode("utf-8", errors="replace").strip() if name.endswith(".txt") else ""
    text = text or f"Once upon a time, a sandbox read {file.filename} aloud. The end."
    task = new_task(request, "story", key, cost=len(text), size=len(text))
    segments = make_segments(text, speakers=_SPEAKERS)
    task.data["segments"] = segments
    task.files["story.wav"] = ("audio/wav", lambda: make_wav(text))
    task.files["dialogue.json"] = ("application/json", lambda: json.dumps(segments).encode("utf-8"))
    return create_response(task)


def _story_result(request: Request, task: Task, include_transcript: bool) -> dict[str, Any]:
    """Return `{audio_url, dialogue_url[, transcript]}` of a story run."""
    body: dict[str, Any] = {
        "audio_url": file_url(request, task, "story.wav"),
        "dialogue_url": file_url(request, task, "dialogue.json"),
    }
    if include_transcript:
        body["transcript"] = task.data["segments"]
    return body


@router.get("/story-result/{run_id}")
async def story_result(
    run_id: int, request: Request, key: ApiKey, include_transcript: bool = False
) -> dict[str, Any]:
    """Return the run's story result."""
    return _story_result(request, lookup_run(request, key, run_id, ("story",)), include_transcript)


@router.post("/stories-results")
async def stories_results(body: BulkRunIds, request: Request, key: ApiKey) -> dict[str, Any]:
    """Return `{"<run_id>": story result}` (without transcripts)."""
    return {
        str(r): _story_result(request, lookup_run(request, key, r, ("story",)), False) for r in body.run_ids
    }
