"""Chunked streaming responses with a configurable delay between chunks (tts-stream, translation/stream)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi.responses import StreamingResponse

from camb_notebook.sandbox._state import SandboxState

__all__ = ["chunked", "stream_response"]


def chunked(data: bytes, count: int) -> list[bytes]:
    """Split `data` into `count` roughly equal non-empty pieces (fewer if it is short)."""
    count = max(1, min(count, len(data) or 1))
    size = -(-len(data) // count)
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


def stream_response(
    state: SandboxState, pieces: list[bytes], media_type: str, credits: int
) -> StreamingResponse:
    """Stream `pieces`, sleeping `config.stream_chunk_delay` between them, with `X-Credits-Required`."""

    async def body() -> AsyncIterator[bytes]:
        for i, piece in enumerate(pieces):
            if i:
                await asyncio.sleep(state.config.stream_chunk_delay)
            yield piece

    return StreamingResponse(body(), media_type=media_type, headers={"X-Credits-Required": str(credits)})
