"""The panel's media tabs: Speech (text, voice picker with filters, language), Transcribe (upload or URL),
Dub (URL, source, targets) and Story (.txt/.docx upload).

Each tab validates its inputs (raising `UsageError` for the inline message) and returns the session's Job at
once; the voice list loads on the engine's loop thread and lands through the dispatcher, so nothing blocks.
Main thread only. Usage: built by `Panel`.
"""

from __future__ import annotations

import concurrent.futures
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from camb_notebook.api import GENDER, GENDER_CHOICES, UsageError, Voice
from camb_notebook.widgets._forms import LanguagePicker, SubmitRow, TargetsPicker, field
from camb_notebook.widgets._voice_preview import VoicePreview

if TYPE_CHECKING:
    from camb_notebook.jobs import Job
    from camb_notebook.sessions import Camb

__all__ = ["DubTab", "SpeechTab", "StoryTab", "TranscribeTab", "uploaded"]

_GENDERS = (("any", None), *((name, GENDER[name]) for name in GENDER_CHOICES))


def uploaded(upload: w.FileUpload) -> tuple[str, bytes] | None:
    """The (file name, content) of a FileUpload's first file, if any."""
    files: Sequence[Any] = upload.value
    if not files:
        return None
    first = files[0]
    return str(first["name"]), bytes(first["content"])


async def _voices(session: Camb) -> list[Voice]:
    """Loop thread: the account's voices."""
    return list(await session.api.list_voices())


def _url(text: str) -> str:
    """A stripped http(s) URL, or `UsageError`."""
    url = text.strip()
    if not url.startswith(("http://", "https://")):
        raise UsageError("enter an http(s) URL" if url else "enter a URL")
    return url


class SpeechTab:
    """Text to speech: text, a voice from list-voices (filtered by gender and name, previewed), a language."""

    def __init__(self, session: Camb) -> None:
        """Build the form (the voice list loads when the tab is first opened)."""
        self.session = session
        self.voices: list[Voice] = []
        self.text = w.Textarea(placeholder="Text to speak", rows=3, layout=w.Layout(width="520px"))
        self.search = w.Text(placeholder="filter voices by name", layout=w.Layout(width="200px"))
        self.gender = w.Dropdown(options=_GENDERS, value=None, layout=w.Layout(width="110px"))
        self.voice = w.Dropdown(options=(), layout=w.Layout(width="260px"))
        self.preview = VoicePreview(session, self.voice, lambda: self.voices)
        self.voice_status = w.HTML("<span style='opacity:.7'>voices load when this tab opens</span>")
        self.language = LanguagePicker("en-us")
        self.submit = SubmitRow("Speak", self._submit)
        self.search.observe(lambda _c: self._filter(), names="value")
        self.gender.observe(lambda _c: self._filter(), names="value")
        filters = w.HBox([self.search, self.gender, self.voice_status], layout=w.Layout(align_items="center"))
        self.box = w.VBox(
            [
                field("Text", self.text),
                field("Voice", w.VBox([filters, w.HBox([self.voice, self.preview.box])])),
                field("Language", self.language.input),
                self.submit.box,
            ]
        )
        self._loading: concurrent.futures.Future[list[Voice]] | None = None

    def load_voices(self) -> None:
        """Fetch list-voices on the engine's loop thread; the options arrive on the main thread."""
        if self.voices or self._loading is not None:
            return
        manager = self.session.manager
        self.voice_status.value = "<span style='opacity:.7'>loading voices…</span>"
        self._loading = manager.loop.spawn(_voices(self.session))
        self._loading.add_done_callback(lambda fut: manager.dispatcher.post(self._voices_loaded, fut))

    def _voices_loaded(self, future: concurrent.futures.Future[list[Voice]]) -> None:
        """Main thread: fill the picker, or say why it could not be filled."""
        self._loading = None
        try:
            self.voices = list(future.result())
        except Exception as exc:  # shown inline; the user can reopen the tab to retry
            self.voice_status.value = (
                f"<span style='color:var(--jp-error-color1)'>{html.escape(str(exc))}</span>"
            )
            return
        self._filter()

    def _filter(self) -> None:
        """Show the voices matching the name filter and gender (keeping the choice when it still matches)."""
        needle = self.search.value.strip().casefold()
        gender = self.gender.value
        shown = [
            v for v in self.voices if needle in v.name.casefold() and (gender is None or v.gender == gender)
        ]
        current = self.voice.value
        self.voice.options = tuple((f"{v.name} (#{v.id})", v.id) for v in shown)
        ids = [v.id for v in shown]
        self.voice.value = current if current in ids else (ids[0] if ids else None)
        self.voice_status.value = f"<span style='opacity:.7'>{len(shown)} of {len(self.voices)} voices</span>"

    def _submit(self) -> Job:
        """Validate, then start the speech job."""
        text = self.text.value.strip()
        if not text:
            raise UsageError("enter some text to speak")
        if self.voice.value is None:
            raise UsageError("choose a voice" if self.voices else "the voice list has not loaded yet")
        language = self.language.language()
        return self.session.tts(text, voice=int(self.voice.value), language=language.locale)


