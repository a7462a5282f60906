"""Server values reaching HTML (issue 16, item 1): allow-listed audio types, http(s)-only links, escaped text.

Real jobs against the sandbox's `hostile_content` mode: every string it serves carries a script payload,
every URL is `javascript:`, every audio content type closes its attribute.
"""

from __future__ import annotations

import html
import time

import ipywidgets as w
import pytest
from commlog import CommLog

from camb_notebook.api import DubbingResult, StoryResult, TtsResult
from camb_notebook.sandbox import Sandbox, make_wav
from camb_notebook.sandbox._hostile import HOSTILE_AUDIO_TYPE, PAYLOAD
from camb_notebook.sessions import Camb
from camb_notebook.streams import audio_type, safe_url
from camb_notebook.widgets import JobProgress
from camb_notebook.widgets._results import result_views

LIVE = ("<img", "<script", "javascript:", "data:text")


def _markup(views: list[w.Widget]) -> str:
    """Every HTML string the views (and the widgets inside them) would render: HTML values, Output html."""
    parts = []
    for view in views:
        if isinstance(view, w.HTML | w.HTMLMath):
            parts += [view.value, view.description]
        if isinstance(view, w.Output):
            parts += [o.get("data", {}).get("text/html", "") for o in view.outputs]
        if isinstance(view, w.Box):
            parts.append(_markup(list(view.children)))
    return "\n".join(parts)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "https://ok.example/a b",
        "",
        None,
    ],
)
def test_only_http_urls_are_links(url: object) -> None:
    """Anything but an absolute http(s) URL without spaces or control characters is refused."""
    assert safe_url(url) is None


def test_http_urls_pass() -> None:
    """Real result links are kept as they are."""
    assert safe_url("https://cdn.example/a.mp4?x=1&y=2") == "https://cdn.example/a.mp4?x=1&y=2"
    assert safe_url("HTTP://cdn.example/a") == "HTTP://cdn.example/a"


def test_content_types_come_from_an_allow_list() -> None:
    """A hostile type is never used; the bytes' magic decides, else nothing plays."""
    assert audio_type(HOSTILE_AUDIO_TYPE, b"RIFF") == "audio/wav"
    assert audio_type(HOSTILE_AUDIO_TYPE, b"\x00\x01") is None
    assert audio_type("Audio/MPEG; charset=x") == "audio/mpeg"
    assert audio_type("audio/x-wav") == "audio/wav"


def test_dub_and_story_links_are_escaped_http_links() -> None:
    """`javascript:`/`data:` links are named but not linked; http(s) links are real, styled, escaped links."""
    dub = DubbingResult(audio_url="javascript:alert(1)", video_url='https://cdn.example/v.mp4?a="b"&c=<d>')
    story = StoryResult(audio_url="data:text/html,<script>alert(1)</script>", dialogue_url=None)
    markup = _markup(result_views(dub)) + _markup(result_views(story))
    assert "javascript:" not in markup and "data:text" not in markup and "<script" not in markup
    assert "(link withheld)" in markup
    assert f'href="{html.escape(dub.video_url or "")}"' in markup
    assert "text-decoration:underline" in markup and "--jp-content-link-color" in markup


def test_a_hostile_audio_type_never_reaches_the_player() -> None:
    """A tts result whose content type carries markup plays by its bytes' type, or not at all."""
    (player,) = result_views(TtsResult(make_wav("hi"), HOSTILE_AUDIO_TYPE))
    assert isinstance(player, w.Audio) and player.format == "wav"
    (line,) = result_views(TtsResult(b"\x00\x01\x02\x03", HOSTILE_AUDIO_TYPE))
    assert isinstance(line, w.Label) and "no browser player" in line.value


# a hostile PENDING status is an unknown status: polled on, with a CambWarning (an error under pytest)
@pytest.mark.filterwarnings("ignore::camb_notebook.api.CambWarning")
def test_hostile_server_results_render_no_markup(
    comm_log: CommLog, camb: Camb, camb_sandbox: Sandbox
) -> None:
    """Real jobs against the hostile sandbox: their views hold the payload only escaped."""
    camb_sandbox.configure(hostile_content=True)
    jobs = [
        camb.translate(["Hello", "World"], to="fr-fr"),
        camb.transcribe(make_wav("Good evening"), language="en-us"),
        camb.dub("https://example.com/a.mp4", source="en-us", to="fr-fr"),
        camb.tts("Hello", voice=20298, language="en-us"),
    ]
    drawers = [JobProgress(job) for job in jobs]
    camb.wait(jobs, timeout=30)
    deadline = time.monotonic() + 20  # result views are built by main-thread events the wait may not have run
    while not all(d.result_box.children for d in drawers) and time.monotonic() < deadline:
        camb.manager.dispatcher.drain()
        time.sleep(0.02)
    markup = _markup([d.widget for d in drawers])
    assert all(job.state == "succeeded" for job in jobs), [job.error for job in jobs]
    assert html.escape(PAYLOAD[:30]) in markup  # the payload arrived, and is shown as text
    assert not any(live in markup for live in LIVE)
