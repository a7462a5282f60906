"""Voice routes: `list-voices` (the built-in catalog plus the key's cloned voices), multipart
`create-custom-voice` (synchronous, `{"voice_id": int}`) and the sandbox-served samples of cloned voices."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile

from camb_notebook.sandbox._catalog import LOCALE_BY_ID
from camb_notebook.sandbox._http import ApiKey, SandboxError, get_state, invalid
from camb_notebook.sandbox._voices import add_voice, sample_of, voices_for

__all__ = ["router"]

router = APIRouter(tags=["voices"])
_MAX_SAMPLE = 20 * 1024 * 1024


@router.get("/list-voices")
async def list_voices(request: Request, key: ApiKey, run_id: int | None = None) -> list[dict[str, Any]]:
    """Return the sandbox's dozen voices and the voices this key cloned."""
    return voices_for(get_state(request), key)


@router.post("/create-custom-voice")
async def create_custom_voice(
    request: Request,
    key: ApiKey,
    voice_name: Annotated[str, Form(min_length=1)],
    gender: Annotated[int, Form()],
    file: Annotated[UploadFile, File()],
    description: Annotated[str | None, Form()] = None,
    age: Annotated[int | None, Form(ge=0, le=120)] = None,
    language: Annotated[int | None, Form()] = None,
    publish_voice_to_market_place: Annotated[bool | None, Form()] = None,
    enhance_audio: Annotated[bool | None, Form()] = None,
    run_id: int | None = None,
) -> dict[str, int]:
    """Clone a voice from the uploaded sample; it joins this key's `list-voices` at once."""
    if gender not in (0, 1, 2, 9):
        raise invalid(("body", "gender"), "gender must be 0, 1, 2 or 9", gender)
    if language is not None and language not in LOCALE_BY_ID:
        raise invalid(("body", "language"), f"Unknown language id {language}", language)
    sample = await file.read(_MAX_SAMPLE + 1)
    if not sample:
        raise invalid(("body", "file"), "The voice sample is empty")
    if len(sample) > _MAX_SAMPLE:
        raise SandboxError(413, "The voice sample is too large")
    fields = {
        "voice_name": voice_name,
        "gender": gender,
        "age": age,
        "language": language,
        "description": description,
        "transcript": None,
        "is_published": bool(publish_voice_to_market_place),
        "signed_url": None,
    }
    voice = add_voice(get_state(request), key, fields, sample, file.content_type or "audio/wav")
    voice["signed_url"] = f"{request.base_url}apis/__sandbox__/voice-samples/{voice['id']}"
    return {"voice_id": voice["id"]}


@router.get("/__sandbox__/voice-samples/{voice_id}", tags=["sandbox"])
async def voice_sample(voice_id: int, request: Request) -> Response:
    """Serve a cloned voice's sample like a presigned URL (no key needed)."""
    found = sample_of(get_state(request), voice_id)
    if found is None:
        raise SandboxError(404, "Voice sample not found")
    content_type, sample = found
    return Response(sample, media_type=content_type)
