"""create_app: the sandbox FastAPI app, only wiring (routers under `/apis`, error handler, fault
middleware).

Usable in-process through `httpx.ASGITransport(app=create_app())` or served by `Sandbox`/the CLI.
"""

from __future__ import annotations

from fastapi import FastAPI

from camb_notebook.sandbox._config import SandboxConfig
from camb_notebook.sandbox._hostile import HostileMiddleware
from camb_notebook.sandbox._http import SandboxError, sandbox_error_handler
from camb_notebook.sandbox._middleware import FaultMiddleware
from camb_notebook.sandbox._state import SandboxState
from camb_notebook.sandbox._subtitles import router as subtitles_router
from camb_notebook.sandbox.routers import (
    dictionaries,
    dubbing,
    meta,
    speech,
    story,
    transcription,
    translation,
    voices,
)

__all__ = ["create_app"]


def create_app(config: SandboxConfig | None = None, *, state: SandboxState | None = None) -> FastAPI:
    """Return a sandbox app for `config` (or a shared `state`, which the thread server also sees)."""
    state = state or SandboxState(config or SandboxConfig())
    app = FastAPI(
        title="CAMB.AI API sandbox",
        description="Local emulator of the CAMB.AI REST API (sandbox output, no real processing).",
        openapi_url="/apis/openapi.json",
        docs_url="/apis/docs",
        redoc_url=None,
    )
    app.state.sandbox = state
    for module in (translation, speech, transcription, dubbing, story, meta, voices, dictionaries):
        app.include_router(module.router, prefix="/apis")
    app.include_router(subtitles_router, prefix="/apis")
    app.add_exception_handler(SandboxError, sandbox_error_handler)
    app.add_middleware(FaultMiddleware, state=state)
    app.add_middleware(HostileMiddleware, state=state)  # outermost: fault answers turn hostile too
    return app
