"""Camb: the user-facing session (connection, engine); every task method returns a Job (or stream) at once.

Requests are built and checked before anything is submitted (bad input fails before a job exists); any thread
may call it. Usage: `camb = Camb(); job = camb.translate("Hello", to="fr-fr"); job.result()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from camb_notebook.api import ApiClient, ApiKey, UsageError, Voice
from camb_notebook.jobs import DEFAULTS, BatchJob, Job, JobManager, Settings, submit_direct, translation_batch
from camb_notebook.sessions import _requests as requests
from camb_notebook.sessions._catalogs import CatalogMethods
from camb_notebook.sessions._connection import Connection
from camb_notebook.sessions._datasets import DatasetMethods
from camb_notebook.sessions._dictionaries import DictionariesMixin
from camb_notebook.sessions._protect import ProtectionMixin, TranslateArgs, finish_job, take_quality
from camb_notebook.sessions._streams import SpeechStream, TranslationStream, speech_stream
from camb_notebook.sessions._subtitles import SubtitleMethods
from camb_notebook.sessions._voices import VoiceMethods

if TYPE_CHECKING:
    import pandas as pd
    from typing_extensions import Unpack

    from camb_notebook.jobs import Estimate, QualityArgs


__all__ = ["Camb"]


class Camb(SubtitleMethods, VoiceMethods, CatalogMethods, DatasetMethods, DictionariesMixin, ProtectionMixin):
    """A CAMB.AI session: submit tasks (each a Job), list and wait for jobs, resume after a kernel restart."""

    def __init__(
        self,
        *,
        api_key: str | ApiKey | None = None,
        base_url: str | None = None,
        home: str | Path | None = None,
        max_in_flight: int | None = DEFAULTS.max_in_flight,
        poll_cap: float = DEFAULTS.poll_cap,
        deadline: float | None = DEFAULTS.deadline,
        max_characters: int | None = DEFAULTS.max_characters,
        allow_insecure: bool = False,
    ) -> None:
        """Configure the session; the key is looked up (argument → CAMB_API_KEY → .env) on first use."""
        settings = Settings(max_in_flight, poll_cap, deadline, max_characters=max_characters)
        self._connection = Connection(api_key, base_url, allow_insecure=allow_insecure)
        self._manager = JobManager(self._connection, home=home)
        self._manager.apply(settings)

    def __repr__(self) -> str:
        """Endpoint, masked key and job count (never the key itself)."""
        return f"<Camb {self._connection.endpoint} key={self.key_status()} jobs={len(self._manager.jobs())}>"

    def __enter__(self) -> Camb:
        """Use the session as a context manager (closed on exit)."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the session."""
        self.close()

    @property
    def manager(self) -> JobManager:
        """The engine behind this session (limit, breaker, journal, cache)."""
        return self._manager

    @property
    def base_url(self) -> str | None:
        """The base URL given to this session (None: CAMB_API_BASE, else the real API)."""
        return self._connection.base_url

    @property
    def api(self) -> ApiClient:
        """The wire client (created on first use; use it on the engine's loop thread only)."""
        return self._connection.client

    @overload
    def translate(
        self,
        text_or_texts: str | Sequence[str],
        *,
        to: str | int,
        source: Any = ...,
        formality: str | int | None = ...,
        gender: str | int | None = ...,
        cache: bool = ...,
        stream: Literal[False] = ...,
        **quality: Unpack[QualityArgs],
    ) -> Job: ...

    @overload
    def translate(
        self,
        text_or_texts: str,
        *,
        to: str | int,
        source: Any = ...,
        formality: str | int | None = ...,
        gender: str | int | None = ...,
        cache: bool = ...,
        stream: Literal[True],
        **quality: Unpack[QualityArgs],
    ) -> TranslationStream: ...

    @overload
    def translate(
        self,
        text_or_texts: str | Sequence[object],
        *,
        to: list[str] | tuple[str, ...],
        source: Any = ...,
        formality: str | int | None = ...,
        gender: str | int | None = ...,
        cache: bool = ...,
        dry_run: Literal[False] = ...,
        **batch: Unpack[TranslateArgs],
    ) -> BatchJob[dict[str, list[str | None]]]: ...

    @overload
    def translate(
        self,
        text_or_texts: str | Sequence[object],
        *,
        to: list[str] | tuple[str, ...],
        source: Any = ...,
        formality: str | int | None = ...,
        gender: str | int | None = ...,
        cache: bool = ...,
        dry_run: Literal[True],
        **batch: Unpack[TranslateArgs],
    ) -> Estimate: ...

    def translate(
        self,
        text_or_texts: str | Sequence[object],
        *,
        to: Any,
        source: Any = "en-us",
        formality: str | int | None = None,
        gender: str | int | None = None,
        cache: bool = True,
        stream: bool = False,
        dry_run: bool = False,
        **batch: Unpack[TranslateArgs],
    ) -> Job | TranslationStream | BatchJob[Any] | Estimate:
        """Translate text(s); returns at once a Job for one target, a BatchJob for a list of targets.

        One target: one task holding every text; the Job's result is a TranslationResult. A list of targets
        (even of one): identical texts are sent once, in chunks of at most `chunk_size` texts / `max_chars`
        characters, at most `concurrency` tasks of this batch in flight (options: `jobs.BatchArgs`); the
        result is `{target: [translation or None per text]}`; `dry_run=True`: an Estimate, nothing sent.
        `stream=True` (one text, one target) reads `translation/stream`. Masking and QA: `jobs.QualityArgs`.
        """
        quality, rest = take_quality(batch)
        if not isinstance(to, (str, int)):
            if stream:
                raise UsageError("stream=True takes one target language", hint='Pass to="fr-fr"')
            texts = [text_or_texts] if isinstance(text_or_texts, str) else text_or_texts
            return translation_batch(
                self._manager,
                texts,
                to=list(to),
                source=source,
                formality=formality,
                gender=gender,
                cache=cache,
                dry_run=dry_run,
                **rest,
                **self.quality_arguments(texts, source, quality),
            )
        if batch or dry_run:
            raise UsageError(
                f"{', '.join([*batch, *(['dry_run'] if dry_run else [])])} apply to batches",
                hint='Pass the targets as a list, e.g. to=["fr-fr"]',
            )
        request = requests.translation_request(text_or_texts, to, source, formality, gender)  # type: ignore[arg-type]
        if stream:
            if len(request["texts"]) != 1:
                raise UsageError("translate(stream=True) takes one text", hint="Drop stream=True for a list")
            self.require_key()
        request, finish = self._protect_request(request, stream=stream, **quality)
        if stream:
            return self._protected_stream(request, finish, cache)
        return finish_job(self._submit("translation", request, cache), finish)

    @overload
    def tts(
        self,
        text: str,
        *,
        voice: int | Voice,
        language: Any = ...,
        cache: bool = ...,
        stream: Literal[False] = ...,
    ) -> Job: ...

    @overload
    def tts(
        self,
        text: str,
        *,
        voice: int | Voice,
        language: Any = ...,
        stream: Literal[True],
        speech_model: str | None = ...,
        output_format: str | None = ...,
    ) -> SpeechStream: ...

    def tts(
        self,
        text: str,
        *,
        voice: int | Voice,
        language: Any = "en-us",
        cache: bool = True,
        stream: bool = False,
        speech_model: str | None = None,
        output_format: str | None = None,
    ) -> Job | SpeechStream:
        """Speak `text` with a voice (id or Voice); returns the Job at once.

        Both read `tts-stream` (the `tts` task route is deprecated): whole as a Job, or with `stream=True`
        (maybe with `speech_model`/`output_format`) as a SpeechStream at once.
        """
        request = self._tts_request(
            text, voice, language, stream=stream, stream_only=speech_model or output_format
        )
        if stream:
            self.require_key()
            return speech_stream(
                self.api, self._manager, request, speech_model=speech_model, output_format=output_format
            )
        return submit_direct(self._manager, "tts", request, self._connection.speak, cache)

    def translated_tts(self, text: str, *, voice: int | Voice, to: Any, source: Any = "en-us") -> Job:
        """Translate `text` and speak the translation; returns the Job at once."""
        return self._submit("translated_tts", self._translated_tts_request(text, voice, to, source), True)

    def transcribe(self, media: str | Path | bytes, *, language: Any, filename: str | None = None) -> Job:
        """Transcribe a media URL, file path or bytes (`filename` names bytes); returns the Job at once."""
        return self._submit("transcription", requests.transcription_request(media, language, filename), True)

    def dub(self, url: str, *, source: Any, to: Any) -> Job:
        """Dub the video/audio at `url` into one or several languages; returns the Job at once."""
        return self._submit("dubbing", requests.dubbing_request(url, source, to), True)

    def story(
        self,
        source: str | Path | bytes,
        *,
        language: Any,
        title: str | None = None,
        filename: str | None = None,
    ) -> Job:
        """Narrate a .txt/.docx story (a file path, or its bytes with `filename`); returns the Job at once."""
        return self._submit("story", requests.story_request(source, language, title, filename), True)

    def _submit(self, family: str, request: dict[str, Any], cache: bool) -> Job:
        """Hand a built request to the engine."""
        return self._manager.submit(family, request, cache=cache)

    def jobs(self) -> pd.DataFrame:
        """This session's jobs as a DataFrame (one row per job, newest last)."""
        from camb_notebook.sessions._tables import jobs_frame

        return jobs_frame(self._manager.registry.user_jobs())  # a batch is one row

    def get_job(self, id_or_prefix: str) -> Job:
        """A job by id or unique prefix (this session, then the journal of earlier ones)."""
        return self._manager.get(id_or_prefix)

    def wait(self, jobs: Job | Sequence[Job] | None = None, timeout: float | None = None) -> list[Job]:
        """Block until the jobs (default: all unfinished) are final, applying progress events meanwhile."""
        targets = [jobs] if isinstance(jobs, Job) else jobs
        return self._manager.wait(targets, timeout)

    def cancel(self, job: Job | str, reason: str | None = None) -> int:
        """Stop local polling of a job (object or id) or of "all"; returns how many were cancelled."""
        if job == "all":
            return self._manager.cancel_all(reason)
        target = job if isinstance(job, Job) else self.get_job(job)
        return int(target.cancel(reason))

    def resume(self) -> list[Job]:
        """Reattach unfinished jobs of earlier (dead) kernels from the journal; never creates a task."""
        return self._manager.resume()

    def languages(self, query: str | None = None) -> pd.DataFrame:
        """The bundled language catalog (id, locale, name), optionally searched by name or tag."""
        from camb_notebook.sessions._tables import languages_frame

        return languages_frame(query)

    def voices(self, query: str | None = None) -> pd.DataFrame:
        """The account's voices from the API, optionally filtered by a name/description substring."""
        from camb_notebook.sessions._tables import voices_frame

        return voices_frame(self.voice_list(refresh=True), query)

    def require_key(self, hint: str | None = None) -> None:
        """Raise MissingKeyError (with `hint`, else the default one) unless an API key can be found."""
        self._connection.require_key(hint)

    def key_status(self) -> str:
        """Where the key comes from, masked (never the key)."""
        return self._connection.key_status()

    def set_key(self, key: str | ApiKey) -> None:
        """Use another API key for new requests (running polls finish with the old one)."""
        self._connection.set_key(key)

    def close(self) -> None:
        """Stop polling (unfinished jobs stay resumable), close HTTP clients and the journal."""
        self._manager.close()
