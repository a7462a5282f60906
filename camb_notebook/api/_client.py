"""`ApiClient`: the async CAMB.AI wire client for every task family, the streams and the catalogs.

The generic task flow (`create`, `status`, `result`, `results`, in `_tasks.py`) is what the job engine
calls; the typed conveniences here (`create_translation`, ...) resolve languages first. Async only; any
event loop may call it. Usage: `async with ApiClient() as api: task_id = await api.create_translation(["Hi"],
"en", "fr")`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from camb_notebook.api._dictionaries import DictionaryCalls
from camb_notebook.api._errors import (
    AmbiguousSubmitError,
    CambError,
    DeprecatedEndpointWarning,
    InvalidResponseError,
)
from camb_notebook.api._languages import CATALOG, Language, LanguageCatalog, LanguageLike
from camb_notebook.api._models import TtsResult, Voice
from camb_notebook.api._parse import opt_int, parse_voices
from camb_notebook.api._requests import clean_body, lang, tts_stream_body
from camb_notebook.api._send import json_body
from camb_notebook.api._stream import AudioStream, TextStream
from camb_notebook.api._subtitles import SubtitleRoutes
from camb_notebook.api._voices import VoiceCloning

__all__ = ["ApiClient"]

log = logging.getLogger("camb_notebook.api")


class ApiClient(VoiceCloning, SubtitleRoutes, DictionaryCalls):
    """Async client for the CAMB.AI REST API; `async with` it or call `aclose()` when done.

    A `transport` (tests) is shared by the httpx clients of every loop and closed with the first of them.
    """

    # -- typed conveniences (languages resolved here) -------------------------------------------------------

    async def create_translation(
        self,
        texts: Sequence[str],
        source_language: LanguageLike,
        target_language: LanguageLike,
        *,
        formality: int | None = None,
        gender: int | None = None,
        age: int | None = None,
    ) -> str:
        """Submit `POST translate`; returns the task_id."""
        request = {
            "texts": list(texts),
            "source_language": lang(source_language, allow_auto=True),
            "target_language": lang(target_language),
            "formality": formality,
            "gender": gender,
            "age": age,
        }
        return await self.create("translation", request)

    async def create_tts(
        self,
        text: str,
        voice_id: int,
        language: LanguageLike,
        *,
        gender: int | None = None,
        age: int | None = None,
    ) -> str:
        """Submit the legacy task-flow `POST tts` (language as an id); returns the task_id."""
        request = {
            "text": text,
            "voice_id": voice_id,
            "language": lang(language),
            "gender": gender,
            "age": age,
        }
        return await self.create("tts", request)

    async def create_translated_tts(
        self,
        text: str,
        voice_id: int,
        source_language: LanguageLike,
        target_language: LanguageLike,
        *,
        formality: int | None = None,
        gender: int | None = None,
        age: int | None = None,
    ) -> str:
        """Submit `POST translated-tts`; returns the task_id."""
        request = {
            "text": text,
            "voice_id": voice_id,
            "source_language": lang(source_language, allow_auto=True),
            "target_language": lang(target_language),
            "formality": formality,
            "gender": gender,
            "age": age,
        }
        return await self.create("translated_tts", request)

    async def create_transcription(
        self,
        language: LanguageLike,
        *,
        media_path: str | Path | None = None,
        media_bytes: bytes | None = None,
        filename: str | None = None,
        media_url: str | None = None,
        **options: Any,
    ) -> str:
        """Submit `POST transcribe` (multipart) from a path, bytes or a URL; returns the task_id."""
        request = {
            "language": lang(language, allow_auto=True),
            "media_path": media_path,
            "media_bytes": media_bytes,
            "filename": filename,
            "media_url": media_url,
            **options,
        }
        return await self.create("transcription", request)

    async def create_dubbing(
        self,
        video_url: str,
        source_language: LanguageLike,
        target_languages: LanguageLike | Sequence[LanguageLike],
        **options: Any,
    ) -> str:
        """Submit `POST dub` for one target (`target_language`) or several (`target_languages`)."""
        request: dict[str, Any] = {
            "video_url": video_url,
            "source_language": lang(source_language, allow_auto=True),
        }
        if isinstance(target_languages, (int, str, Language)):
            request["target_language"] = lang(target_languages)
        else:
            request["target_languages"] = [lang(t) for t in target_languages]
        request.update(options)
        return await self.create("dubbing", request)

    async def create_story(
        self,
        source_language: LanguageLike,
        *,
        file_path: str | Path | None = None,
        file_bytes: bytes | None = None,
        filename: str | None = None,
        **options: Any,
    ) -> str:
        """Submit `POST story` (multipart .txt/.docx upload); returns the task_id."""
        request = {
            "source_language": lang(source_language),
            "file_path": file_path,
            "file_bytes": file_bytes,
            "filename": filename,
            **options,
        }
        return await self.create("story", request)

    # -- streams --------------------------------------------------------------------------------------------

    def tts_stream(
        self,
        text: str,
        voice_id: int,
        language: LanguageLike,
        *,
        speech_model: str | None = None,
        output_format: str | None = None,
        **options: Any,
    ) -> AudioStream:
        """Stream speech from `POST tts-stream`; iterate the result for audio chunks as they arrive."""
        payload = tts_stream_body(
            text, voice_id, language, speech_model=speech_model, output_format=output_format, extra=options
        )
        return AudioStream(
            lambda: self._open_stream("tts-stream", payload, what="tts-stream"), what="tts-stream"
        )

    async def speak(self, request: Mapping[str, Any]) -> TtsResult:
        """Speech from `POST tts-stream`, read whole: what `tts()` without stream=True sends (the `tts` task
        route is deprecated upstream). Cut off after audio arrived, it may be billed: AmbiguousSubmitError."""
        stream = self.tts_stream(request["text"], request["voice_id"], request["language"])
        try:
            audio = await stream.read()
        except CambError as exc:
            if not stream.chunks:
                raise
            raise AmbiguousSubmitError(
                f"the speech broke off after {len(stream.audio):,} bytes ({exc}); it may be billed",
                hint="Call tts() again to resend it",
            ) from exc
        return TtsResult(audio=audio, content_type=(stream.content_type or "").split(";")[0])

    def translation_stream(
        self,
        text: str,
        source_language: LanguageLike,
        target_language: LanguageLike,
        *,
        formality: int | None = None,
        gender: int | None = None,
    ) -> TextStream:
        """Stream text from the deprecated `POST translation/stream`; 404/410 raise `EndpointGoneError`."""
        self._warn_once(
            "deprecated:translation/stream",
            "translation/stream is deprecated upstream and may disappear; the task flow keeps working",
            DeprecatedEndpointWarning,
        )
        payload = clean_body(
            text=text,
            source_language=lang(source_language, allow_auto=True),
            target_language=lang(target_language),
            formality=formality,
            gender=gender,
        )
        what = "translation stream"
        return TextStream(
            lambda: self._open_stream("translation/stream", payload, what=what, gone=True), what=what
        )

    async def _open_stream(
        self, path: str, payload: Mapping[str, Any], *, what: str, gone: bool = False
    ) -> httpx.Response:
        """Open a streaming POST (retried only while provably unprocessed)."""
        body = json_body(payload)
        return await self._request(
            "POST", path, kind="stream", what=what, body=body, stream=True, gone_means_deprecated=gone
        )

    # -- catalogs -------------------------------------------------------------------------------------------

    async def source_languages(self) -> list[Language]:
        """Languages the API accepts as sources (`GET source-languages`)."""
        return await self._languages("source-languages")

    async def target_languages(self) -> list[Language]:
        """Languages the API accepts as targets (`GET target-languages`)."""
        return await self._languages("target-languages")

    async def _languages(self, path: str) -> list[Language]:
        """One language list, mapped onto the bundled catalog (unknown ids are added)."""
        rows = await self._json("GET", path, kind="safe", what=path, parse=_language_rows)
        catalog = CATALOG.merged(rows)
        return [lang_ for row in rows if (lang_ := catalog.get(int(row["id"]))) is not None]

    async def refresh_languages(self) -> LanguageCatalog:
        """The bundled catalog extended with every id the API lists as a source or target."""
        source, target = await asyncio.gather(
            self._json("GET", "source-languages", kind="safe", what="source-languages", parse=_language_rows),
            self._json("GET", "target-languages", kind="safe", what="target-languages", parse=_language_rows),
        )
        return CATALOG.merged([*source, *target])

    async def list_voices(self) -> list[Voice]:
        """Voices available to this key (`GET list-voices`)."""
        return await self._json("GET", "list-voices", kind="safe", what="list-voices", parse=parse_voices)


def _language_rows(data: Any, what: str) -> list[dict[str, Any]]:
    """`[{id, language, short_name}]` rows; ids may be numeric strings, a malformed row is skipped."""
    if not isinstance(data, list):
        raise InvalidResponseError(f"{what}: expected a list of languages, got {type(data).__name__}")
    rows = []
    for row in data:
        lang_id = opt_int(row.get("id")) if isinstance(row, dict) else None
        if lang_id is None:
            log.debug("%s: skipped a malformed language entry", what)
            continue
        rows.append({**row, "id": lang_id})
    return rows
