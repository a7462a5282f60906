"""Catalog routes (`source-languages`, `target-languages`; voices are in `voices.py`) and the sandbox's own
`__sandbox__` routes: served files, stats, config patches and reset.

Stats, config and reset need a valid key like every API route (a sandbox may listen where others reach it);
served files do not: they stand for the presigned media URLs of the real API, which a browser loads as is."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response

from camb_notebook.sandbox._catalog import language_rows
from camb_notebook.sandbox._config import ConfigError, apply_patch
from camb_notebook.sandbox._http import ApiKey, SandboxError, get_state, invalid

__all__ = ["router"]

router = APIRouter()


@router.get("/source-languages", tags=["languages"])
async def source_languages(key: ApiKey) -> list[dict[str, Any]]:
    """Return every language as `{id, language, short_name}`."""
    return language_rows()


@router.get("/target-languages", tags=["languages"])
async def target_languages(key: ApiKey) -> list[dict[str, Any]]:
    """Return every language as `{id, language, short_name}`."""
    return language_rows()


@router.get("/__sandbox__/files/{run_id}/{name}", tags=["sandbox"])
async def sandbox_file(run_id: int, name: str, request: Request) -> Response:
    """Serve a file a run produced (audio, video, transcripts, dialogue) like a presigned URL."""
    task = get_state(request).runs.get(run_id)
    entry = task.files.get(name) if task else None
    if entry is None:
        raise SandboxError(404, "File not found")
    content_type, produce = entry
    return Response(produce(), media_type=content_type)


@router.get("/__sandbox__/stats", tags=["sandbox"])
async def sandbox_stats(request: Request, key: ApiKey) -> dict[str, Any]:
    """Return the counters as JSON."""
    return get_state(request).stats().to_dict()


@router.post("/__sandbox__/config", tags=["sandbox"])
async def sandbox_config(
    request: Request, key: ApiKey, patch: Annotated[dict[str, Any], Body()]
) -> dict[str, str]:
    """Patch the live config (e.g. `{"processing_time": {"tts": 0.1}}`); a bad field changes nothing (422)."""
    try:
        apply_patch(get_state(request).config, patch)
    except ConfigError as exc:
        raise invalid(("body", *exc.field.split(".")), str(exc), None) from None
    except ValueError as exc:  # unknown field names
        raise invalid(("body",), str(exc), sorted(patch)) from None
    return {"status": "ok"}


@router.post("/__sandbox__/reset", tags=["sandbox"])
async def sandbox_reset(request: Request, key: ApiKey) -> dict[str, str]:
    """Forget all tasks, counters and scripted faults."""
    get_state(request).reset()
    return {"status": "ok"}
