"""Results of other families as frames: transcription segments, dubbing transcripts, the jobs table."""

from __future__ import annotations

import pandas as pd

from camb_notebook.frames import dubbing_frame, transcript_frame
from camb_notebook.sandbox import make_wav
from camb_notebook.sessions import Camb
from camb_notebook.sessions._tables import jobs_frame

SPEECH = "hello there. how are you today? fine thanks"


def test_transcript_frame_has_one_row_per_segment(camb: Camb) -> None:
    """A sandbox transcription becomes start/end/speaker/text rows in order, times as floats."""
    result = camb.transcribe(make_wav(SPEECH), language="en-us").result(timeout=30)
    frame = transcript_frame(result)
    assert list(frame.columns) == ["start", "end", "speaker", "text"]
    assert frame["text"].tolist() == [s.text for s in result.segments]
    assert frame["start"].dtype == "float64" and frame["end"].dtype == "float64"
    assert (frame["end"] > frame["start"]).all() and frame["start"].is_monotonic_increasing
    assert transcript_frame(result.segments).equals(frame)


def test_dubbing_frame_single_and_multi_target(camb: Camb) -> None:
    """One target gives its transcript; several add a leading language column, one block per language."""
    single = camb.dub("https://example.com/clip.mp4", source="en-us", to="fr-fr").result(timeout=30)
    frame = dubbing_frame(single)
    assert list(frame.columns) == ["start", "end", "speaker", "text"]
    assert frame["text"].iloc[0].startswith("[sandbox fr-fr:")

    multi = camb.dub("https://example.com/clip.mp4", source="en-us", to=["fr-fr", "de-de"]).result(timeout=30)
    frame = dubbing_frame(multi)
    assert list(frame.columns) == ["language", "start", "end", "speaker", "text"]
    assert frame["language"].unique().tolist() == ["fr-fr", "de-de"]
    assert frame.index.equals(pd.RangeIndex(len(frame)))


def test_jobs_frame_lists_jobs_with_state_and_errors(camb: Camb) -> None:
    """The jobs table has one row per job (order kept), UTC timestamps, cache flags and one-line errors."""
    first = camb.translate("Hello", to="fr-fr")
    first.result(timeout=30)
    again = camb.translate("Hello", to="fr-fr")
    again.result(timeout=30)
    frame = jobs_frame([first, again])
    assert frame["id"].tolist() == [first.id, again.id]
    assert frame["state"].tolist() == ["succeeded", "succeeded"]
    assert frame["cached"].tolist() == [False, True]
    assert str(frame["created_at"].dtype).startswith("datetime64") and frame["error"].isna().all()
    assert camb.jobs()["id"].tolist() == [first.id, again.id]
