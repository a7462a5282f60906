"""SpeechBatch: many texts or media as speech tasks (TTS, transcription, dubbing) on the JobManager.

A BatchJob whose units are single tasks: each distinct input becomes one engine Job, so the batch shares the
translation batch's driver (concurrency limit, stop on PAYMENT_REQUIRED or cancel, progress, retry_failed)
and the engine's journal, result cache and resume. TTS audio is written to one file per row as each task
finishes, so a killed kernel keeps what it already wrote. The driver runs on the loop thread.
Usage: `batch = tts_batch(manager, texts, voice=20298, language="en-us", out_dir="audio")`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, TypeVar, cast

from camb_notebook.api import (
    DubbingResult,
    InvalidResponseError,
    TranscriptionResult,
    TtsResult,
    UsageError,
    Voice,
    resolve_language,
)
from camb_notebook.jobs._batch import BatchJob
from camb_notebook.jobs._batch_options import STOPPING, BatchHost, BatchOptions, Unit, resolve_targets
from camb_notebook.jobs._batch_plan import BatchOutcome, Errors, TextPlan, clean_texts, plan_texts
from camb_notebook.jobs._speech_files import audio_extension, safe_names, wav_seconds, write_audio

__all__ = [
    "BatchRun",
    "SpeechAudio",
    "SpeechBatch",
    "SpeechOptions",
    "SpeechOutcome",
    "dubbing_batch",
    "transcription_batch",
    "tts_batch",
]

T = TypeVar("T")
_URL = ("http://", "https://")
_EXPECTED: dict[str, type] = {
    "tts": TtsResult,
    "transcription": TranscriptionResult,
    "dubbing": DubbingResult,
}


@dataclass(frozen=True)
class SpeechOptions(BatchOptions):
    """What every task of a speech batch shares: its family, wire fields, and (TTS) where files go."""

    family: str = "tts"
    fields: Mapping[str, Any] = field(default_factory=dict)  # wire fields every task carries
    input_key: str = "text"  # the request field of each row's value ("media": a URL or a local file)
    out_dir: str | None = None  # TTS: the folder of the audio files
    names: tuple[str, ...] = ()  # TTS: the file stem of each input position

    def task_request(self, value: str) -> dict[str, Any]:
        """The wire request of one task (media values go to `media_url` or `media_path`)."""
        key = self.input_key
        if key == "media":
            key = "media_url" if value.startswith(_URL) else "media_path"
        return {key: value, **self.fields}

    def request(self, texts: Sequence[str], target: str) -> dict[str, Any]:
        """What a batch's pricing (`_estimate.price_batch`) sees of a unit: its input, no file read."""
        return {self.input_key: texts[0], **self.fields}


@dataclass(frozen=True)
class SpeechAudio:
    """A finished TTS task: the file written for each input position, its duration (WAV only) and type."""

    paths: Mapping[int, str]
    duration_s: float | None
    content_type: str


@dataclass
class SpeechOutcome(BatchOutcome):
    """A BatchOutcome whose per-input values are results (SpeechAudio, TranscriptionResult, DubbingResult)."""

    results: list[Any] = field(default_factory=list)

    def result_rows(self) -> list[Any]:
        """The result of each input position (None: not sent, failed or not finished)."""
        return [self.results[i] if i >= 0 else None for i in self.plan.positions]


class SpeechBatch(BatchJob[T]):
    """A BatchJob of speech tasks, one engine Job per distinct input; counts are in rows."""

    counts = "rows"  # what done/failed counts are in (progress notes say so)

    def __init__(
        self,
        manager: BatchHost,
        plan: TextPlan,
        options: SpeechOptions,
        finalize: Callable[[SpeechOutcome], T],
        *,
        outcome: BatchOutcome | None = None,
    ) -> None:
        """Prepare a batch (`_start()` runs it); `outcome` (a SpeechOutcome) carries what a run has."""
        if isinstance(outcome, SpeechOutcome):
            outcome.results = list(outcome.results)  # a retry owns its copy
        else:
            empty = BatchOutcome.empty(plan, options.targets)
            outcome = SpeechOutcome(**vars(empty), results=[None] * len(plan.unique))
        self._speech_outcome = outcome
        super().__init__(manager, plan, options, cast(Callable[[BatchOutcome], T], finalize), outcome=outcome)
        self.family = options.family
        self.request = {"rows": len(plan.positions), "distinct_inputs": len(plan.unique), **options.fields}
        self._speech = options
        self._rows_of: dict[int, list[int]] = {}
        for position, index in enumerate(plan.positions):
            if index >= 0:
                self._rows_of.setdefault(index, []).append(position)

    @property
    def outcome(self) -> SpeechOutcome:
        """Per distinct input: the results and error messages so far."""
        return self._speech_outcome

    async def _run_unit(self, unit: Unit) -> None:
        """Run one input as an engine Job; record its result (TTS: files written) or its error."""
        index = unit.indices[0]
        request = self._speech.task_request(self._plan.unique[index])
        try:
            path = request.get("media_path")
            if path is not None and not os.path.isfile(path):
                raise UsageError(f"file not found: {path}")
            family, cache = self._speech.family, self._speech.cache
            job = self._manager.submit(family, request, cache=cache, group=self._group)
            self._manager.registry.batch_of[job.id] = self.id  # journaled with the chunk's row
            self.jobs.append(job)
            value = self._accept(index, await job)
            if isinstance(value, TtsResult):
                value = await asyncio.to_thread(self._write, index, value)
        except Exception as exc:  # every failure marks this input's rows; stopping ones stop the batch
            if isinstance(exc, STOPPING) and self._stop is None:
                self._stop = exc
            self._fail(unit, exc)
            return
        self._speech_outcome.results[index] = value
        self._speech_outcome.translations[unit.target][index] = "ok"
        self.done_count += self._weights[index]
        self._engine.update()

    def _accept(self, index: int, result: Any) -> Any:
        """The task's result, checked against its family."""
        expected = _EXPECTED[self._speech.family]
        if not isinstance(result, expected):
            raise InvalidResponseError(f"expected a {expected.__name__}, got {type(result).__name__}")
        return result

    def _write(self, index: int, result: TtsResult) -> SpeechAudio:
        """Worker thread: write the audio once per row that asked for this text (named from the rows)."""
        folder = Path(self._speech.out_dir or ".")
        extension = audio_extension(result.content_type)
        paths = {}
        for position in self._rows_of[index]:
            path = folder / f"{self._speech.names[position]}{extension}"
            write_audio(path, result.audio)
            paths[position] = str(path)
        return SpeechAudio(paths, wav_seconds(result.audio), result.content_type)

    def __repr__(self) -> str:
        """`<SpeechBatch 3f2a tts: pending 120/200, 0 failed>`."""
        state = f"{self.state} {self.done_count}/{self.total}, {self.failed_count} failed"
        return f"<SpeechBatch {self.id} {self.family}: {state}>"


