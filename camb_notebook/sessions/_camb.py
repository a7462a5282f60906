"""Camb: the user-facing session (config, ApiClient, JobManager); every task method returns a Job at once.

Languages are resolved before anything is submitted, so bad input fails before a job exists. `session()`
gives a lazy process-wide default, using an in-process sandbox when `CAMB_SANDBOX=1` or after `use_sandbox()`.
Call from the main thread (or any thread); the work runs on the engine's loop thread.
Usage: `camb = Camb(); job = camb.translate("Hello", to="fr-fr"); job.result()`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from camb_notebook.api import (
    CATALOG,
    FORMALITY,
    GENDER,
    ApiClient,
    ApiKey,
    MissingKeyError,
    UsageError,
    Voice,
    option_code,
    resolve_api_key,
    resolve_language,
    search_languages,
)
from camb_notebook.jobs import BatchJob, Errors, Job, JobManager, PollPolicy, translation_batch
from camb_notebook.sessions._lazy_api import LazyApi
from camb_notebook.sessions._requests import (
    URL_PREFIXES,
    media_fields,
    non_empty,
    story_fields,
    text_list,
    voice_id,
)
from camb_notebook.sessions._streams import SpeechStream, TranslationStream, speech_stream, translation_stream
from camb_notebook.sessions._tables import jobs_frame

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["Camb"]


class Camb:
    """A CAMB.AI session: submit tasks (each a Job), list and wait for jobs, resume after a kernel restart."""

    def __init__(
        self,
        *,
        api_key: str | ApiKey | None = None,
        base_url: str | None = None,
        home: str | Path | None = None,
        max_in_flight: int = 32,
        poll_cap: float = 10.0,
        deadline: float | None = 900.0,
    ) -> None:
        """Configure the session; the key is looked up (argument → CAMB_API_KEY → .env) on first use."""
        self._key = None if api_key is None else ApiKey(api_key)
        self.base_url = base_url
        self._api: ApiClient | None = None
        self._retired: list[ApiClient] = []
        self._manager = JobManager(
            LazyApi(lambda: self.api, lambda: self._api),
            home=home,
            max_in_flight=max_in_flight,
            policy=PollPolicy(cap=poll_cap, deadline=deadline),
        )

    def __repr__(self) -> str:
        """Endpoint, masked key and job count (never the key itself)."""
        where = self.base_url or os.environ.get("CAMB_API_BASE") or "https://client.camb.ai/apis"
        return f"<Camb {where} key={self.key_status()} jobs={len(self._manager.jobs())}>"

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
    def api(self) -> ApiClient:
        """The wire client (created on first use; use it on the engine's loop thread only)."""
        if self._api is None:
            self._api = ApiClient(api_key=self._key, base_url=self.base_url)
        return self._api

    # -- tasks ---------------------------------------------------------------------------------------------

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
        chunk_size: int | None = ...,
        max_chars: int | None = ...,
        concurrency: int | None = ...,
        errors: Errors = ...,
    ) -> BatchJob[dict[str, list[str | None]]]: ...

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
        chunk_size: int | None = None,
        max_chars: int | None = None,
        concurrency: int | None = None,
        errors: Errors = "raise",
    ) -> Job | TranslationStream | BatchJob[Any]:
        """Translate text(s); returns at once a Job for one target, a BatchJob for a list of targets.

        One target: one task holding every text; the Job's result is a TranslationResult. A list of targets
        (even of one): identical texts are sent once, in chunks of at most `chunk_size` texts / `max_chars`
        characters, at most `concurrency` tasks of this batch in flight; the result is `{target: [translation
        or None per text]}`. `stream=True` (one text, one target) reads `translation/stream` instead and
        returns a TranslationStream at once; if that deprecated endpoint is gone it falls back to a Job.
        """
        formality_code = option_code("formality", formality, FORMALITY)
        gender_code = option_code("gender", gender, GENDER)
        if not isinstance(to, (str, int)):
            if stream:
                raise UsageError("stream=True takes one target language", hint='Pass to="fr-fr"')
            texts = [text_or_texts] if isinstance(text_or_texts, str) else text_or_texts
            return translation_batch(
                self._manager,
                texts,
                to=list(to),
                source=source,
                chunk_size=chunk_size,
                max_chars=max_chars,
                concurrency=concurrency,
                formality=formality_code,
                gender=gender_code,
                cache=cache,
                errors=errors,
            )
        if (chunk_size, max_chars, concurrency, errors) != (None, None, None, "raise"):
            raise UsageError(
                "chunk_size, max_chars, concurrency and errors apply to batches",
                hint='Pass the targets as a list, e.g. to=["fr-fr"]',
            )
        texts = text_list(text_or_texts)  # type: ignore[arg-type]
        request = {
            "texts": texts,
            "source_language": resolve_language(source, allow_auto=True).wire_value,
            "target_language": resolve_language(to).wire_value,
            "formality": formality_code,
            "gender": gender_code,
        }
        if stream:
            if len(texts) != 1:
                raise UsageError("translate(stream=True) takes one text", hint="Drop stream=True for a list")
            self.require_key()
            return translation_stream(
                self.api, self._manager, request, lambda: self._submit("translation", request, cache)
            )
        return self._submit("translation", request, cache)

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

        `stream=True` reads `tts-stream` instead (optionally with `speech_model` / `output_format`) and
        returns a SpeechStream at once: iterate it for audio chunks, await it, or display it to play it.
        """
        request = {
            "text": non_empty(text),
            "voice_id": voice_id(voice),
            "language": resolve_language(language).wire_value,
        }
        if stream:
            self.require_key()
            return speech_stream(
                self.api, self._manager, request, speech_model=speech_model, output_format=output_format
            )
        if speech_model or output_format:
            raise UsageError(
                "speech_model and output_format apply to streamed speech", hint="Pass stream=True"
            )
        return self._submit("tts", request, cache)

    def translated_tts(self, text: str, *, voice: int | Voice, to: Any, source: Any = "en-us") -> Job:
        """Translate `text` and speak the translation; returns the Job at once."""
        request = {
            "text": non_empty(text),
            "voice_id": voice_id(voice),
            "source_language": resolve_language(source, allow_auto=True).wire_value,
            "target_language": resolve_language(to).wire_value,
        }
        return self._submit("translated_tts", request, True)

    def transcribe(self, media: str | Path | bytes, *, language: Any) -> Job:
        """Transcribe a media URL, file path or bytes; returns the Job at once."""
        request = {"language": resolve_language(language, allow_auto=True).wire_value, **media_fields(media)}
        return self._submit("transcription", request, True)

    def dub(self, url: str, *, source: Any, to: Any) -> Job:
        """Dub the video/audio at `url` into one or several languages; returns the Job at once."""
        if not isinstance(url, str) or not url.startswith(URL_PREFIXES):
            raise UsageError(f"dub() needs an http(s) URL, got {url!r}")
        targets = [to] if isinstance(to, (str, int)) else list(to)
        if not targets:
            raise UsageError("dub() needs at least one target language")
        request = {
            "video_url": url,
            "source_language": resolve_language(source, allow_auto=True).wire_value,
            "target_languages": [resolve_language(t).wire_value for t in targets],
        }
        return self._submit("dubbing", request, True)

    def story(
        self,
        source: str | Path | bytes,
        *,
        language: Any,
        title: str | None = None,
        filename: str | None = None,
    ) -> Job:
        """Narrate a .txt/.docx story (a file path, or its bytes with `filename`); returns the Job at once."""
        request = {
            "source_language": resolve_language(language).id,
            "title": title,
            **story_fields(source, filename),
        }
        return self._submit("story", request, True)

    def _submit(self, family: str, request: dict[str, Any], cache: bool) -> Job:
        """Drop unset fields and hand the request to the engine."""
        return self._manager.submit(family, {k: v for k, v in request.items() if v is not None}, cache=cache)

    # -- jobs ----------------------------------------------------------------------------------------------

    def jobs(self) -> pd.DataFrame:
        """This session's jobs as a DataFrame (one row per job, newest last)."""
        return jobs_frame(self._manager.jobs())

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

    # -- catalog and key -----------------------------------------------------------------------------------

    def languages(self, query: str | None = None) -> pd.DataFrame:
        """The bundled language catalog (id, locale, name), optionally searched by name or tag."""
        import pandas as pd

        found = CATALOG.languages if query is None else search_languages(query, limit=len(CATALOG))
        return pd.DataFrame([(x.id, x.locale, x.name) for x in found], columns=["id", "locale", "name"])

    def voices(self, query: str | None = None) -> pd.DataFrame:
        """The account's voices from the API, optionally filtered by a name/description substring."""
        import pandas as pd

        voices: list[Voice] = self._manager.loop.run_sync(self._list_voices)
        rows = [v.to_dict() for v in voices]
        if query:
            needle = query.casefold()
            rows = [r for r in rows if needle in f"{r['name']} {r['description'] or ''}".casefold()]
        return pd.DataFrame(
            rows,
            columns=["id", "name", "gender", "age", "language", "description", "is_published", "sample_url"],
        )

    async def _list_voices(self) -> list[Voice]:
        """Loop thread: fetch the voice list."""
        return list(await self.api.list_voices())

    def require_key(self, hint: str | None = None) -> None:
        """Raise MissingKeyError (with `hint`, else the default one) unless an API key can be found."""
        try:
            resolve_api_key(self._key)
        except MissingKeyError:
            raise MissingKeyError("No CAMB.AI API key", hint=hint) from None

    def key_status(self) -> str:
        """Where the key comes from, masked (never the key)."""
        try:
            key = resolve_api_key(self._key)
        except MissingKeyError:
            return "no API key (set CAMB_API_KEY or call set_key())"
        return f"API key set ({key.masked})"

    def set_key(self, key: str | ApiKey) -> None:
        """Use another API key for new requests (running polls finish with the old one)."""
        self._key = ApiKey(key)
        if self._api is not None:
            self._retired.append(self._api)
            self._api = None

    def close(self) -> None:
        """Stop polling (unfinished jobs stay resumable), close HTTP clients and the journal."""
        if self._retired and self._manager.loop.running:
            for old in self._retired:
                self._manager.loop.run_sync(old.aclose)
        self._retired.clear()
        self._manager.close()
