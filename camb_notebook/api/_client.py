"""`ApiClient`: the async CAMB.AI wire client for every task family, the streams and the catalogs.

The generic task flow (`create`, `status`, `result`, `results`) is what the job engine calls; typed
conveniences (`create_translation`, ...) resolve languages first. Async only; any event loop may call it.
Usage: `async with ApiClient() as api: task_id = await api.create_translation(["Hi"], "en", "fr")`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from camb_notebook.api._core import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, WireCore
from camb_notebook.api._errors import DeprecatedEndpointWarning, InvalidResponseError
from camb_notebook.api._languages import CATALOG, Language, LanguageCatalog, LanguageLike
from camb_notebook.api._models import (
    Family,
    Result,
    TaskStatus,
    TranslatedTtsResult,
    TtsResult,
    Voice,
)
from camb_notebook.api._parse import (
    parse_bulk_map,
    parse_dubbing,
    parse_output_url,
    parse_status,
    parse_story,
    parse_task_id,
    parse_transcription,
    parse_translation,
    parse_voices,
)
from camb_notebook.api._requests import clean_body, lang, multipart_body, route_for, tts_stream_body
from camb_notebook.api._stream import AudioStream, TextStream

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "ApiClient"]

BULK_CHUNK = 5  # translation-results accepts 2–5 run_ids; other bulk routes are chunked the same way

_PARSERS: dict[str, Any] = {
    "translation": parse_translation,
    "transcription": parse_transcription,
    "dubbing": parse_dubbing,
    "story": parse_story,
}


def _json_body(payload: Mapping[str, Any]) -> Any:
    """A body builder for a JSON request."""

    @contextlib.contextmanager
    def body() -> Iterator[dict[str, Any]]:
        yield {"json": dict(payload)}

    return body


class ApiClient(WireCore):
    """Async client for the CAMB.AI REST API; `async with` it or call `aclose()` when done.

    A `transport` (tests) is shared by the httpx clients of every loop and closed with the first of them.
    """

    # -- generic task flow used by the engine -------------------------------------------------------------

    async def create(self, family: Family, request: Mapping[str, Any]) -> str:
        """Submit a task and return its task_id; multipart uploads are rebuilt on every attempt."""
        route = route_for(family)
        if route.upload_field:
            payload = dict(request)
            with multipart_body(family, payload):  # check the upload before the first attempt
                pass
            body: Any = functools.partial(multipart_body, family, payload)
        else:
            body = _json_body(clean_body(**request))
        what = f"create {family}"
        return await self._json(
            "POST", route.create, kind="submit", what=what, parse=parse_task_id, body=body
        )

    async def status(self, family: Family, task_id: str) -> TaskStatus:
        """Poll a task once; an unknown status comes back as-is (not terminal) with one warning per client."""
        what = f"{family} status"
        path = route_for(family).status.format(task_id)
        raw = await self._json("GET", path, kind="safe", what=what, parse=parse_status, task_id=task_id)
        status = self._scrubbed(raw)
        if not status.is_known:
            self._warn_once(
                f"status:{status.status}", f"{what}: unknown status {status.status!r}, still polling"
            )
        return status

    def _scrubbed(self, status: TaskStatus) -> TaskStatus:
        """The status with the key scrubbed from its server texts (they end up in JobFailed messages)."""
        scrub = self._key.scrub
        return dataclasses.replace(
            status,
            status=scrub(status.status),
            exception_reason=None if status.exception_reason is None else scrub(status.exception_reason),
            message=None if status.message is None else scrub(status.message),
        )

    async def result(self, family: Family, run_id: int) -> Result:
        """Fetch the result of a finished run."""
        what = f"{family} result"
        if family == "tts":
            return await self._tts_audio(run_id)
        if family == "translated_tts":
            path = f"translation-result/{run_id}"
            text, audio = await asyncio.gather(
                self._json("GET", path, kind="safe", what=what, parse=parse_translation, run_id=run_id),
                self._tts_audio(run_id),
            )
            return TranslatedTtsResult(text.texts, audio.audio, audio.content_type)
        route = route_for(family)
        params = {"include_transcript": "true"} if family == "story" else None
        parse = _PARSERS[family]
        path = str(route.result).format(run_id)
        result: Result = await self._json(
            "GET", path, kind="safe", what=what, parse=parse, params=params, run_id=run_id
        )
        return result

    async def results(self, family: Family, run_ids: Sequence[int]) -> dict[int, Result]:
        """Fetch many results through the bulk routes (chunks of ≤5; single ids use the plain route)."""
        ids = list(dict.fromkeys(int(r) for r in run_ids))
        route = route_for(family)
        if route.bulk is None:
            fetched = await asyncio.gather(*(self.result(family, r) for r in ids))
            return dict(zip(ids, fetched, strict=True))
        chunks = [ids[i : i + BULK_CHUNK] for i in range(0, len(ids), BULK_CHUNK)]
        out: dict[int, Result] = {}
        for part in await asyncio.gather(*(self._bulk(family, chunk) for chunk in chunks)):
            out.update(part)
        missing = [r for r in ids if r not in out]
        for run_id, found in zip(
            missing, await asyncio.gather(*(self.result(family, r) for r in missing)), strict=True
        ):
            out[run_id] = found
        return {r: out[r] for r in ids}

    async def _bulk(self, family: Family, run_ids: list[int]) -> dict[int, Result]:
        """One bulk request (or a plain one for a single id)."""
        if len(run_ids) == 1:
            return {run_ids[0]: await self.result(family, run_ids[0])}
        what = f"{family} bulk result"
        path = str(route_for(family).bulk)
        entries = await self._json(
            "POST", path, kind="safe", what=what, parse=parse_bulk_map, body=_json_body({"run_ids": run_ids})
        )
        if family == "tts":
            urls = {r: parse_output_url(e, what) for r, e in entries.items() if r in run_ids}
            audio = await asyncio.gather(*(self._download(u, what, r) for r, u in urls.items()))
            return dict(zip(urls, audio, strict=True))
        parse = _PARSERS[family]
        return {r: parse(e, what) for r, e in entries.items() if r in run_ids}

    async def _tts_audio(self, run_id: int) -> TtsResult:
        """Audio of a TTS run (raw bytes; a JSON `output_url` answer is followed)."""
        what = "tts result"
        response = await self._request("GET", f"tts-result/{run_id}", kind="safe", what=what, run_id=run_id)
        content_type = response.headers.get("content-type", "application/octet-stream").split(";")[0]
        if content_type == "application/json":
            return await self._download(parse_output_url(self._decode(response, what), what), what, run_id)
        if not response.content:
            raise InvalidResponseError(f"{what}: empty audio", run_id=run_id)
        return TtsResult(response.content, content_type)

    async def _download(self, url: str, what: str, run_id: int) -> TtsResult:
        """Fetch audio from a (presigned) URL; the key is sent only if it is the API's own origin."""
        response = await self._request("GET", url, kind="safe", what=f"{what} download", run_id=run_id)
        content_type = response.headers.get("content-type", "application/octet-stream").split(";")[0]
        return TtsResult(response.content, content_type)

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
        body = _json_body(payload)
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
    """`[{id, language, short_name}]` rows, checked."""
    if not isinstance(data, list) or not all(
        isinstance(r, dict) and isinstance(r.get("id"), int) for r in data
    ):
        raise InvalidResponseError(f"{what}: expected a list of languages")
    return list(data)
