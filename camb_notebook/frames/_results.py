"""Results as DataFrames: transcript segments and dubbing transcripts (one row per segment).

Pure pandas. Usage: `transcript_frame(job.result())`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from camb_notebook.api import DubbingResult, Segment, TranscriptionResult

__all__ = ["dubbing_frame", "transcript_frame"]


def _segments_frame(segments: Iterable[Segment]) -> pd.DataFrame:
    """Segments as rows with `start`, `end` (seconds), `speaker`, `text`."""
    rows = [(s.start, s.end, s.speaker, s.text) for s in segments]
    frame = pd.DataFrame(rows, columns=["start", "end", "speaker", "text"])
    return frame.astype({"start": "float64", "end": "float64"})


def transcript_frame(result: TranscriptionResult | Sequence[Segment]) -> pd.DataFrame:
    """A transcription result (or its segments) as a frame with `start`, `end`, `speaker`, `text`."""
    segments = result if isinstance(result, Sequence) else result.segments
    return _segments_frame(segments)


def dubbing_frame(result: DubbingResult) -> pd.DataFrame:
    """A dubbing transcript as segments; a multi-target result adds a leading `language` column."""
    if not result.by_language:
        return _segments_frame(result.transcript)
    parts = [
        _segments_frame(item.transcript).assign(language=language)
        for language, item in result.by_language.items()
    ]
    frame = pd.concat(parts, ignore_index=True)
    return frame[["language", "start", "end", "speaker", "text"]]
