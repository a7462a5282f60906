"""LiveStream: a `tts-stream` / `translation/stream` answer read on the engine loop, for the notebook.

`Camb.tts(..., stream=True)` and `Camb.translate(..., stream=True)` return one. Reading starts at once on the
`camb-loop` thread, so the kernel never blocks; iterate it for the chunks as they arrive, `await` it or call
`result()` for the whole value, or display it (a player or text that grows in place). A failure mid-stream
ends it with one error and keeps what arrived; a gone translation endpoint (404/410) falls back to a task.
Usage: `speech = camb.tts("Hi there", voice=20298, stream=True); speech` (or `for chunk in speech: ...`).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from camb_notebook.api import (
    AudioStream,
    CambError,
    EndpointGoneError,
    TextStream,
    TtsResult,
    resolve_language,
)
from camb_notebook.jobs import wait_future

if TYPE_CHECKING:
    from camb_notebook.api import ApiClient
    from camb_notebook.jobs import Job, JobManager

__all__ = ["LiveStream", "SpeechStream", "TranslationStream", "speech_stream", "translation_stream"]

C = TypeVar("C", str, bytes)
V = TypeVar("V")

_SLICE = 0.1  # seconds a blocked iteration waits between interrupt checks and redraws


class LiveStream(ABC, Generic[C, V]):
    """One stream being read on the engine loop: iterate (chunks), await / `result()` (value), or display."""

    stream: AudioStream | TextStream

    def __init__(
        self,
        manager: JobManager,
        stream: AudioStream | TextStream,
        *,
        label: str,
        fallback: Callable[[], Job] | None = None,
    ) -> None:
        """Start reading `stream` on the loop (`fallback` makes the job that replaces a gone endpoint)."""
        self.stream = stream
        self.label = label
        self.ttfb: float | None = None  # seconds from the start to the first chunk
        self.job: Job | None = None  # the fallback job, once the endpoint proved gone
        self._fallback = fallback
        self._arrived = threading.Condition()
        self._ended = False  # the loop finished reading (and the fallback job, if any, is final)
        self._settled = False  # ...and the main thread ran the listeners and done callbacks
        self._listeners: list[Callable[[], object]] = []
        self._callbacks: list[Callable[[LiveStream[C, V]], object]] = []
        self._dispatcher = manager.dispatcher
        self._dispatcher.capture()
        self._future = manager.loop.spawn(self._pump())

    def __repr__(self) -> str:
        """`<SpeechStream tts-stream: 3 chunks, done>`."""
        state = "failed" if self.error else "done" if self._ended else "receiving"
        return f"<{type(self).__name__} {self.label}: {len(self.stream.chunks)} chunks, {state}>"

    @property
    def error(self) -> BaseException | None:
        """The error that ended the stream (or its fallback job) early; what arrived before it is kept."""
        if self.job is not None:
            return self.job.error if self.job.done() else None
        return self.stream.error

    @property
    def chunks(self) -> list[C]:
        """The chunks received so far, in order."""
        return list(self.stream.chunks)  # type: ignore[arg-type]  # C matches the subclass's stream

    def done(self) -> bool:
        """True once the stream ended, its outcome is shown, and a fallback job (if any) is final."""
        return self._settled

    # -- loop thread ---------------------------------------------------------------------------------------

    async def _pump(self) -> None:
        """Read every chunk (timing the first), then run the fallback if the endpoint is gone."""
        started = time.monotonic()
        try:
            try:
                async for _ in self.stream:
                    if self.ttfb is None:
                        self.ttfb = time.monotonic() - started
                    self._changed()
            except CambError:
                pass  # kept on self.stream.error
            if self._fallback is not None and self._gone():
                self.job = self._fallback()
                self._changed()
                with contextlib.suppress(Exception):  # kept on job.error
                    await self.job
        finally:
            self._end()

    def _gone(self) -> bool:
        """Whether the stream ended because the endpoint is gone (404/410) before any chunk arrived."""
        return isinstance(self.stream.error, EndpointGoneError) and not self.stream.chunks

    def _changed(self) -> None:
        """Wake blocked iterations and ask the main thread to redraw (coalesced)."""
        with self._arrived:
            self._arrived.notify_all()
        self._dispatcher.post(self._redraw, key=("camb-stream", id(self)))

    def _end(self) -> None:
        """Mark reading over, wake iterations, and queue the main thread's final redraw and callbacks."""
        with self._arrived:
            self._ended = True
            self._arrived.notify_all()
        self._dispatcher.post(self._settle)

    # -- main thread ---------------------------------------------------------------------------------------

    def on_change(self, listener: Callable[[], object]) -> None:
        """Call `listener()` on the main thread after new chunks arrive and once when the stream is over."""
        self._listeners.append(listener)

    def _redraw(self) -> None:
        """Run the change listeners."""
        for listener in list(self._listeners):
            listener()

    def _settle(self) -> None:
        """Mark the stream settled, run the listeners a last time, then the done callbacks."""
        self._settled = True
        self._redraw()
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(self)

    def add_done_callback(self, fn: Callable[[LiveStream[C, V]], object]) -> None:
        """Call `fn(stream)` on the main thread when `done()` becomes true (at once if it is)."""
        if self._settled:
            fn(self)
        else:
            self._callbacks.append(fn)

    # -- user side -----------------------------------------------------------------------------------------

    def value(self) -> V:
        """The whole text or audio (raises the error that ended the stream early)."""
        if self.stream.error is not None:
            raise self.stream.error
        return self._complete()

    @abstractmethod
    def _complete(self) -> V:
        """The value made of every chunk."""

    def result(self, timeout: float | None = None) -> V:
        """Block (interruptibly, redrawing meanwhile) until the stream ends; return `value()`."""
        try:
            wait_future(self._future, timeout=timeout, idle=self._dispatcher.drain, cancel_on_interrupt=False)
        except KeyboardInterrupt:
            where = "above" if self._listeners else "in the background"
            raise KeyboardInterrupt(
                f"stopped waiting: the {self.label} stream keeps arriving {where}"
            ) from None
        self._dispatcher.drain()
        return self.value()

    def __await__(self) -> Generator[Any, None, V]:
        """`await stream` on any running loop (the kernel's included) for the whole value."""
        return self._wait_async().__await__()

    async def _wait_async(self) -> V:
        """Wait on the caller's loop (a cancelled wait leaves the stream reading)."""
        await asyncio.shield(asyncio.wrap_future(self._future))
        return self.value()

    def __iter__(self) -> Iterator[C]:
        """Yield the chunks as they arrive (redrawing meanwhile); then a fallback's text, or the error."""
        index = 0
        while True:
            with self._arrived:
                if index >= len(self.stream.chunks) and not self._ended:
                    self._arrived.wait(_SLICE)
                fresh, ended = self.chunks[index:], self._ended
            self._dispatcher.drain()
            index += len(fresh)
            yield from fresh
            if ended and index >= len(self.stream.chunks):
                break
        if self.job is not None or self.stream.error is not None:
            yield from self._tail()

    def _tail(self) -> list[C]:
        """After a failed stream: raise its error (TranslationStream yields a fallback job's text instead)."""
        self.result()
        return []

    # How a displayed stream is shown; the front (`camb_notebook.streams`) installs its live display here,
    # so this layer never imports the front.
    _display: Callable[[LiveStream[Any, Any]], object] | None = None

    @classmethod
    def display_with(cls, show: Callable[[LiveStream[Any, Any]], object]) -> None:
        """Make every displayed stream call `show(stream)` (the front's live display registers itself)."""
        LiveStream._display = show

    def _ipython_display_(self) -> None:
        """Show the stream growing in place (the front's display), else its one-line repr."""
        if LiveStream._display is not None:
            LiveStream._display(self)
            return
        from IPython.display import display

        display({"text/plain": repr(self)}, raw=True)


