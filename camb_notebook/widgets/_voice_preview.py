"""The Speech tab's Preview button: hear the chosen voice before speaking a whole text with it.

A voice with a sample URL (cloned voices have one) plays that sample; otherwise a short line is spoken with
the voice as a normal TTS job (result cached, so a second preview is free) and played when it lands. The
server's URL and texts are untrusted: only http(s) URLs are used, and everything shown is escaped.
Main thread only. Usage: `preview = VoicePreview(session, picker, lambda: voices)`; show `preview.box`.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from camb_notebook.api import TtsResult, Voice

if TYPE_CHECKING:
    from camb_notebook.jobs import Job
    from camb_notebook.sessions import Camb

__all__ = ["VoicePreview"]

_LINE = "Hello! This is how I sound."


def _player(src: str) -> str:
    """An autoplaying audio element for an escaped source."""
    return f"<audio controls autoplay src='{html.escape(src, quote=True)}' style='height:32px'></audio>"


def _note(text: str, error: bool = False) -> str:
    """A short escaped status line."""
    style = "color:var(--jp-error-color1)" if error else "opacity:.7"
    return f"<span style='{style}'>{html.escape(text)}</span>"


class VoicePreview:
    """A Preview button and the player it fills for the voice chosen in `picker`."""

    def __init__(self, session: Camb, picker: w.Dropdown, voices: Callable[[], list[Voice]]) -> None:
        """Bind to the session, the voice picker and the loaded voice list (read at each click)."""
        self.session = session
        self.picker = picker
        self.voices = voices
        self.button = w.Button(description="Preview", icon="play", layout=w.Layout(width="100px"))
        self.output = w.HTML()
        self.button.on_click(lambda _b: self.play())
        self.box = w.HBox([self.button, self.output], layout=w.Layout(align_items="center"))
        self.job: Job | None = None

    def play(self) -> None:
        """Play the chosen voice's sample, or speak a short line with it."""
        voice = next((v for v in self.voices() if v.id == self.picker.value), None)
        if voice is None:
            self.output.value = _note("choose a voice first")
            return
        url = voice.sample_url or ""
        if url.startswith(("http://", "https://")):
            self.output.value = _player(url)
            return
        self.output.value = _note(f"speaking a line as {voice.name}…")
        language = voice.language if voice.language is not None else "en-us"
        self.job = self.session.tts(_LINE, voice=voice.id, language=language)
        self.job.add_done_callback(self._spoken)

    def _spoken(self, job: Job) -> None:
        """Main thread: play the line, or say why there is none."""
        if job is not self.job:
            return  # an older preview finished after a newer click
        result = None if job.error is not None else job.result()
        if not isinstance(result, TtsResult):
            self.output.value = _note(f"no preview: {job.error or 'no audio came back'}", error=True)
            return
        data = base64.b64encode(result.audio).decode("ascii")
        self.output.value = _player(f"data:{result.content_type};base64,{data}")
