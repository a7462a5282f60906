"""Custom voices: the official SDK's create-custom-voice against the sandbox (contract), camb.clone_voice,
the voices table in words (`%camb voices german`), and the Speech tab's Preview button."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from camb.client import CambAI
from suite_helpers import wait_until

from camb_notebook.api import AmbiguousSubmitError, TtsResult, UsageError
from camb_notebook.sandbox import Sandbox, make_wav, read_wav_text
from camb_notebook.sessions import Camb
from camb_notebook.sessions._voice_table import age_group
from camb_notebook.widgets import Panel


@pytest.fixture
def sdk(camb_sandbox: Sandbox) -> Iterator[CambAI]:
    """The official SDK client, unmodified (only base_url and key), closed after the test."""
    client = CambAI(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url)
    yield client
    client._client_wrapper.httpx_client.httpx_client.close()


def test_sdk_create_custom_voice_then_list_voices_then_tts(
    sdk: CambAI, camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    """Contract: the SDK clones a voice (multipart, sync), sees it in list-voices, and speaks with it."""
    sample = tmp_path / "me.wav"
    sample.write_bytes(make_wav("This is my voice, recorded for cloning."))
    with sample.open("rb") as fh:
        made = sdk.voice_cloning.create_custom_voice(
            voice_name="Sam (clone)", gender=2, file=fh, age=41, language=31, description="Sam at home"
        )
    assert isinstance(made.voice_id, int)
    listed = {v["id"] if isinstance(v, dict) else v.id: v for v in sdk.voice_cloning.list_voices()}
    mine = listed[made.voice_id]
    fields = mine if isinstance(mine, dict) else mine.dict()
    assert (fields["voice_name"], fields["gender"], fields["age"], fields["language"]) == (
        "Sam (clone)",
        2,
        41,
        31,
    )
    assert len(listed) == 13

    tts = sdk.text_to_speech.create_tts(text="Cloned hello", voice_id=made.voice_id, language=1)
    for _ in range(200):
        status = sdk.text_to_speech.get_tts_result(tts.task_id)
        if status.status == "SUCCESS":
            break
    assert status.status == "SUCCESS"
    info = sdk.text_to_speech.get_tts_run_info(status.run_id, output_type="file_url")
    assert info.output_url.startswith(camb_sandbox.base_url)


def test_clone_voice_joins_the_voices_and_speaks(camb: Camb, camb_sandbox: Sandbox) -> None:
    """camb.clone_voice codes words (gender, language), returns a Voice that lists and speaks."""
    voice = camb.clone_voice(
        make_wav("Sample speech for the clone."), name=" Robin ", gender="female", age=29, language="german"
    )
    assert (voice.name, voice.gender, voice.age, voice.language) == ("Robin", 2, 29, 31)
    table = camb.voices()
    row = table[table["id"] == voice.id].iloc[0]
    assert (row["gender"], row["age"], row["age_years"], row["language"], row["locale"]) == (
        "female",
        "young adult",
        29,
        "German (Germany)",
        "de-de",
    )
    assert row["sample_url"].startswith(camb_sandbox.base_url)
    result = camb.tts("Spoken by the clone", voice=voice, language="en-us").result(timeout=20)
    assert isinstance(result, TtsResult) and read_wav_text(result.audio) == "Spoken by the clone"
    assert camb_sandbox.stats.requests.get("POST create-custom-voice") == 1


def test_bad_clone_input_fails_in_one_line_before_sending(camb: Camb, camb_sandbox: Sandbox) -> None:
    """Unknown gender, missing file, empty bytes, bad age: a UsageError, and nothing reaches the server."""
    with pytest.raises(UsageError, match="unknown gender"):
        camb.clone_voice(b"x", name="A", gender="robot")
    with pytest.raises(UsageError, match="file not found"):
        camb.clone_voice("/nonexistent/me.wav", name="A", gender="male")
    with pytest.raises(UsageError, match="empty"):
        camb.clone_voice(b"", name="A", gender="male")
    with pytest.raises(UsageError, match="age"):
        camb.clone_voice(b"RIFF", name="A", gender="male", age=-3)
    assert "POST create-custom-voice" not in camb_sandbox.stats.requests


def test_a_create_cut_after_sending_is_never_resent(camb: Camb, camb_sandbox: Sandbox) -> None:
    """A 503 after the upload: the clone may exist, so it is reported, not retried (billed once)."""
    camb_sandbox.fail_next("503", route="POST create-custom-voice")
    with pytest.raises(AmbiguousSubmitError):
        camb.clone_voice(make_wav("sample"), name="Twice?", gender="male")
    assert camb_sandbox.stats.requests["POST create-custom-voice"] == 1


def test_voices_are_searchable_by_words(camb: Camb) -> None:
    """`voices("german")` finds the German voice; words combine; "male" never matches "female"."""
    assert camb.voices("german")["name"].tolist() == ["Felix (sandbox)"]
    males = camb.voices("male")
    assert len(males) == 6 and set(males["gender"]) == {"male"}
    assert camb.voices("female french")["name"].tolist() == ["Chloé (sandbox)"]
    assert camb.voices("young adult")["age"].eq("young adult").all()
    assert camb.voices("no such voice").empty
    assert [age_group(a) for a in (None, 8, 16, 25, 40, 70)] == [
        None,
        "child",
        "teen",
        "young adult",
        "adult",
        "senior",
    ]


def test_camb_voices_magic_shows_words_and_searches(ip: Any, sandboxed: Sandbox) -> None:
    """`%camb voices german` in a shell returns the table with words."""
    frame = ip.run_line_magic("camb", "voices german")
    assert frame["name"].tolist() == ["Felix (sandbox)"]
    assert frame[["gender", "age", "language"]].iloc[0].tolist() == ["male", "adult", "German (Germany)"]


def test_speech_tab_preview_plays_a_sample_or_a_spoken_line(camb: Camb) -> None:
    """Preview: a cloned voice plays its sample URL; a built-in one speaks a line, played as a data URI."""
    clone = camb.clone_voice(make_wav("clone sample"), name="Kim", gender="neutral")
    ui = Panel(camb)
    tab = ui.speech
    tab.preview.play()
    assert "choose a voice" in tab.preview.output.value
    tab.load_voices()
    assert tab._loading is not None
    # The future resolves before its done-callback posts the options: drain until they are shown.
    wait_until(lambda: camb.manager.dispatcher.drain() >= 0 and tab.voices, 10, "the voice list")
    tab.voice.value = clone.id
    tab.preview.play()
    assert "<audio" in tab.preview.output.value and "/voice-samples/" in tab.preview.output.value
    tab.voice.value = 20298
    tab.preview.play()
    assert "speaking a line as Alice" in tab.preview.output.value
    assert tab.preview.job is not None
    tab.preview.job.result(timeout=20)
    camb.manager.dispatcher.drain()
    page = tab.preview.output.value
    assert "src='data:audio/wav;base64," in page
    audio = base64.b64decode(page.split("base64,")[1].split("'")[0])
    assert read_wav_text(audio) == "Hello! This is how I sound."