def _values(values: Sequence[object]) -> list[object]:
    """Values with path objects as strings (a column of `Path`s is a column of file names)."""
    return [str(v) if isinstance(v, PurePath) else v for v in values]


@dataclass(frozen=True)
class BatchRun:
    """What every speech batch factory takes besides its inputs: labels, limit, cache, errors, finalize."""

    labels: Sequence[Hashable] | None = None
    concurrency: int | None = None
    cache: bool = True
    errors: Errors = "raise"
    finalize: Callable[[SpeechOutcome], Any] | None = None
    max_characters: int | None = None  # budgets, as for translation batches: rows past them are not_sent
    max_tasks: int | None = None

    def start(self, manager: BatchHost, values: Sequence[object], **options: Any) -> SpeechBatch[Any]:
        """Validate the values, plan them (identical inputs run once) and start the batch."""
        if self.concurrency is not None and self.concurrency < 1:
            raise UsageError(f"concurrency must be at least 1, not {self.concurrency}")
        plan = plan_texts(clean_texts(_values(values), labels=self.labels, errors=self.errors))
        chosen = self.finalize or SpeechOutcome.result_rows
        speech = SpeechOptions(
            chunk_size=1,
            concurrency=self.concurrency,
            cache=self.cache,
            max_characters=self.max_characters,
            max_tasks=self.max_tasks,
            **options,
        )
        return cast(SpeechBatch[Any], SpeechBatch(manager, plan, speech, chosen)._start())


def tts_batch(
    manager: BatchHost,
    texts: Sequence[object],
    *,
    voice: int | Voice,
    language: Any = "en-us",
    out_dir: str | os.PathLike[str] = "audio",
    **run: Any,
) -> SpeechBatch[Any]:
    """Speak every text with one voice; each row's audio goes to `out_dir/<row label>.wav` as it finishes.

    Identical texts are synthesized once (each row still gets its own file). `run` holds BatchRun's fields
    (labels, concurrency, cache, errors, finalize); without `finalize` the result is one SpeechAudio (or
    None) per input.
    """
    voice_id = voice.id if isinstance(voice, Voice) else voice
    if isinstance(voice_id, bool) or not isinstance(voice_id, int):
        raise UsageError(f"voice must be a voice id (int) or a Voice, got {voice!r}", hint="See voices()")
    lang = resolve_language(language)
    batch = BatchRun(**run)
    labels = batch.labels if batch.labels is not None else range(len(texts))
    return batch.start(
        manager,
        texts,
        source=lang.wire_value,
        targets=(lang.locale,),
        family="tts",
        fields={"voice_id": voice_id, "language": lang.wire_value},
        out_dir=os.fspath(out_dir),
        names=tuple(safe_names(labels)),
    )


def transcription_batch(
    manager: BatchHost, media: Sequence[object], *, language: Any = "auto", **run: Any
) -> SpeechBatch[Any]:
    """Transcribe every media URL or local file (a missing file fails only its rows); `run`: BatchRun's."""
    lang = resolve_language(language, allow_auto=True)
    return BatchRun(**run).start(
        manager,
        media,
        source=lang.wire_value,
        targets=(lang.locale,),
        family="transcription",
        fields={"language": lang.wire_value},
        input_key="media",
    )


def dubbing_batch(
    manager: BatchHost, urls: Sequence[object], *, to: Any, source: Any = "en-us", **run: Any
) -> SpeechBatch[Any]:
    """Dub every media URL into the targets (one task per URL carries them all); `run`: BatchRun's."""
    targets = resolve_targets(to)
    bad = [v for v in _values(urls) if isinstance(v, str) and v.strip() and not v.startswith(_URL)]
    if bad:
        raise UsageError(f"dub needs http(s) URLs; {len(bad)} value(s) are not, e.g. {bad[0]!r}")
    wire = resolve_language(source, allow_auto=True).wire_value

    def lang(target: str) -> int | str:
        return resolve_language(target).wire_value

    return BatchRun(**run).start(
        manager,
        urls,
        source=wire,
        targets=("+".join(targets),),
        family="dubbing",
        fields={
            "source_language": wire,
            "target_languages": [resolve_language(t).wire_value for t in targets],
        },
        input_key="video_url",
    )
