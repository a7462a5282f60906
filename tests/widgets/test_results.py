"""Result views under a finished bar, for each family, from real sandbox jobs."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w
from commlog import CommLog

from camb_notebook.jobs import Job
from camb_notebook.sandbox import make_wav
from camb_notebook.sessions import Camb
from camb_notebook.widgets import JobProgress


def finished(camb: Camb, job: Job) -> list[w.Widget]:
    """Draw `job`, wait for it (running its callbacks), and return what appeared under the bar."""
    drawer = JobProgress(job)
    camb.wait(job, timeout=20)
    assert job.state == "succeeded", job.error
    return list(drawer.result_box.children)


def test_speech_shows_an_audio_player(comm_log: CommLog, camb: Camb) -> None:
    """A tts result becomes an Audio widget holding the returned bytes in their format."""
    job = camb.tts("Hello from the sandbox", voice=20298, language="en-us")
    (player,) = finished(camb, job)
    assert isinstance(player, w.Audio)
    result = job.result(timeout=20)
    assert player.value == result.audio
    assert player.format == result.content_type.split("/")[1]
    assert comm_log.latest(player, "controls") is True


def test_transcription_shows_the_segments_table(comm_log: CommLog, camb: Camb) -> None:
    """A transcription result becomes a start/end/speaker/text table with its row count."""
    job = camb.transcribe(make_wav("Good evening everyone"), language="en-us")
    (table,) = finished(camb, job)
    assert isinstance(table, w.Output)
    html = table.outputs[0]["data"]["text/html"]
    assert "speaker" in html and "Good evening" in html
    rows = len(job.result(timeout=20).segments)
    assert table.outputs[1]["text"].startswith(f"{rows} row")


def test_dubbing_shows_links_and_the_transcript(comm_log: CommLog, camb: Camb) -> None:
    """A dubbing result becomes download links (per language) over its transcript table."""
    job = camb.dub("https://example.com/talk.mp4", source="en-us", to=["fr-fr", "es-es"])
    views = finished(camb, job)
    links = next(v for v in views if isinstance(v, w.HTML))
    result = job.result(timeout=20)
    urls = [result.video_url, result.audio_url, *(r.video_url for r in result.by_language.values())]
    assert all(url and url in links.value for url in urls if url)
    assert 'target="_blank"' in links.value
    assert any(isinstance(v, w.Output) for v in views)


def test_story_shows_links_and_the_transcript(comm_log: CommLog, camb: Camb, tmp_path: Path) -> None:
    """A story result becomes audio/dialogue links and the narrated transcript."""
    story = tmp_path / "fox.txt"
    story.write_text("The quick brown fox. It jumped over the lazy dog.", encoding="utf-8")
    job = camb.story(story, language="en-us")
    views = finished(camb, job)
    links = next(v for v in views if isinstance(v, w.HTML))
    result = job.result(timeout=20)
    assert result.audio_url in links.value and result.dialogue_url in links.value
    table = next(v for v in views if isinstance(v, w.Output))
    assert "fox" in table.outputs[0]["data"]["text/html"]
