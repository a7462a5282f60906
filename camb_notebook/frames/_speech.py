"""Batch speech from a frame: `df.camb.tts` / `.transcribe` / `.dub`, each a SpeechBatch whose result is a
frame.

The input frame is never modified; the result frame keeps its index and adds result columns, this batch's
`camb_status_<kind>` / `camb_error_<kind>` (kind `tts`, `transcribe`, `dub`; `ok`, `failed`, `skipped` for
missing/blank values, `not_sent` past a budget) and the row summary `camb_status` / `camb_error` over every
batch's statuses (a translated frame's included). An existing output column is refused before anything is
sent (`_columns.py`). Main thread.
Usage: `batch = df.camb.tts("text", voice=20298, out_dir="audio")`, then `out = batch.result()`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from camb_notebook.api import UsageError, Voice
from camb_notebook.frames._columns import (
    STATUS_FAILED,
    STATUS_NOT_SENT,
    STATUS_OK,
    STATUS_SKIPPED,
    batch_statuses,
    refuse_taken,
    with_summary,
)
from camb_notebook.frames._translate import _assign_into
from camb_notebook.jobs import (
    SpeechBatch,
    SpeechOutcome,
    dubbing_batch,
    is_not_sent,
    transcription_batch,
    tts_batch,
)

if TYPE_CHECKING:
    from camb_notebook.api import DubbingResult, TranscriptionResult
    from camb_notebook.sessions import Camb

__all__ = ["dub_frame", "transcribe_frame", "tts_frame"]

_SEGMENT_COLUMNS = ("start", "end", "speaker", "text")
_LONG_TAIL = ("camb_status", "camb_error")  # a long transcript frame is new: its own status pair


def _speech_frame(
    start: Callable[..., SpeechBatch[Any]],
    df: pd.DataFrame,
    column: Hashable,
    assemble: Callable[[pd.DataFrame, SpeechOutcome], pd.DataFrame],
    *,
    into: str | None,
    session: Camb | None,
    **options: Any,
) -> SpeechBatch[pd.DataFrame]:
    """Start a speech batch over `df[column]` (rows labelled by the index) whose result is `assemble`d."""
    if column not in df.columns:
        raise UsageError(f"no column {column!r} in the frame (columns: {list(df.columns)!r})")
    assign = _assign_into(into) if into is not None else None
    if session is None:
        from camb_notebook.sessions import session as default_session

        session = default_session()
    frame = df.copy()
    batch: SpeechBatch[pd.DataFrame] = start(
        session.manager,
        frame[column].tolist(),
        labels=frame.index.tolist(),
        finalize=lambda outcome: assemble(frame, outcome),
        **options,
    )
    if assign is not None:
        batch.add_done_callback(assign)
    return batch


def _statuses(outcome: SpeechOutcome) -> tuple[list[str], list[str | None]]:
    """`camb_status` and `camb_error` per input position."""
    errors = outcome.errors[outcome.targets[0]]
    statuses: list[str] = []
    messages: list[str | None] = []
    for index in outcome.plan.positions:
        error = errors[index] if index >= 0 else None
        messages.append(error)
        if index < 0:
            statuses.append(STATUS_SKIPPED)
        elif is_not_sent(error):
            statuses.append(STATUS_NOT_SENT)
        else:
            statuses.append(STATUS_FAILED if error or outcome.results[index] is None else STATUS_OK)
    return statuses, messages


def _refuse_taken(df: pd.DataFrame, column: Hashable, kind: str, outputs: Sequence[str]) -> None:
    """Refuse (one line, before anything is sent) a frame that already has this batch's output columns."""
    if column not in df.columns:
        raise UsageError(f"no column {column!r} in the frame (columns: {list(df.columns)!r})")
    refuse_taken(df, column, [*outputs, *batch_statuses(kind)])


def _with_status(out: pd.DataFrame, outcome: SpeechOutcome, kind: str) -> pd.DataFrame:
    """Add `camb_status_<kind>` / `camb_error_<kind>` and the recomputed summary (object, None: no error)."""
    statuses, messages = _statuses(outcome)
    status, error = batch_statuses(kind)
    out[status] = pd.Series(statuses, index=out.index, dtype=object)
    out[error] = pd.Series(messages, index=out.index, dtype=object)
    return with_summary(out, object)


def assemble_tts(df: pd.DataFrame, outcome: SpeechOutcome) -> pd.DataFrame:
    """The input frame plus `audio_path`, `duration_s`, `camb_status_tts` / `camb_error_tts`, the summary."""
    paths: list[str | None] = []
    durations: list[float] = []
    for position, index in enumerate(outcome.plan.positions):
        audio = outcome.results[index] if index >= 0 else None
        paths.append(None if audio is None else audio.paths.get(position))
        durations.append(np.nan if audio is None or audio.duration_s is None else audio.duration_s)
    out = df.copy()
    out["audio_path"] = pd.Series(paths, index=out.index, dtype=object)
    out["duration_s"] = pd.Series(durations, index=out.index, dtype="float64")
    return _with_status(out, outcome, "tts")


