"""SRT and WebVTT out and in: independent parsers accept every file we write; golden files round-trip."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import srt
import webvtt
from subtitle_helpers import GOLDEN, long_transcript

from camb_notebook.api import UsageError
from camb_notebook.subtitles import conform, cues, read, to_srt, to_vtt


def _check_srt(path: Path, frame: pd.DataFrame) -> None:
    """The `srt` package parses the file into the same cues (times to the millisecond, text)."""
    parsed = list(srt.parse(path.read_text(encoding="utf-8")))
    assert len(parsed) == len(frame)
    for cue, row in zip(parsed, frame.itertuples(), strict=True):
        assert round(cue.start.total_seconds(), 3) == round(row.start, 3)
        assert round(cue.end.total_seconds(), 3) == round(row.end, 3)
        assert cue.content == row.text


def _check_vtt(path: Path, frame: pd.DataFrame) -> None:
    """`webvtt-py` parses the file into the same cues; speakers come back as voice spans."""
    parsed = webvtt.read(str(path))
    assert len(parsed.captions) == len(frame)
    for caption, row in zip(parsed.captions, frame.itertuples(), strict=True):
        assert round(caption.start_in_seconds + caption.start_time.milliseconds / 1000, 3) == round(
            row.start, 3
        )
        assert round(caption.end_in_seconds + caption.end_time.milliseconds / 1000, 3) == round(row.end, 3)
        if isinstance(row.speaker, str):
            assert caption.voice == row.speaker
        assert caption.text == row.text


@pytest.mark.parametrize("layout", ["as-is", "netflix", "bbc"])
def test_every_written_file_parses_with_the_reference_readers(tmp_path: Path, layout: str) -> None:
    """120 cues (as transcribed, or conformed to a preset) written as .srt/.vtt parse with srt/webvtt-py."""
    frame = cues(long_transcript())
    if layout != "as-is":
        frame = conform(frame, layout)
    to_srt(frame, tmp_path / "a.srt")
    to_vtt(frame, tmp_path / "a.vtt")
    _check_srt(tmp_path / "a.srt", frame)
    _check_vtt(tmp_path / "a.vtt", frame)


@pytest.mark.parametrize("name", ["talk.srt", "talk.vtt"])
def test_golden_files_round_trip_byte_for_byte(tmp_path: Path, name: str) -> None:
    """read -> write gives the same bytes (cue ids, settings, voices, markup, unicode, hours kept)."""
    original = (GOLDEN / name).read_text(encoding="utf-8")
    frame = read(GOLDEN / name)
    write = to_srt if name.endswith(".srt") else to_vtt
    assert write(frame, tmp_path / name) == original
    assert (tmp_path / name).read_bytes() == (GOLDEN / name).read_bytes()
    assert read(tmp_path / name).drop(columns="flags").equals(frame.drop(columns="flags"))


def test_golden_vtt_reads_voices_ids_and_settings() -> None:
    """The WebVTT reader fills speaker, cue_id and settings; SRT has none of them."""
    frame = read(GOLDEN / "talk.vtt")
    assert frame["speaker"].tolist()[:2] == ["Ada Lovelace", "Bob"]
    assert frame["cue_id"].tolist()[1] == "intro-2"
    assert frame["settings"].tolist()[1] == "align:start line:90%"
    assert frame["start"].tolist()[2] == pytest.approx(3723.004)
    assert "cue_id" not in read(GOLDEN / "talk.srt").columns


def test_tolerant_reading_of_other_spellings(tmp_path: Path) -> None:
    """BOM, CRLF, short WebVTT times, NOTE blocks and closed voice spans read to the same cues."""
    path = tmp_path / "x.vtt"
    path.write_bytes(
        "\ufeffWEBVTT\r\n\r\nNOTE made by hand\r\n\r\n"
        "00:01.500 --> 00:03.000\r\n<v Ann>Hi there</v>\r\n".encode()
    )
    frame = read(path)
    assert frame[["start", "end", "speaker", "text"]].values.tolist() == [[1.5, 3.0, "Ann", "Hi there"]]
    assert to_vtt(frame) == "WEBVTT\n\n00:00:01.500 --> 00:00:03.000\n<v Ann>Hi there\n"


def test_speakers_in_srt_are_opt_in_and_unsafe_names_are_neutralised() -> None:
    """SRT names speakers only when asked; a `>` in a name cannot close the voice tag early."""
    frame = cues([{"start": 0, "end": 2, "text": "Hello", "speaker": "A>B & C"}])
    assert "A>B" not in to_vtt(frame) and "<v A B &amp; C>Hello" in to_vtt(frame)
    assert to_srt(frame).endswith("00:00:02,000\nHello\n")
    assert "A>B & C: Hello" in to_srt(frame, speakers=True)


def test_bad_files_fail_with_one_clear_line(tmp_path: Path) -> None:
    """A missing file, a bad timestamp or a missing header is a UsageError naming the place."""
    with pytest.raises(UsageError, match="file not found"):
        read(tmp_path / "none.srt")
    (tmp_path / "bad.srt").write_text("1\n00:00:0x,000 --> 00:00:02,000\nHi\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"bad timestamp .* bad\.srt cue 1"):
        read(tmp_path / "bad.srt")
    (tmp_path / "bad2.srt").write_text("hello\nworld\n", encoding="utf-8")
    with pytest.raises(UsageError, match="start --> end"):
        read(tmp_path / "bad2.srt")
