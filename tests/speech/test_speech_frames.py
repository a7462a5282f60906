"""df.camb.tts / .transcribe / .dub against the sandbox over loopback HTTP: files, frames, dedupe, retry."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import camb_notebook.frames  # noqa: F401  (registers df.camb)
from camb_notebook.api import UsageError
from camb_notebook.jobs import SpeechBatch
from camb_notebook.jobs._speech_files import safe_names
from camb_notebook.sandbox import Sandbox, make_wav, read_wav_text
from camb_notebook.sessions import Camb
from camb_notebook.widgets._snapshot import take_snapshot

VOICE = 20298


def test_sixty_rows_make_a_wav_file_per_row_billed_once_per_distinct_text(
    camb: Camb, camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    """60 rows (3 repeats, one blank): a WAV per row named from the index, one task per distinct text.

    (The 200-row acceptance run, with a kernel killed midway, is tests/speech/test_speech_kernel.py.)
    """
    texts: list[object] = [f"Line number {i}." for i in range(57)] + [f"Line number {i}." for i in range(3)]
    texts[7] = "   "
    df = pd.DataFrame({"text": texts}, index=[f"clip/{i:03d}" for i in range(60)])
    out_dir = tmp_path / "audio"
    batch = df.camb.tts("text", voice=VOICE, lang="en-us", out_dir=out_dir, concurrency=20, session=camb)
    assert isinstance(batch, SpeechBatch)
    out = batch.result(timeout=120)

    assert camb_sandbox.stats.tasks_created == {"tts": 56}  # 57 distinct texts, row 7 blank
    assert batch.state == "succeeded" and batch.done_count == 59 and batch.failed_count == 0
    added = ["audio_path", "duration_s", "camb_status_tts", "camb_error_tts", "camb_status", "camb_error"]
    assert list(out.columns) == ["text", *added]
    assert out.index.equals(df.index)
    assert out.loc["clip/007", "camb_status"] == "skipped" and pd.isna(out.loc["clip/007", "audio_path"])
    done = out[out["camb_status"] == "ok"]
    assert len(done) == 59 and done["camb_error"].isna().all()
    assert len(list(out_dir.glob("*.wav"))) == 59
    for label, row in done.iterrows():
        path = Path(row["audio_path"])
        assert path.name == f"clip_{str(label)[5:]}.wav"
        with wave.open(str(path)) as reader:
            seconds = reader.getnframes() / reader.getframerate()
        assert seconds > 0 and row["duration_s"] == pytest.approx(seconds)
        assert read_wav_text(path.read_bytes()) == row["text"]
    assert not list(out_dir.glob(".*"))  # no temporary files left behind


def test_players_grid_embeds_the_first_rows_and_escapes_text(camb: Camb, tmp_path: Path) -> None:
    """players(n) shows n players with data URIs; user text is escaped."""
    df = pd.DataFrame({"text": ["<b>bold</b> hello", "second", "third"]})
    out = df.camb.tts("text", voice=VOICE, out_dir=tmp_path, session=camb).result(timeout=30)
    grid = out.camb.players(2)
    page = grid._repr_html_()
    assert page.count("<audio") == 2 and page.count("base64,UklGR") == 2  # WAV files, embedded
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "1 more row" in page and repr(grid) == "<AudioGrid 2 of 3 rows>"
    with pytest.raises(UsageError, match="audio_path"):
        df.camb.players()


def test_safe_names_are_distinct_and_never_escape_the_folder() -> None:
    """Labels become safe, distinct stems: no separators, no dots first, no reserved names, no clashes."""
    names = safe_names(["../etc/passwd", "a b", "a_b", "A_B", "", "CON", 3, ("x", 1), "é"])
    assert names == ["etc_passwd", "a_b", "a_b-2", "A_B-3", "row", "CON_", "3", "x_1", "e"]


def test_a_failed_row_keeps_the_others_and_retry_failed_resends_only_it(
    camb: Camb, camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    """One task ERRORs: its row is failed with the reason, the rest are written; retry_failed re-sends one."""
    df = pd.DataFrame({"text": ["one", "two", "three"]}, index=[10, 20, 30])
    camb_sandbox.fail_next("error=HARMFUL_CONTENT_DETECTED", route="POST tts")
    batch = df.camb.tts("text", voice=VOICE, out_dir=tmp_path, concurrency=1, session=camb)
    out = batch.result(timeout=30)
    assert batch.state == "failed" and batch.failed_count == 1
    assert out["camb_status"].tolist() == ["failed", "ok", "ok"]
    assert "HARMFUL_CONTENT_DETECTED" in out.loc[10, "camb_error"]
    assert sorted(p.name for p in tmp_path.glob("*.wav")) == ["20.wav", "30.wav"]
    assert take_snapshot(batch).note.startswith("1 of 3 rows failed (JobFailed")  # the bar counts rows

    again = batch.retry_failed().result(timeout=30)
    assert again["camb_status"].tolist() == ["ok", "ok", "ok"] and (tmp_path / "10.wav").is_file()
    assert camb_sandbox.stats.tasks_created == {"tts": 4}


def test_transcribe_long_and_wide_with_a_missing_file(camb: Camb, tmp_path: Path) -> None:
    """Long: a row per segment under the source index; wide: one transcript per row; a missing file fails."""
    first, second = tmp_path / "a.wav", tmp_path / "b.wav"
    first.write_bytes(make_wav("Hello there. General Kenobi."))
    second.write_bytes(make_wav("Short one."))
    df = pd.DataFrame({"media": [str(first), second, str(tmp_path / "nope.wav")]}, index=["x", "y", "z"])
    long = df.camb.transcribe("media", lang="en-us", session=camb).result(timeout=30)
    assert list(long.columns) == ["media", "start", "end", "speaker", "text", "camb_status", "camb_error"]
    assert long.loc["x", "text"].tolist() == ["Hello there.", "General Kenobi."]
    assert long.loc["x", "speaker"].tolist() == ["SPEAKER_0", "SPEAKER_1"]
    assert long.loc["x", "start"].is_monotonic_increasing and long.loc["y", "text"] == "Short one."
    assert long.loc["z", "camb_status"] == "failed" and "file not found" in long.loc["z", "camb_error"]
    assert np.isnan(long.loc["z", "start"])

    wide = df.camb.transcribe("media", lang="en-us", shape="wide", session=camb).result(timeout=30)
    assert wide.index.tolist() == ["x", "y", "z"] and "Short one" in wide.loc["y", "transcript"]
    assert wide["camb_status"].tolist() == ["ok", "ok", "failed"]


def test_dub_frame_gives_url_columns_per_target(camb: Camb, camb_sandbox: Sandbox) -> None:
    """Two URLs (one repeated) into two targets: one task per distinct URL, URL columns per target."""
    urls = ["https://example.com/a.mp4", "https://example.com/b.mp3", "https://example.com/a.mp4"]
    df = pd.DataFrame({"url": urls})
    out = df.camb.dub("url", to=["fr-fr", "es-es"], session=camb).result(timeout=30)
    assert camb_sandbox.stats.tasks_created == {"dubbing": 2}
    assert [c for c in out.columns if c.endswith(("fr-fr", "es-es"))] == [
        "video_url_fr-fr",
        "audio_url_fr-fr",
        "video_url_es-es",
        "audio_url_es-es",
    ]
    assert out["audio_url_es-es"].str.startswith("http").all()
    assert out["camb_status"].tolist() == ["ok"] * 3
    with pytest.raises(UsageError, match="http"):
        df.assign(url=["/local/file.mp4"] * 3).camb.dub("url", to="fr-fr", session=camb)


def test_a_task_budget_leaves_rows_not_sent_and_a_rerun_is_served_from_the_cache(
    camb: Camb, camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    """max_tasks=2 of 3: one row `not_sent`; run again, only that one is created (the rest are cached)."""
    df = pd.DataFrame({"text": ["alpha", "beta", "gamma"]})
    first = df.camb.tts("text", voice=VOICE, out_dir=tmp_path, concurrency=1, max_tasks=2, session=camb)
    out = first.result(timeout=30)
    assert out["camb_status"].tolist() == ["ok", "ok", "not_sent"] and first.not_sent_count == 1
    assert camb_sandbox.stats.tasks_created == {"tts": 2}
    # Cached rows cost nothing against the budget: max_tasks=1 is enough for the one row never sent.
    again = df.camb.tts("text", voice=VOICE, out_dir=tmp_path, max_tasks=1, session=camb).result(timeout=30)
    assert again["camb_status"].tolist() == ["ok"] * 3 and len(list(tmp_path.glob("*.wav"))) == 3
    assert camb_sandbox.stats.tasks_created == {"tts": 3}
