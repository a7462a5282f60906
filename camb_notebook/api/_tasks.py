"""The generic task flow of `ApiClient`: submit, poll, fetch one result or many through the bulk routes.

This is what the job engine calls (`create`, `status`, `result`, `results`); the typed conveniences, streams
and catalogs are in `_client.py`. Async only; any event loop may call it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Mapping, Sequence
from typing import Any

from camb_notebook.api._errors import InvalidResponseError
from camb_notebook.api._models import Family, Result, TaskStatus, TranslatedTtsResult, TtsResult
from camb_notebook.api._parse import (
    RUN_PREFIX,
    parse_bulk_map,
    parse_dubbing,
    parse_output_url,
    parse_status,
    parse_story,
    parse_subtitles,
    parse_task_id,
    parse_transcription,
    parse_translation,
)
from camb_notebook.api._requests import clean_body, multipart_body, route_for
from camb_notebook.api._send import Sender, json_body

__all__ = ["BULK_CHUNK", "TaskFlow"]

BULK_CHUNK = 5  # translation-results accepts 2–5 run_ids; other bulk routes are chunked the same way

_PARSERS: dict[str, Any] = {
    "translation": parse_translation,
    "transcription": parse_transcription,
    "dubbing": parse_dubbing,
    "story": parse_story,
    "subtitles": parse_subtitles,
}


class TaskFlow(Sender):
    """Create / status / result / results for every task family (one route table in `_requests.py`)."""

    # -- generic task flow used by the engine -------------------------------------------------------------

    async def create(self, family: Family, request: Mapping[str, Any]) -> str:
        """Submit a task and return its task_id; multipart uploads are rebuilt on every attempt."""
        return await self._create(family, request, raise_429=False)

    async def create_or_429(self, family: Family, request: Mapping[str, Any]) -> str:
        """`create()`, but a 429 raises `RateLimitedError` at once (nothing was created): for a caller that
        backs off itself (the job engine shrinks its window and holds every create at one shared gate)."""
        return await self._create(family, request, raise_429=True)

    async def _create(self, family: Family, request: Mapping[str, Any], *, raise_429: bool) -> str:
        """Submit a task (see `create`)."""
        route = route_for(family)
        if route.upload_field:
            payload = dict(request)
            with multipart_body(family, payload):  # check the upload before the first attempt
                pass
            body: Any = functools.partial(multipart_body, family, payload)
        else:
            body = json_body(clean_body(**request))
        what = f"create {family}"
        return await self._json(
            "POST",
            route.create,
            kind="submit",
            what=what,
            parse=parse_task_id,
            body=body,
            raise_429=raise_429,
        )

    async def status(self, family: Family, task_id: str) -> TaskStatus:
        """Poll a task once; an unknown status comes back as-is (not terminal) with one warning per client."""
        what = f"{family} status"
        if task_id.startswith(RUN_PREFIX):  # the create answered with its run: nothing to poll
            return TaskStatus("SUCCESS", run_id=int(task_id.removeprefix(RUN_PREFIX)))
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
            return TranslatedTtsResult(tuple(text.texts), audio.audio, audio.content_type)
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
            "POST", path, kind="safe", what=what, parse=parse_bulk_map, body=json_body({"run_ids": run_ids})
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
