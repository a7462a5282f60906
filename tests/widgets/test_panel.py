"""The panel on a real session and sandbox: tabs, inline validation, non-blocking submits, the key line."""

from __future__ import annotations

import json

import ipywidgets as w
import pandas as pd
import pytest
from commlog import CommLog
from IPython.core.interactiveshell import InteractiveShell
from suite_helpers import hold_tasks, release_tasks, wait_until

from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb
from camb_notebook.widgets import Panel, panel

LINES = ["Hello", "Good morning", "See you"]


@pytest.fixture
def ui(comm_log: CommLog, camb: Camb) -> Panel:
    """The panel for that session, with comm messages recorded."""
    return panel(camb)


def test_tabs_are_the_seven_in_order(ui: Panel) -> None:
    """The panel's tabs are Translate, Speech, Transcribe, Dub, Story, Catalog and Jobs, in that order."""
    assert ui.tabs.titles == ("Translate", "Speech", "Transcribe", "Dub", "Story", "Catalog", "Jobs")
    assert ui.tabs.children[-1] is ui.board.widget


@pytest.mark.parametrize(
    ("text", "target", "message"),
    [
        ("", "de-de", "enter at least one line of text"),
        ("  \n \n", "de-de", "enter at least one line of text"),
        ("Hello", None, "add at least one target language"),
    ],
)
def test_translate_validates_inline_before_submitting(
    comm_log: CommLog, ui: Panel, camb: Camb, text: str, target: str | None, message: str
) -> None:
    """Empty text or no target shows an inline message and submits nothing."""
    form = ui.translate
    form.text.value = text
    if target:
        form.targets.search.value = target
    form.submit.button.click()
    assert message in comm_log.latest(form.submit.message, "value")
    assert camb.manager.jobs() == [] and form.submit.jobs.children == ()


def test_unknown_target_is_refused_with_the_closest_matches(comm_log: CommLog, ui: Panel) -> None:
    """Typing an unknown language into the target search says so inline and adds no tag."""
    targets = ui.translate.targets
    targets.search.value = "Klingon"
    assert "Klingon" in comm_log.latest(targets.message, "value")
    assert targets.tags.value == []


def test_targets_accept_names_and_locales_and_keep_them_unique(ui: Panel) -> None:
    """Names, locales and catalog labels all resolve to locale tags, each added once."""
    targets = ui.translate.targets
    for typed in ("German", "de-de", "Spanish (Spain) [es-es]", "fr"):
        targets.search.value = typed
    assert targets.tags.value == ["de-de", "es-es", "fr-fr"]
    assert targets.search.value == ""


def test_translate_three_lines_to_two_targets(
    comm_log: CommLog, ui: Panel, camb: Camb, camb_sandbox: Sandbox
) -> None:
    """Submitting returns at once with a batch bar; once done it is green at 6/6 over the result table."""
    hold_tasks(camb_sandbox, "translation")  # still running after the click, however slow the machine
    form = ui.translate
    form.text.value = "\n".join(LINES)
    form.targets.search.value = "de-de"
    form.targets.search.value = "es-es"
    form.submit.button.click()
    drawer = form.submit.drawers[0]
    assert not drawer.job.done()
    release_tasks(camb_sandbox)
    drawer.job.result(timeout=20)
    assert comm_log.latest(drawer.bar, "bar_style") == "success"
    assert "6/6" in comm_log.latest(drawer.status, "value")
    (table,) = drawer.result_box.children
    html = table.outputs[0]["data"]["text/html"]
    for line in LINES:
        assert pseudo_localize(line, "de-de") in html and pseudo_localize(line, "es-es") in html


def test_translate_a_dataframe_column(comm_log: CommLog, ui: Panel) -> None:
    """DataFrame mode lists the notebook's frames and their columns, and translates the chosen column."""
    shell = InteractiveShell.instance()
    shell.user_ns["reviews"] = pd.DataFrame({"id": [1, 2], "body": ["Nice", "Too slow"]})
    try:
        form = ui.translate
        form.mode.value = "DataFrame"
        assert "reviews" in form.frame.options
        form.frame.value = "reviews"
        assert form.column.options == ("id", "body")
        form.column.value = "body"
        form.targets.search.value = "it-it"
        form.submit.button.click()
        frame = form.submit.drawers[0].job.result(timeout=20)
    finally:
        del shell.user_ns["reviews"]
    assert list(frame.filter(like="it").iloc[:, 0]) == [
        pseudo_localize(t, "it-it") for t in ("Nice", "Too slow")
    ]


def test_speech_loads_voices_without_blocking_and_filters_them(ui: Panel, camb: Camb) -> None:
    """Opening Speech fetches voices on the loop thread; the name filter and gender narrow the picker."""
    ui.tabs.selected_index = 1
    assert ui.speech._loading is not None
    # The future resolves before its done-callback posts the options: drain until they are shown.
    wait_until(lambda: camb.manager.dispatcher.drain() >= 0 and ui.speech.voices, 10, "the voice list")
    assert len(ui.speech.voice.options) == len(ui.speech.voices) > 3
    ui.speech.search.value = "alice"
    assert [label for label, _ in ui.speech.voice.options] == ["Alice (sandbox) (#20298)"]
    ui.speech.search.value = ""
    ui.speech.gender.value = 1
    assert all(v.gender == 1 for v in ui.speech.voices if v.id in dict(ui.speech.voice.options).values())


