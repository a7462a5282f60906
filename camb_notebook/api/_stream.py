"""Streaming answers (`tts-stream` audio, `translation/stream` text): async iterators that keep what arrived.

The request starts on the first `__anext__`; headers (`Content-Type`, `X-Credits-Required`) are available
from then on. A failure mid-stream raises one `CambError` and leaves `.chunks` and `.error` set.
Use on the event loop that iterates it. Usage: `async for chunk in api.tts_stream(...): ...`.
"""

from __future__ import annotations

import codecs
import json
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, Generic, TypeVar

import httpx

from camb_notebook.api._errors import CambError, InvalidResponseError
from camb_notebook.api._http import map_transport_error

__all__ = ["AudioStream", "TextStream"]

T = TypeVar("T")


def _credits(value: str | None) -> float | None:
    """The `X-Credits-Required` header as a number (None when absent or not numeric)."""
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class _Stream(ABC, Generic[T]):
    """Shared machinery: open lazily, record headers and chunks, map errors once."""

    def __init__(self, open_response: Callable[[], Awaitable[httpx.Response]], *, what: str) -> None:
        self._open = open_response
        self._what = what
        self._iterator: AsyncGenerator[T, None] | None = None
        self.chunks: list[T] = []
        self.content_type: str | None = None
        self.credits_required: float | None = None
        self.error: CambError | None = None
        self.done = False

    def __repr__(self) -> str:
        state = "failed" if self.error else "done" if self.done else "open"
        return f"<{type(self).__name__} {self._what}: {len(self.chunks)} chunks, {state}>"

    def __aiter__(self) -> _Stream[T]:
        return self

    async def __anext__(self) -> T:
        if self._iterator is None:
            self._iterator = self._run()
        return await self._iterator.__anext__()

    async def aclose(self) -> None:
        """Stop reading and release the connection."""
        if self._iterator is not None:
            await self._iterator.aclose()

    async def _run(self) -> AsyncGenerator[T, None]:
        """Open the response, then yield converted chunks until the end or an error."""
        try:
            response = await self._open()
        except CambError as exc:
            self.error = exc
            raise
        self.content_type = response.headers.get("content-type")
        self.credits_required = _credits(response.headers.get("x-credits-required"))
        try:
            async for raw in response.aiter_bytes():
                for item in self._convert(raw, final=False):
                    self.chunks.append(item)
                    yield item
            for item in self._convert(b"", final=True):
                self.chunks.append(item)
                yield item
            self.done = True
        except (httpx.HTTPError, httpx.StreamError) as exc:
            self.error = map_transport_error(
                exc, what=f"{self._what} (stream broke after {len(self.chunks)} chunks)"
            )
            raise self.error from exc
        except CambError as exc:
            self.error = exc
            raise
        finally:
            await response.aclose()

    @abstractmethod
    def _convert(self, raw: bytes, *, final: bool) -> list[T]:
        """Turn received bytes into zero or more items."""


class AudioStream(_Stream[bytes]):
    """Audio bytes from `tts-stream`, chunk by chunk; `.credits_required` from `X-Credits-Required`."""

    def _convert(self, raw: bytes, *, final: bool) -> list[bytes]:
        """Pass non-empty chunks through."""
        return [raw] if raw else []

    @property
    def audio(self) -> bytes:
        """All audio received so far."""
        return b"".join(self.chunks)

    async def read(self) -> bytes:
        """Read the stream to the end and return all audio."""
        async for _ in self:
            pass
        return self.audio


class TextStream(_Stream[str]):
    """Translated text from `translation/stream`, decoded incrementally (split UTF-8 is fine)."""

    def __init__(self, open_response: Callable[[], Awaitable[httpx.Response]], *, what: str) -> None:
        super().__init__(open_response, what=what)
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._json_buffer: bytearray | None = None

    def _convert(self, raw: bytes, *, final: bool) -> list[str]:
        """Decode text chunks; a JSON answer (the docs show a JSON string) is decoded whole at the end."""
        if self._json_buffer is None and (self.content_type or "").startswith("application/json"):
            self._json_buffer = bytearray()
        if self._json_buffer is not None:
            self._json_buffer += raw
            return [self._from_json(bytes(self._json_buffer))] if final else []
        text = self._decoder.decode(raw, final=final)
        return [text] if text else []

    def _from_json(self, body: bytes) -> str:
        """The text inside a JSON answer: a bare string, or a `text`/`translation` field."""
        try:
            data: Any = json.loads(body)
        except ValueError:
            raise InvalidResponseError(f"{self._what}: the JSON answer does not parse") from None
        if isinstance(data, dict):
            data = data.get("text", data.get("translation"))
        if not isinstance(data, str):
            raise InvalidResponseError(f"{self._what}: the JSON answer holds no text")
        return data

    @property
    def text(self) -> str:
        """All text received so far."""
        return "".join(self.chunks)

    async def read(self) -> str:
        """Read the stream to the end and return all text."""
        async for _ in self:
            pass
        return self.text
