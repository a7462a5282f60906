"""Speech routes: legacy `tts` task flow with `tts-result` (raw WAV bytes or `file_url`) and `tts-results`,
and the streaming `tts-stream` (every documented output format, `X-Credits-Required`)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from camb_notebook.sandbox._http import (
    ApiKey,
    SandboxError,
    add_status_route,
    create_response,
    file_url,
    get_state,
    lookup_run,
    new_task,
)
from camb_notebook.sandbox._media import CONTENT_TYPES, encode_audio, make_wav
from camb_notebook.sandbox._schemas import BulkRunIds, TtsBody, TtsStreamBody
from camb_notebook.sandbox.routers._streaming import chunked, stream_response

__all__ = ["router"]

router = APIRouter(tags=["tts"])
add_status_route(router, "tts", "tts")
_SPEECH_RUNS = ("tts", "translated_tts")
_MODEL_RATES = {"mars-pro": 48000, "mars-8.1-pro-beta": 48000, "mars-8.1-flash-beta": 48000}


@router.post("/tts")
async def create_tts(body: TtsBody, request: Request, key: ApiKey) -> dict[str, str]:
    """Create a legacy TTS task whose result is a WAV speaking `text`."""
    task = new_task(request, "tts", key, cost=len(body.text), size=len(body.text))
    text = body.text
    task.data["speech"] = text
    task.files["speech.wav"] = ("audio/wav", lambda: make_wav(text))
    return create_response(task)


@router.get("/tts-result/{run_id}", response_model=None)
async def tts_result(
    run_id: int, request: Request, key: ApiKey, output_type: Literal["raw_bytes", "file_url"] = "raw_bytes"
) -> Response | dict[str, str]:
    """Return the run's WAV bytes, or `{"output_url": ...}` with `output_type=file_url`."""
    task = lookup_run(request, key, run_id, _SPEECH_RUNS)
    if output_type == "file_url":
        return {"output_url": file_url(request, task, "speech.wav")}
    return Response(make_wav(task.data["speech"]), media_type="audio/wav")


@router.post("/tts-results")
async def tts_results(body: BulkRunIds, request: Request, key: ApiKey) -> dict[str, Any]:
    """Return `{"<run_id>": {"output_url": ...}}`."""
    runs = {r: lookup_run(request, key, r, _SPEECH_RUNS) for r in body.run_ids}
    return {str(r): {"output_url": file_url(request, task, "speech.wav")} for r, task in runs.items()}


@router.post("/tts-stream")
async def tts_stream(body: TtsStreamBody, request: Request, key: ApiKey) -> StreamingResponse:
    """Stream audio for `text` in several chunks, with the format's Content-Type and `X-Credits-Required`."""
    state = get_state(request)
    if not state.charge(key, len(body.text)):
        raise SandboxError(402, "Insufficient credits for this request")
    fmt = body.output_configuration.format
    rate = body.output_configuration.sample_rate or _MODEL_RATES.get(body.speech_model, 22050)
    audio = encode_audio(body.text, fmt, rate)
    return stream_response(
        state, chunked(audio, state.config.stream_chunks), CONTENT_TYPES[fmt], len(body.text)
    )
