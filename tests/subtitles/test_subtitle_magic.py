"""`%camb subtitles FILE --to ... -o subs`: files next to the media, a player with the tracks, all escaped."""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path
from typing import Any

import pytest
import srt
import webvtt
from IPython.utils.io import capture_output

from camb_notebook.api import UsageError
from camb_notebook.magics._subtitles import preview_html
from camb_notebook.sandbox import make_wav
from camb_notebook.subtitles import cues

SPEECH = "Welcome to the workshop. Today we build a small wooden box. Measure twice, and cut once."


def _html(captured: Any) -> str:
    """The text/html outputs of a captured cell."""
    return "".join(o.data.get("text/html", "") for o in captured.outputs)


@pytest.mark.parametrize(("name", "tag"), [("talk.wav", "audio"), ("clip.webm", "video")])
def test_subtitles_magic_writes_tracks_and_shows_a_player(
    ip: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, tag: str
) -> None:
    """A local file: transcribed, translated keeping timing, written as .srt/.vtt per language, previewed."""
    media = tmp_path / "media" / name
    media.parent.mkdir()
    media.write_bytes(make_wav(SPEECH))  # the sandbox hears the text a sandbox WAV carries
    monkeypatch.chdir(tmp_path)
    with capture_output() as captured:
        ip.run_line_magic("camb", f"subtitles media/{name} --to es-es,fr-fr -o subs --wait")
    stem = media.stem
    for language in ("en-us", "es-es", "fr-fr"):
        assert list(srt.parse((media.parent / f"{stem}.{language}.srt").read_text(encoding="utf-8")))
        assert webvtt.read(str(media.parent / f"{stem}.{language}.vtt")).captions
    tracks = ip.user_ns["subs"]
    assert sorted(tracks) == ["en-us", "es-es", "fr-fr"]
    assert tracks["fr-fr"]["end"].tolist() == tracks["en-us"]["end"].tolist()
    page = _html(captured)
    assert f'<{tag} controls preload="metadata"' in page and f'src="media/{name}"' in page
    sources = re.findall(r'src="data:text/vtt;base64,([^"]+)"', page)
    assert len(sources) == 3
    assert base64.b64decode(sources[1]).decode() == (media.parent / f"{stem}.es-es.vtt").read_text()
    assert 'label="es-es" srclang="es"' in page and page.count(" default>") == 1


def test_subtitles_magic_fails_in_one_line_before_any_job(ip: Any, tmp_path: Path) -> None:
    """A missing file or an unknown preset is a UsageError; nothing is submitted."""
    with pytest.raises(UsageError, match="file not found"):
        ip.run_line_magic("camb", f"subtitles {tmp_path}/none.mp4 --to es-es")
    with pytest.raises(UsageError, match="unknown subtitle preset"):
        ip.run_line_magic("camb", f"subtitles {tmp_path}/none.mp4 --to es-es --preset hbo")


def test_preview_escapes_what_the_server_sent() -> None:
    """Language keys, cue text and the media URL cannot inject markup; only http(s) media URLs are used."""
    frame = cues([{"start": 0, "end": 2, "text": "</track><script>alert(1)</script>", "speaker": "<b>"}])
    page = preview_html('https://example.com/a.mp4?x="><script>', {'"><script>x': frame})
    assert "<script" not in page
    assert "&quot;&gt;&lt;script&gt;x" in page
    local = preview_html("javascript:alert(1)", {"es-es": frame})
    assert 'src="javascript:' not in local


def test_subtitles_magic_without_wait_fills_its_player_when_done(
    ip: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --wait the cell returns at once; done callbacks write the files and fill the player widget."""
    import IPython.display
    import ipywidgets

    from camb_notebook.sessions import session

    (tmp_path / "talk.wav").write_bytes(make_wav(SPEECH))
    monkeypatch.chdir(tmp_path)
    shown: list[Any] = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    ip.run_line_magic("camb", "subtitles talk.wav --to de-de -o later")
    (view,) = [w for w in shown if isinstance(w, ipywidgets.HTML)]
    assert "waiting for the server" in view.value and "later" not in ip.user_ns
    dispatcher = session().manager.dispatcher
    for _ in range(500):
        dispatcher.drain()
        if "later" in ip.user_ns:
            break
        time.sleep(0.02)
    assert sorted(ip.user_ns["later"]) == ["de-de", "en-us"]
    assert "<audio controls" in view.value and (tmp_path / "talk.de-de.vtt").is_file()
