"""StreamDisplay: a LiveStream shown in the cell that displayed it, updated in place as chunks arrive.

Two outputs: a status line (chunks, bytes, time to first byte, credits, or one error line) and the body (the
growing text, or audio). WAV audio plays as it arrives through a widget (`LivePlayer`, no output scripts);
a plain player replaces it when the stream ends. The content type is the server's: only an allow-listed
(or sniffed) audio type reaches a player, and every text shown as HTML is escaped. A fallback job (the
translation endpoint was gone) shows its state, then its text. Main thread only. Usage: `StreamDisplay(live)`.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from camb_notebook.api import AudioStream, TextStream
from camb_notebook.streams._safe import audio_type

if TYPE_CHECKING:
    from camb_notebook.sessions._streams import LiveStream

__all__ = ["StreamDisplay"]

_UNPLAYABLE = ("audio/pcm",)


class StreamDisplay:
    """The status line and body of one displayed stream; redrawn on the main thread by the stream."""

    def __init__(self, live: LiveStream[Any, Any]) -> None:
        """Display both outputs now and follow the stream (or show its outcome, if it is over)."""
        from IPython.display import display

        self.live = live
        self._player: Any = None  # the LivePlayer widget, once WAV audio arrived
        self._finished = False  # the final outcome is shown
        self._following_job = False  # redrawn on the fallback job's changes too
        self._status = display(self._line("connecting…"), raw=True, display_id=True)
        self._body = display({"text/plain": ""}, raw=True, display_id=True)
        live.on_change(self.redraw)
        self.redraw()

    def _line(self, words: str) -> dict[str, str]:
        """A status-line bundle: label, words, and the time to first byte once known."""
        ttfb = self.live.ttfb
        first = f" · first byte after {ttfb * 1000:.0f} ms" if ttfb is not None else ""
        text = f"{self.live.label}: {words}{first}"
        return {"text/plain": text, "text/html": f"<code>{html.escape(text)}</code>"}

    def _progress_words(self) -> str:
        """How much has arrived, in chunks and bytes."""
        stream = self.live.stream
        size = f"{len(stream.audio)} bytes" if isinstance(stream, AudioStream) else ""
        return " · ".join(p for p in (f"{len(stream.chunks)} chunks", size) if p)

    def redraw(self) -> None:
        """Show what arrived so far, or (once) the outcome."""
        if self._finished:
            return
        live, stream = self.live, self.live.stream
        if live.job is not None:
            self._show_job()
        elif live.done():
            self._finish()
        elif stream.chunks:
            self._status.update(self._line(f"receiving · {self._progress_words()}"), raw=True)
            if isinstance(stream, TextStream):
                self._body.update({"text/plain": stream.text}, raw=True)
            else:
                self._play_new_audio(stream)

    def _play_new_audio(self, stream: AudioStream) -> None:
        """Give the live player every byte so far (it plays only the new tail); WAV only."""
        audio = stream.audio
        if audio_type(stream.content_type, audio[:4]) != "audio/wav":
            return
        if self._player is None:
            from camb_notebook.streams._player import LivePlayer

            self._player = LivePlayer(audio=bytes(audio))
            self._body.update(self._player)
        elif len(audio) > len(self._player.audio):
            self._player.audio = bytes(audio)

    def _show_job(self) -> None:
        """The endpoint was gone: show the fallback job's state, then its text or error."""
        job, live = self.live.job, self.live
        assert job is not None
        if not live.done():
            if not self._following_job:
                self._following_job = True
                job.on_change(lambda _job: self.redraw())
            self._status.update(self._line("the endpoint is gone; translating as a task instead"), raw=True)
            self._body.update({"text/plain": repr(job)}, raw=True)
            return
        self._finished = True
        words = (
            "done as a task" if job.error is None else f"task failed: {type(job.error).__name__}: {job.error}"
        )
        self._status.update(self._line(words), raw=True)
        self._body.update({"text/plain": live.value() if job.error is None else repr(job)}, raw=True)

    def _finish(self) -> None:
        """Show the outcome once: the text or player, credits, or one error line (keeping what arrived)."""
        self._finished = True
        stream = self.live.stream
        error, credits = stream.error, stream.credits_required
        words = "done" if error is None else f"stopped: {type(error).__name__}: {error}"
        extra = f" · {credits:g} credits" if credits is not None else ""
        self._status.update(self._line(f"{words} · {self._progress_words()}{extra}"), raw=True)
        self._body.update(self._final_bundle(), raw=True)

    def _final_bundle(self) -> dict[str, str]:
        """The final text, or an audio player for the audio that arrived."""
        stream = self.live.stream
        if isinstance(stream, TextStream):
            return {"text/plain": stream.text}
        audio = stream.audio
        kind = audio_type(stream.content_type, audio[:4])
        plain = {"text/plain": f"<{len(audio)} bytes of {kind or 'audio of an unknown type'}>"}
        if not audio or kind is None or kind in _UNPLAYABLE:
            return plain
        from IPython.display import Audio

        player = Audio(data=audio)
        player.mimetype = kind  # allow-listed: IPython writes it into the HTML unescaped
        return {**plain, "text/html": player._repr_html_()}