def test_speech_submit_plays_the_result(comm_log: CommLog, ui: Panel, camb: Camb) -> None:
    """Speech validates text and voice, then the finished job shows an audio player."""
    form = ui.speech
    form.submit.button.click()
    assert "enter some text" in comm_log.latest(form.submit.message, "value")
    form.text.value = "Welcome to the sandbox"
    form.submit.button.click()
    assert "voice list has not loaded" in comm_log.latest(form.submit.message, "value")
    ui.tabs.selected_index = 1
    # The future resolves before its done-callback posts the options: drain until they are shown.
    wait_until(lambda: camb.manager.dispatcher.drain() >= 0 and form.voices, 10, "the voice list")
    form.submit.button.click()
    drawer = form.submit.drawers[0]
    camb.wait(drawer.job, timeout=20)
    (player,) = drawer.result_box.children
    assert isinstance(player, w.Audio) and player.value[:4] == b"RIFF"


@pytest.mark.parametrize(
    ("url", "message"),
    [("", "upload a file or enter a URL"), ("ftp://x/y.mp3", "enter an http(s) URL")],
)
def test_transcribe_validates_its_source(comm_log: CommLog, ui: Panel, url: str, message: str) -> None:
    """Transcribe needs an upload or an http(s) URL."""
    ui.transcribe.url.value = url
    ui.transcribe.submit.button.click()
    assert message in comm_log.latest(ui.transcribe.submit.message, "value")


def test_transcribe_upload_keeps_its_file_name_and_type(ui: Panel, camb: Camb) -> None:
    """An uploaded file goes to the server under its own name and type, not as upload.bin/octet-stream."""
    upload = {"name": "talk.mp3", "type": "audio/mpeg", "size": 4, "content": b"ID3x", "last_modified": 0}
    ui.transcribe.upload.set_state({"value": [upload]})
    ui.transcribe.submit.button.click()
    (drawer,) = ui.transcribe.submit.drawers
    result = drawer.job.result(timeout=20)
    assert "talk.mp3" in result.segments[0].text  # the sandbox transcribes what it was told the file is


def test_dub_and_story_validate_then_submit(comm_log: CommLog, ui: Panel, camb: Camb) -> None:
    """Dub needs a URL and targets; Story needs a .txt/.docx upload (sent as bytes); both then start jobs."""
    ui.dub.submit.button.click()
    assert "enter a URL" in comm_log.latest(ui.dub.submit.message, "value")
    ui.dub.url.value = "https://example.com/talk.mp4"
    ui.dub.submit.button.click()
    assert "add at least one target" in comm_log.latest(ui.dub.submit.message, "value")
    ui.dub.targets.search.value = "fr-fr"
    ui.dub.submit.button.click()
    assert comm_log.latest(ui.dub.submit.message, "value") == ""
    ui.story.submit.button.click()
    assert "upload a .txt or .docx" in comm_log.latest(ui.story.submit.message, "value")
    upload = {
        "name": "tale.txt",
        "type": "text/plain",
        "size": 9,
        "content": b"Once upon",
        "last_modified": 0,
    }
    ui.story.upload.set_state({"value": [upload]})
    ui.story.submit.button.click()
    families = sorted(job.family for job in camb.manager.jobs())
    assert families == ["dubbing", "story"]
    story = next(job for job in camb.manager.jobs() if job.family == "story")
    assert "file_path" not in story.request  # uploaded from memory: no temp file left behind
    assert (story.request["file_bytes"], story.request["filename"]) == (b"Once upon", "tale.txt")
    camb.wait(timeout=20)
    assert [job.state for job in camb.manager.jobs()] == ["succeeded", "succeeded"]


def test_key_line_is_masked_and_sets_a_session_key(
    comm_log: CommLog, ui: Panel, camb: Camb, camb_sandbox: Sandbox
) -> None:
    """The key line shows only a masked status; a typed key is used by the session and never echoed."""
    secret = "sk-live-0123456789abcdef"
    ui.key.password.set_state({"value": secret})  # what the browser sends; the kernel does not echo it
    ui.key.button.click()
    assert ui.key.password.value == ""
    assert "set for this session only" in comm_log.latest(ui.key.message, "value")
    assert "cdef" in comm_log.latest(ui.key.status, "value")
    assert all(secret not in json.dumps(data, default=str) for _t, _id, data in comm_log.messages)
    assert secret not in repr(camb)
    job = camb.translate("Hello", to="fr-fr")
    camb.wait(job, timeout=20)
    assert job.state == "failed" and type(job.error).__name__ == "AuthenticationError"