def assemble_transcripts(
    df: pd.DataFrame, column: Hashable, outcome: SpeechOutcome, shape: Literal["long", "wide"]
) -> pd.DataFrame:
    """Long: one row per segment under its source row's index; wide: one `transcript` text per row."""
    statuses, messages = _statuses(outcome)
    results: list[TranscriptionResult | None] = outcome.result_rows()
    if shape == "wide":
        out = df.copy()
        texts = [None if r is None else r.text for r in results]
        out["transcript"] = pd.Series(texts, index=out.index, dtype=object)
        out["segments"] = pd.Series([0 if r is None else len(r.segments) for r in results], index=out.index)
        return _with_status(out, outcome, "transcribe")
    name = f"source_{column}" if column in (*_SEGMENT_COLUMNS, *_LONG_TAIL) else column
    rows: list[tuple[Any, ...]] = []
    labels: list[Hashable] = []
    for label, value, result, status, error in zip(
        df.index, df[column], results, statuses, messages, strict=True
    ):
        segments = result.segments if result is not None else ()
        for s in segments or [None]:
            labels.append(label)
            fields = (np.nan, np.nan, None, None) if s is None else (s.start, s.end, s.speaker, s.text)
            rows.append((value, *fields, status, error))
    columns = [name, *_SEGMENT_COLUMNS, *_LONG_TAIL]
    frame = pd.DataFrame(rows, columns=columns, index=pd.Index(labels, name=df.index.name))
    return frame.astype({"start": "float64", "end": "float64"})


def assemble_dubs(df: pd.DataFrame, targets: Sequence[str], outcome: SpeechOutcome) -> pd.DataFrame:
    """The input frame plus `video_url_<target>` / `audio_url_<target>` per target, status and error."""
    results: list[DubbingResult | None] = outcome.result_rows()
    out = df.copy()
    for target in targets:
        picked = [None if r is None else _for_target(r, target, len(targets)) for r in results]
        for kind in ("video_url", "audio_url"):
            values = [None if p is None else getattr(p, kind) for p in picked]
            out[f"{kind}_{target}"] = pd.Series(values, index=out.index, dtype=object)
    return _with_status(out, outcome, "dub")


def _for_target(result: DubbingResult, target: str, count: int) -> DubbingResult | None:
    """The part of a dub result for one target (a one-target result is itself)."""
    from camb_notebook.api import resolve_language

    wanted = resolve_language(target)
    for key, item in result.by_language.items():
        if key in (wanted.locale, str(wanted.id)):
            return item
    return result if count == 1 else None


def tts_frame(
    df: pd.DataFrame,
    column: Hashable,
    *,
    voice: int | Voice,
    lang: Any = "en-us",
    out_dir: str | os.PathLike[str] = "audio",
    into: str | None = None,
    session: Camb | None = None,
    **run: Any,
) -> SpeechBatch[pd.DataFrame]:
    """Speak `df[column]` with one voice; returns a SpeechBatch at once whose result is the new frame.

    Each row's audio is written to `out_dir/<safe index label>.wav` as soon as its task finishes; identical
    texts are synthesized once. `run`: `concurrency`, `cache`, `errors` ("raise" or "coerce" non-strings).
    Re-running after `camb.resume()` in a new kernel re-creates nothing.
    """
    _refuse_taken(df, column, "tts", ["audio_path", "duration_s"])
    if session is None:
        from camb_notebook.sessions import session as default_session

        session = default_session()
    options = {"voice": session.checked_voice(voice), "language": lang, "out_dir": out_dir, **run}
    return _speech_frame(tts_batch, df, column, assemble_tts, into=into, session=session, **options)


def transcribe_frame(
    df: pd.DataFrame,
    column: Hashable,
    *,
    lang: Any = "auto",
    shape: Literal["long", "wide"] = "long",
    into: str | None = None,
    session: Camb | None = None,
    **run: Any,
) -> SpeechBatch[pd.DataFrame]:
    """Transcribe the media paths/URLs in `df[column]`: long, a row per segment; wide, a row per input."""
    if shape not in ("long", "wide"):
        raise UsageError(f"shape must be 'long' or 'wide', not {shape!r}")
    if shape == "wide":
        _refuse_taken(df, column, "transcribe", ["transcript", "segments"])

    def assemble(frame: pd.DataFrame, outcome: SpeechOutcome) -> pd.DataFrame:
        return assemble_transcripts(frame, column, outcome, shape)

    options = {"language": lang, **run}
    return _speech_frame(transcription_batch, df, column, assemble, into=into, session=session, **options)


def dub_frame(
    df: pd.DataFrame,
    column: Hashable,
    *,
    to: str | Sequence[str],
    source: Any = "en-us",
    into: str | None = None,
    session: Camb | None = None,
    **run: Any,
) -> SpeechBatch[pd.DataFrame]:
    """Dub the media URL in `df[column]` into every target; one task per URL, URL columns per target."""
    targets = _target_names(to)
    _refuse_taken(df, column, "dub", [f"{kind}_{t}" for t in targets for kind in ("video_url", "audio_url")])

    def assemble(frame: pd.DataFrame, outcome: SpeechOutcome) -> pd.DataFrame:
        return assemble_dubs(frame, targets, outcome)

    options = {"to": to, "source": source, **run}
    return _speech_frame(dubbing_batch, df, column, assemble, into=into, session=session, **options)


def _target_names(to: str | Sequence[str]) -> list[str]:
    """The targets as locale tags, in the order given."""
    from camb_notebook.api import resolve_language

    values = [to] if isinstance(to, str) else list(to)
    return list(dict.fromkeys(resolve_language(v).locale for v in values))