class TranscribeTab:
    """Transcription of an uploaded file or a URL, in a given (or detected) language."""

    def __init__(self, session: Camb) -> None:
        """Build the form."""
        self.session = session
        self.upload = w.FileUpload(accept="audio/*,video/*", multiple=False)
        self.url = w.Text(placeholder="…or a media URL", layout=w.Layout(width="420px"))
        self.language = LanguagePicker("auto", allow_auto=True)
        self.submit = SubmitRow("Transcribe", self._submit)
        self.box = w.VBox(
            [
                field("Media", w.HBox([self.upload, self.url])),
                field("Language", self.language.input),
                self.submit.box,
            ]
        )

    def _submit(self) -> Job:
        """Validate (a file or a URL, not both), then start the transcription."""
        file = uploaded(self.upload)
        url = self.url.value.strip()
        if file is None and not url:
            raise UsageError("upload a file or enter a URL")
        if file is not None and url:
            raise UsageError("use either the uploaded file or the URL, not both")
        language = self.language.language().locale
        if file is not None:
            return self.session.transcribe(file[1], language=language, filename=file[0])
        return self.session.transcribe(_url(url), language=language)


class DubTab:
    """Dubbing of a video URL from a source into one or more targets."""

    def __init__(self, session: Camb) -> None:
        """Build the form."""
        self.session = session
        self.url = w.Text(placeholder="https://… video or audio URL", layout=w.Layout(width="420px"))
        self.source = LanguagePicker("en-us")
        self.targets = TargetsPicker()
        self.submit = SubmitRow("Dub", self._submit)
        self.box = w.VBox(
            [
                field("Video URL", self.url),
                field("From", self.source.input),
                field("To", self.targets.box),
                self.submit.box,
            ]
        )

    def _submit(self) -> Job:
        """Validate, then start the dubbing job."""
        url = _url(self.url.value)
        source = self.source.language().locale
        targets = [lang.locale for lang in self.targets.languages()]
        return self.session.dub(url, source=source, to=targets)


class StoryTab:
    """A story from an uploaded .txt or .docx file (its bytes are uploaded as they are), narrated."""

    def __init__(self, session: Camb) -> None:
        """Build the form."""
        self.session = session
        self.upload = w.FileUpload(accept=".txt,.docx", multiple=False)
        self.source = LanguagePicker("en-us")
        self.submit = SubmitRow("Create story", self._submit)
        self.box = w.VBox([field("File", self.upload), field("Language", self.source.input), self.submit.box])

    def _submit(self) -> Job:
        """Validate (a .txt/.docx file), then start the story job."""
        file = uploaded(self.upload)
        if file is None:
            raise UsageError("upload a .txt or .docx file")
        name, content = file
        if not name.lower().endswith((".txt", ".docx")):
            raise UsageError(f"{name!r} is not a .txt or .docx file")
        return self.session.story(content, language=self.source.language().locale, filename=name)
