"""Subtitle and export routes of `ApiClient`: `sub` results per language, transcript and subtitle exports as
SRT/WebVTT/text, and dubbed output in another container (`dub-alt-format`).

The `sub` task itself runs through the generic task flow (family "subtitles"; its result is read by
`_parse.parse_subtitles`). Async only. Usage: `await api.transcription_export(run_id, "vtt")`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from camb_notebook.api._errors import InvalidResponseError, UsageError
from camb_notebook.api._languages import LanguageLike
from camb_notebook.api._models import TaskStatus
from camb_notebook.api._parse import parse_status, parse_task_id
from camb_notebook.api._requests import lang
from camb_notebook.api._send import json_body
from camb_notebook.api._tasks import TaskFlow

__all__ = ["ALT_FORMATS", "ExportFormat", "SubtitleRoutes"]

ExportFormat = Literal["srt", "vtt", "txt"]
ALT_FORMATS = ("flac", "wav", "mp3", "aac", "m4a", "mkv", "mp4", "mov", "mxf")


def _text(data: Any, what: str) -> str:
    """The exported text of a `{"transcript": str}`-like body (its one string value)."""
    if isinstance(data, Mapping):
        values = [v for v in data.values() if isinstance(v, str)]
        if "transcript" in data and isinstance(data["transcript"], str):
            return str(data["transcript"])
        if len(values) == 1:
            return values[0]
    raise InvalidResponseError(f"{what}: expected an exported text")


def _texts(data: Any, what: str) -> dict[str, str]:
    """`{language: exported text}` of every track."""
    if not isinstance(data, Mapping) or not data or not all(isinstance(v, str) for v in data.values()):
        raise InvalidResponseError(f"{what}: expected a text per language")
    return {str(k): str(v) for k, v in data.items()}


def _raw(format_type: ExportFormat) -> dict[str, str]:
    """Query parameters asking for the text itself (not a presigned URL)."""
    if format_type not in ("srt", "vtt", "txt"):
        raise UsageError(f"format must be srt, vtt or txt, not {format_type!r}")
    return {"format_type": format_type, "data_type": "raw_data"}


class SubtitleRoutes(TaskFlow):
    """`sub` creates and results, transcript/subtitle exports, and `dub-alt-format`."""

    async def create_subtitles(
        self,
        media_url: str,
        source_language: LanguageLike,
        target_languages: Sequence[LanguageLike],
        **options: Any,
    ) -> str:
        """Submit `POST sub` (media by URL; `transcription_mode`, `formatting_options`); returns task_id."""
        request = {
            "media_url": media_url,
            "source_language": lang(source_language, allow_auto=True),
            "target_languages": [lang(t) for t in target_languages],
            **options,
        }
        return await self.create("subtitles", request)

    async def subtitle_export(
        self, run_id: int, language: LanguageLike | None = None, format_type: ExportFormat = "srt"
    ) -> str | dict[str, str]:
        """A `sub` run's tracks as text: one language (`sub-result/{run_id}/{lang}`) or all, by language."""
        what = "subtitle export"
        params = _raw(format_type)
        if language is None:
            path = f"sub-result/{run_id}"
            return await self._json("GET", path, kind="safe", what=what, parse=_texts, params=params)
        path = f"sub-result/{run_id}/{lang(language)}"
        return await self._json("GET", path, kind="safe", what=what, parse=_text, params=params)

    async def transcription_export(self, run_id: int, format_type: ExportFormat = "srt") -> str:
        """A transcription run as SRT, WebVTT or plain text (`transcription-result?format_type=`)."""
        what = "transcription export"
        path = f"transcription-result/{run_id}"
        return await self._json("GET", path, kind="safe", what=what, parse=_text, params=_raw(format_type))

    async def dub_transcript(
        self, run_id: int, language: LanguageLike, format_type: ExportFormat = "srt"
    ) -> str:
        """One language of a dubbing run as SRT, WebVTT or text (`transcript/{run_id}/{language}`)."""
        what = "dub transcript"
        path = f"transcript/{run_id}/{lang(language)}"
        return await self._json("GET", path, kind="safe", what=what, parse=_text, params=_raw(format_type))

    async def create_dub_alt_format(self, run_id: int, language: LanguageLike, output_format: str) -> str:
        """Submit `POST dub-alt-format/{run_id}/{language}`; returns the export's task_id."""
        if output_format not in ALT_FORMATS:
            raise UsageError(f"output_format must be one of {', '.join(ALT_FORMATS)}, not {output_format!r}")
        path = f"dub-alt-format/{run_id}/{lang(language)}"
        body = json_body({"output_format": output_format})
        return await self._json(
            "POST", path, kind="submit", what="dub-alt-format", parse=parse_task_id, body=body
        )

    async def dub_alt_format_status(self, task_id: str) -> TaskStatus:
        """Poll a `dub-alt-format` export once (`message` carries the output when it is done)."""
        path = f"dub-alt-format/{task_id}"
        raw = await self._json(
            "GET", path, kind="safe", what="dub-alt-format status", parse=parse_status, task_id=task_id
        )
        return self._scrubbed(raw)
