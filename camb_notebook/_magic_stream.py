"""`%camb translate --stream` and `%camb tts --stream`: read an API stream on the engine loop, show it grow.

The stream is read on the `camb-loop` thread; each arrival posts a coalesced redraw to the main thread, which
updates two outputs in place (a status line with the time to first byte, and the text or audio). Audio plays
as it arrives where the frontend runs output scripts (JupyterLab; `_stream_player.js`, WAV only); a plain
player replaces it when the stream ends. A failure mid-stream ends it with one line and keeps what arrived.
Create and read on the main thread. Usage: `StreamView(session, stream)`.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import time
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING, Any

from camb_notebook._magic_session import plain
from camb_notebook.api import AudioStream, CambError, EndpointGoneError, TextStream, TtsResult
from camb_notebook.jobs._loop import wait_future

if TYPE_CHECKING:
    from camb_notebook._session import Camb
    from camb_notebook.jobs import Job

__all__ = ["StreamView"]

_UNPLAYABLE = ("audio/pcm", "application/octet-stream")


@functools.cache
def _player_js() -> str:
    """The live player script (a function expression; each update calls it with the new bytes)."""
    return resources.files("camb_notebook").joinpath("_stream_player.js").read_text(encoding="utf-8")


class StreamView:
    """One running stream shown in the cell that started it; `result()` blocks, `add_done_callback` waits."""

    def __init__(
        self,
        session: Camb,
        stream: AudioStream | TextStream,
        *,
        label: str,
        fallback: Callable[[], Job] | None = None,
    ) -> None:
        """Show the outputs and start reading `stream` on the loop (`fallback` replaces a gone endpoint)."""
        from IPython.display import display

        self.stream = stream
        self.label = label
        self.ttfb: float | None = None
        self.job: Job | None = None
        self._fallback = fallback
        self._pushed = 0  # audio bytes handed to the live player so far
        self._finished = False  # the stream ended and its outcome is shown
        self._settled = False  # ...and the fallback job, if any, is final too
        self._callbacks: list[Callable[[StreamView], object]] = []
        self._dispatcher = session.manager.dispatcher
        self._dispatcher.capture()
        self._status = display(self._line("connecting…"), raw=True, display_id=True)
        self._body = display({"text/plain": ""}, raw=True, display_id=True)
        self._future = session.manager.loop.spawn(self._pump())

    @property
    def error(self) -> CambError | None:
        """The error that ended the stream early (what arrived before it is kept)."""
        return self.stream.error

    async def _pump(self) -> None:
        """Loop thread: read every chunk, timing the first, and ask the main thread to redraw."""
        started = time.monotonic()
        try:
            async for _ in self.stream:
                if self.ttfb is None:
                    self.ttfb = time.monotonic() - started
                self._dispatcher.post(self._redraw, key=("camb-stream", id(self)))
        except CambError:
            pass  # kept on self.stream.error, shown by _finish
        finally:
            self._dispatcher.post(self._finish)

    # -- main thread ---------------------------------------------------------------------------------------

    def _line(self, words: str) -> dict[str, str]:
        """A status-line bundle: label, words, and the time to first byte once known."""
        first = f" · first byte after {self.ttfb * 1000:.0f} ms" if self.ttfb is not None else ""
        text = f"{self.label}: {words}{first}"
        return {"text/plain": text, "text/html": f"<code>{html.escape(text)}</code>"}

    def _progress_words(self) -> str:
        """How much has arrived, in chunks and bytes or characters."""
        size = f"{len(self.stream.audio)} bytes" if isinstance(self.stream, AudioStream) else ""
        return " · ".join(p for p in (f"{len(self.stream.chunks)} chunks", size) if p)

    def _redraw(self) -> None:
        """Show what arrived so far (the growing text, or the byte count for audio)."""
        if self._finished:
            return
        self._status.update(self._line(f"receiving · {self._progress_words()}"), raw=True)
        if isinstance(self.stream, TextStream):
            self._body.update({"text/plain": self.stream.text}, raw=True)
        else:
            self._play_new_audio(self.stream)

    def _play_new_audio(self, stream: AudioStream) -> None:
        """Hand the bytes that arrived since the last update to the live player (one output update each)."""
        audio = stream.audio
        if (stream.content_type or "").split(";")[0] != "audio/wav" or len(audio) <= self._pushed:
            return
        fresh = base64.b64encode(audio[self._pushed :]).decode("ascii")
        self._pushed, seq = len(audio), self._pushed
        args = ", ".join(json.dumps(value) for value in (self._body.display_id, seq, fresh))
        bundle = {"text/plain": f"<{len(audio)} bytes of audio/wav, playing as they arrive>"}
        self._body.update({**bundle, "text/html": f"<script>{_player_js()}({args});</script>"}, raw=True)

    def _finish(self) -> None:
        """Show the outcome once: the text or player, credits, or one error line (keeping what arrived)."""
        if self._finished:
            return
        self._finished = True
        error = self.stream.error
        if isinstance(error, EndpointGoneError) and not self.stream.chunks and self._fallback is not None:
            self._status.update(self._line("the endpoint is gone; translating as a task instead"), raw=True)
            self.job = self._fallback()
            self.job.add_done_callback(lambda _job: self._settle())
            return
        credits = self.stream.credits_required
        words = "done" if error is None else f"stopped: {type(error).__name__}: {error}"
        extra = f" · {credits:g} credits" if credits is not None else ""
        self._status.update(self._line(f"{words} · {self._progress_words()}{extra}"), raw=True)
        self._body.update(self._final_bundle(), raw=True)
        self._settle()

    def _settle(self) -> None:
        """Mark the view final and run the done callbacks (main thread)."""
        self._settled = True
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(self)

    def _final_bundle(self) -> dict[str, str]:
        """The final text, or an audio player for the audio that arrived."""
        if isinstance(self.stream, TextStream):
            return {"text/plain": self.stream.text}
        audio, kind = self.stream.audio, (self.stream.content_type or "").split(";")[0]
        plain = {"text/plain": f"<{len(audio)} bytes of {kind or 'audio'}>"}
        if not audio or kind in _UNPLAYABLE:
            return plain
        from IPython.display import Audio

        player = Audio(data=audio)
        player.mimetype = kind
        return {**plain, "text/html": player._repr_html_()}

    def value(self) -> Any:
        """What `-o` stores: the text, or a TtsResult with the audio (raises the stream's error)."""
        if self.job is not None:
            return plain(self.job.result())
        if self.stream.error is not None:
            raise self.stream.error
        if isinstance(self.stream, TextStream):
            return self.stream.text
        return TtsResult(audio=self.stream.audio, content_type=(self.stream.content_type or "").split(";")[0])

    def done(self) -> bool:
        """True once the stream ended, its outcome is shown, and a fallback job (if any) is final."""
        return self._settled

    def add_done_callback(self, fn: Callable[[StreamView], object]) -> None:
        """Call `fn(view)` on the main thread when `done()` becomes true (at once if it is)."""
        if self._settled:
            fn(self)
        else:
            self._callbacks.append(fn)

    def result(self) -> Any:
        """Block (interruptibly, redrawing meanwhile) until the stream ends; return `value()`."""
        try:
            wait_future(self._future, idle=self._dispatcher.drain, cancel_on_interrupt=False)
        except KeyboardInterrupt:
            raise KeyboardInterrupt(
                f"stopped waiting: the {self.label} stream keeps arriving above"
            ) from None
        self._dispatcher.drain()
        if self.job is not None:
            self.job.result()
        return self.value()
