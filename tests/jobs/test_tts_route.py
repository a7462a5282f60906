"""`camb.tts()` without stream=True reads the current `tts-stream` route whole, not the deprecated `tts` task
flow (issue #16 item 11), and is still a journaled, cached, billed-once Job. Real sandbox over loopback HTTP;
the official SDK reads the same route from the same sandbox."""

from __future__ import annotations

import pytest
from camb.client import CambAI
from suite_helpers import wait_until

from camb_notebook.api import AmbiguousSubmitError, TtsResult, UsageError
from camb_notebook.jobs import Journal
from camb_notebook.sandbox import Sandbox, read_wav_text
from camb_notebook.sessions import Camb

VOICE = 20298
TEXT = "Spoken whole through the current route."


def _posts(sandbox: Sandbox) -> dict[str, int]:
    """How many `tts` (legacy) and `tts-stream` requests the sandbox answered."""
    requests = sandbox.stats.requests
    return {"tts": requests.get("POST tts", 0), "tts-stream": requests.get("POST tts-stream", 0)}


def test_tts_reads_tts_stream_whole_as_a_job(camb: Camb, camb_sandbox: Sandbox) -> None:
    """One POST tts-stream, no legacy create: a TtsResult, journaled as a tts job without a task."""
    job = camb.tts(TEXT, voice=VOICE)
    result = job.result(timeout=20)
    assert isinstance(result, TtsResult) and result.content_type.startswith("audio/")
    assert _posts(camb_sandbox) == {"tts": 0, "tts-stream": 1}
    assert camb_sandbox.stats.tasks_created.get("tts", 0) == 0  # no task: the answer is the audio
    assert job.state == "succeeded" and job.task_id is None
    journal = Journal(camb.manager.journal.home)
    wait_until(lambda: getattr(journal.get(job.id), "state", None) == "succeeded", what="the row final")
    assert journal.get(job.id).family == "tts"  # type: ignore[union-attr]
    journal.close()
    fresh = camb.tts(TEXT, voice=VOICE, language="en-us", cache=False)  # cache=False: sent again
    assert fresh.result(timeout=20).audio == result.audio and _posts(camb_sandbox)["tts-stream"] == 2


def test_the_same_speech_again_is_served_from_the_journal(camb: Camb, camb_sandbox: Sandbox) -> None:
    """An identical tts() is not sent again (the result cache), so it is not billed twice."""
    first = camb.tts(TEXT, voice=VOICE).result(timeout=20)
    again = camb.tts(TEXT, voice=VOICE)
    assert again.result(timeout=20).audio == first.audio and again.cached
    assert _posts(camb_sandbox)["tts-stream"] == 1


def test_speech_cut_off_after_audio_arrived_is_reported_not_resent(camb: Camb, camb_sandbox: Sandbox) -> None:
    """The connection drops mid-body: the job fails with one line saying it may be billed; nothing resent."""
    camb_sandbox.fail_next("cut", route="POST tts-stream")
    job = camb.tts(TEXT, voice=VOICE)
    with pytest.raises(AmbiguousSubmitError) as caught:
        job.result(timeout=20)
    assert "may be billed" in str(caught.value) and "\n" not in str(caught.value)
    assert _posts(camb_sandbox)["tts-stream"] == 1


def test_text_outside_the_routes_limits_is_one_line_before_anything_is_sent(
    camb: Camb, camb_sandbox: Sandbox
) -> None:
    """tts-stream takes 3–3000 characters: a shorter or longer text is refused at the call."""
    for text in ("Hi", "x" * 3001):
        with pytest.raises(UsageError, match="3–3000 characters"):
            camb.tts(text, voice=VOICE)
    assert sum(camb_sandbox.stats.requests.values()) == 0


def test_the_official_sdk_reads_the_same_route_from_the_sandbox(camb_sandbox: Sandbox) -> None:
    """Contract: the SDK's text_to_speech.tts (tts-stream) works against the sandbox unmodified."""
    client = CambAI(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url)
    try:
        audio = b"".join(
            client.text_to_speech.tts(
                text=TEXT, language="en-us", voice_id=VOICE, output_configuration={"format": "wav"}
            )
        )
    finally:
        client._client_wrapper.httpx_client.httpx_client.close()
    assert read_wav_text(audio) == TEXT
