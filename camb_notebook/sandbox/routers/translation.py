"""Translation routes: `translate` task flow, `translation-result(s)`, the streaming `translation/stream`,
and `translated-tts` (its text comes from `translation-result`, its audio from `tts-result`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from camb_notebook.sandbox._http import (
    ApiKey,
    SandboxError,
    add_status_route,
    create_response,
    get_state,
    lookup_run,
    new_task,
)
from camb_notebook.sandbox._media import KEPT_TAG, make_wav, pseudo_localize
from camb_notebook.sandbox._schemas import (
    TranslateBody,
    TranslatedTtsBody,
    TranslationBulkRunIds,
    TranslationStreamBody,
)
from camb_notebook.sandbox.routers._streaming import stream_response

__all__ = ["router"]

router = APIRouter(tags=["translation"])
add_status_route(router, "translated-tts", "translated_tts")
add_status_route(router, "translate", "translation")
_TEXT_RUNS = ("translation", "translated_tts")


@router.post("/translate")
async def create_translation(body: TranslateBody, request: Request, key: ApiKey) -> dict[str, str]:
    """Create a translation task; the result is `pseudo_localize` of every text, same order and length."""
    chars = sum(len(t) for t in body.texts)
    task = new_task(request, "translation", key, cost=chars, size=chars, billed_as=body.target_language)
    terms = _terms(request, key, body.chosen_dictionaries, body.source_language, body.target_language)
    texts = [KEPT_TAG.sub("", t) for t in body.texts] if get_state(request).config.lose_tags else body.texts
    task.data["texts"] = [pseudo_localize(t, body.target_language, terms) for t in texts]
    return create_response(task)


def _terms(request: Request, key: str, ids: list[int] | None, source: str, target: str) -> dict[str, str]:
    """The source → target terms of the chosen dictionaries (none chosen: none)."""
    if not ids:
        return {}
    state = get_state(request)
    with state.lock:
        return state.dictionaries.terms_for(key, ids, source, target)


@router.get("/translation-result/{run_id}")
async def translation_result(run_id: int, request: Request, key: ApiKey) -> dict[str, Any]:
    """Return `{"texts": [...]}` of a translation or translated-tts run."""
    return {"texts": lookup_run(request, key, run_id, _TEXT_RUNS).data["texts"]}


@router.post("/translation-results")
async def translation_results(body: TranslationBulkRunIds, request: Request, key: ApiKey) -> dict[str, Any]:
    """Return `{"<run_id>": {"texts": [...]}}` for 2–5 runs."""
    return {str(r): {"texts": lookup_run(request, key, r, _TEXT_RUNS).data["texts"]} for r in body.run_ids}


@router.post("/translation/stream")
async def translation_stream(body: TranslationStreamBody, request: Request, key: ApiKey) -> StreamingResponse:
    """Stream the pseudo-localized text as UTF-8 chunks (split on character boundaries)."""
    state = get_state(request)
    if not state.charge(key, len(body.text), body.target_language):
        raise SandboxError(402, "Insufficient credits for this request")
    text = pseudo_localize(body.text, body.target_language)
    count = max(1, min(state.config.stream_chunks, len(text)))
    size = -(-len(text) // count)
    pieces = [text[i : i + size].encode("utf-8") for i in range(0, len(text), size)]
    return stream_response(state, pieces, "text/plain; charset=utf-8", len(body.text))


@router.post("/translated-tts")
async def create_translated_tts(body: TranslatedTtsBody, request: Request, key: ApiKey) -> dict[str, str]:
    """Create a translated-TTS task: pseudo-localized text plus a WAV speaking it."""
    chars = len(body.text)
    task = new_task(request, "translated_tts", key, cost=chars, size=chars, billed_as=body.target_language)
    text = pseudo_localize(body.text, body.target_language)
    task.data.update(texts=[text], speech=text)
    task.files["speech.wav"] = ("audio/wav", lambda: make_wav(text))
    return create_response(task)