class SpeechStream(LiveStream[bytes, TtsResult]):
    """Speech from `tts-stream`: chunks are audio bytes; the value is a TtsResult."""

    stream: AudioStream

    def _complete(self) -> TtsResult:
        """All audio with its MIME type."""
        return TtsResult(audio=self.stream.audio, content_type=(self.stream.content_type or "").split(";")[0])


class TranslationStream(LiveStream[str, str]):
    """A translation from `translation/stream`: chunks are text; the value is the whole translation."""

    stream: TextStream
    restore: Callable[[str], str] | None = None  # puts masked placeholders back (sessions/_protect.py)

    def _complete(self) -> str:
        """All text."""
        return self.stream.text

    def value(self) -> str:
        """The whole translation: the streamed text, or the fallback job's (raises what ended either)."""
        if self.job is not None:
            return str(self.job.result().texts[0])
        text = super().value()
        return text if self.restore is None else self.restore(text)

    def _tail(self) -> list[str]:
        """After a failed stream: the fallback job's text as one chunk, else raise the stream's error."""
        text = self.result()
        return [text] if self.job is not None else []


def speech_stream(
    api: ApiClient,
    manager: JobManager,
    request: dict[str, Any],
    *,
    speech_model: str | None,
    output_format: str | None,
) -> SpeechStream:
    """Start streaming a checked tts request (`text`, `voice_id`, `language`) from `tts-stream`."""
    stream = api.tts_stream(
        request["text"],
        request["voice_id"],
        request["language"],
        speech_model=speech_model,
        output_format=output_format,
    )
    return SpeechStream(manager, stream, label="tts-stream")


def translation_stream(
    api: ApiClient, manager: JobManager, request: dict[str, Any], fallback: Callable[[], Job]
) -> TranslationStream:
    """Start streaming a checked one-text translation request; `fallback` submits it as a task instead."""
    stream = api.translation_stream(
        request["texts"][0],
        request["source_language"],
        request["target_language"],
        formality=request.get("formality"),
        gender=request.get("gender"),
    )
    label = f"translation → {resolve_language(request['target_language']).locale}"
    return TranslationStream(manager, stream, label=label, fallback=fallback)
