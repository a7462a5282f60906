"""The subtitle methods of `Camb` (a mixin): the server's `sub` route, translated cue frames, and exports.

`subtitles(url, to=[...])` runs `POST sub` as a Job (journaled, resumable, cached like every task); its
result is a `SubtitleResult`, and `subtitle_tracks(result)` turns it into cue frames. Local files have no
`sub` route: transcribe them, then `translate_subtitles(cues(...), to=[...])`. Exports read the server's
own SRT/WebVTT/text renderings. Call from any thread.
Usage: `tracks = camb.subtitle_tracks(camb.subtitles(url, to=["es-es"]).result())`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from camb_notebook.api import Language, LanguageLike, SubtitleResult, UsageError, resolve_language
from camb_notebook.jobs import BatchJob, Estimate, Job, JobManager
from camb_notebook.sessions._connection import Connection
from camb_notebook.subtitles import Preset, preset

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SubtitleMethods"]

ExportFormat = Literal["srt", "vtt", "txt"]


def _formatting(limits: Preset | str | None) -> dict[str, Any] | None:
    """The `formatting_options` the `sub` route takes, from a preset (None: the server's defaults)."""
    if limits is None:
        return None
    found = preset(limits)
    return {
        "max_segment_duration_in_seconds": found.max_duration,
        "min_segment_duration_in_seconds": round(found.min_duration, 3),
        "max_characters_in_segment": found.max_chars,
        "max_reading_speed_in_cps": found.max_cps,
        "min_gap_between_segments_in_frames": found.min_gap_frames,
    }


class SubtitleMethods:
    """`Camb.subtitles`, `subtitle_tracks`, `translate_subtitles`, `transcript_export`, `dub_export`."""

    _manager: JobManager
    _connection: Connection

    def subtitles(
        self,
        media_url: str,
        *,
        to: LanguageLike | Sequence[LanguageLike],
        source: LanguageLike = "en-us",
        preset: Preset | str | None = None,
        transcription_mode: Literal["fast", "slow"] | None = None,
        cache: bool = True,
    ) -> Job:
        """Subtitle the media at `media_url` in its language and each target (`POST sub`); the Job at once."""
        if not isinstance(media_url, str) or not media_url.startswith(("http://", "https://")):
            raise UsageError(
                "subtitles() takes a media URL (the sub route has no upload)",
                hint="For a local file: cues(camb.transcribe(path).result()), then translate_subtitles(...)",
            )
        targets = [to] if isinstance(to, (str, int, Language)) else list(to)
        if not targets:
            raise UsageError("subtitles() needs at least one target language", hint='Pass to=["es-es"]')
        request = {
            "media_url": media_url,
            "source_language": resolve_language(source, allow_auto=True).wire_value,
            "target_languages": [resolve_language(t).wire_value for t in targets],
            "transcription_mode": transcription_mode,
            "formatting_options": _formatting(preset),
        }
        return self._manager.submit(
            "subtitles", {k: v for k, v in request.items() if v is not None}, cache=cache
        )

    def subtitle_tracks(
        self, result: SubtitleResult | Job, *, preset: Preset | str | None = "netflix"
    ) -> dict[str, pd.DataFrame]:
        """Every language of a `subtitles()` result (or its finished Job) as a cue frame, by language."""
        from camb_notebook.subtitles import cues

        found = result.result() if isinstance(result, Job) else result
        if not isinstance(found, SubtitleResult):
            raise UsageError("subtitle_tracks() takes the result of camb.subtitles(...)")
        return {lang: cues(found, language=lang, preset=preset) for lang in found.by_language}

    def translate_subtitles(
        self, frame: pd.DataFrame, *, to: str | Sequence[str], source: str = "en-us", **options: Any
    ) -> BatchJob[dict[str, pd.DataFrame]] | Estimate:
        """Translate a cue frame keeping its timing (see `subtitles.translate_cues`); the BatchJob at once.

        Batch options pass through (`dry_run=True` gives the Estimate); protection/QA arguments (`protect`,
        `dnt`, `dictionaries`, `max_length`, `qa`) apply to the sentences as in `translate`.
        """
        from camb_notebook.sessions._protect import QUALITY_ARGS
        from camb_notebook.subtitles import translate_cues

        quality = {name: options.pop(name) for name in list(options) if name in QUALITY_ARGS}
        arguments = getattr(self, "quality_arguments", None)
        prepare = None
        if quality and arguments is not None:

            def prepare(texts: list[str]) -> dict[str, Any]:
                return dict(arguments(texts, source, quality))

        return translate_cues(frame, self._manager, to=to, source=source, prepare=prepare, **options)

    def transcript_export(self, run_id: int, format_type: ExportFormat = "srt") -> str:
        """The server's SRT/WebVTT/text rendering of a finished transcription run."""
        api = self._connection.client
        return self._manager.loop.run_sync(api.transcription_export, run_id, format_type)

    def dub_export(self, run_id: int, language: LanguageLike, format_type: ExportFormat = "srt") -> str:
        """The server's SRT/WebVTT/text rendering of one language of a finished dubbing run."""
        api = self._connection.client
        return self._manager.loop.run_sync(api.dub_transcript, run_id, language, format_type)
