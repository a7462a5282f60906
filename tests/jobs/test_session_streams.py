"""`Camb.tts(stream=True)` / `Camb.translate(stream=True)` on the sandbox: iterate, await, drop, fallback."""

from __future__ import annotations

from typing import Any

import pytest

from camb_notebook.api import (
    ApiConnectionError,
    DeprecatedEndpointWarning,
    MissingKeyError,
    TtsResult,
    UsageError,
)
from camb_notebook.jobs import Job
from camb_notebook.sandbox import CONTENT_TYPES, pseudo_localize, read_wav_text
from camb_notebook.sessions import Camb

SPOKEN = "Streaming speech, chunk by chunk."


def test_speech_chunks_arrive_in_order_and_complete(camb: Camb, camb_sandbox: Any) -> None:
    """Iterating yields every chunk in order; together they are the whole WAV that result() returns."""
    camb_sandbox.configure(stream_chunks=5)
    speech = camb.tts(SPOKEN, voice=20298, stream=True)
    chunks = list(speech)
    assert len(chunks) == 5 and chunks == speech.chunks
    result = speech.result(timeout=20)
    assert result == TtsResult(audio=b"".join(chunks), content_type="audio/wav")
    assert read_wav_text(result.audio) == SPOKEN and speech.done() and speech.error is None


def test_first_chunk_is_yielded_while_the_stream_is_still_open(camb: Camb, camb_sandbox: Any) -> None:
    """The first chunk reaches the caller before the server has sent the rest."""
    camb_sandbox.configure(stream_chunks=4, stream_chunk_delay=0.3)
    speech = camb.tts(SPOKEN, voice=20298, stream=True)
    first = next(iter(speech))
    assert first.startswith(b"RIFF") and not speech.stream.done and not speech.done()
    assert len(speech.result(timeout=20).audio) > len(first)


async def test_every_format_awaits_with_its_content_type(camb: Camb) -> None:
    """`await` gives the whole audio of each documented format with that format's Content-Type."""
    for fmt, content_type in CONTENT_TYPES.items():
        speech = await camb.tts(SPOKEN, voice=20298, stream=True, output_format=fmt)
        assert speech.content_type == content_type and speech.audio, fmt


def test_dropped_connection_ends_the_stream_and_keeps_what_arrived(camb: Camb, camb_sandbox: Any) -> None:
    """A cut mid-stream raises one ApiConnectionError after the chunks that arrived, which stay kept."""
    camb_sandbox.fail_next("cut", route="POST tts-stream")
    speech = camb.tts(SPOKEN, voice=20298, stream=True)
    received: list[bytes] = []
    with pytest.raises(ApiConnectionError, match="stream broke after 1 chunks"):
        received.extend(speech)
    assert len(received) == 1 and speech.chunks == received
    assert isinstance(speech.error, ApiConnectionError)
    with pytest.raises(ApiConnectionError):
        speech.result(timeout=20)


async def test_translation_stream_grows_then_awaits_whole(camb: Camb) -> None:
    """A streamed translation arrives as several text chunks; awaiting it gives the joined text."""
    with pytest.warns(DeprecatedEndpointWarning):
        streamed = camb.translate("Hello streaming world", to="it-it", formality="formal", stream=True)
    assert await streamed == pseudo_localize("Hello streaming world", "it-it")
    assert len(streamed.chunks) > 1 and "".join(streamed.chunks) == await streamed


@pytest.mark.parametrize("status", ["404", "410"])
def test_gone_translation_stream_falls_back_to_a_task(camb: Camb, camb_sandbox: Any, status: str) -> None:
    """A 404/410 from translation/stream submits the translation as a task; its text is the one chunk."""
    camb_sandbox.fail_next(status, route="POST translation/stream")
    with pytest.warns(DeprecatedEndpointWarning):
        streamed = camb.translate("bonjour", to="de-de", stream=True)
    assert list(streamed) == [pseudo_localize("bonjour", "de-de")]
    assert isinstance(streamed.job, Job) and streamed.job.state == "succeeded"
    assert streamed.result() == pseudo_localize("bonjour", "de-de") and streamed.chunks == []
    assert camb_sandbox.stats.tasks_created["translation"] == 1


def test_stream_misuse_fails_before_any_request(camb: Camb, camb_sandbox: Any) -> None:
    """Several texts with stream=True, or stream-only options without it, are usage errors."""
    with pytest.raises(UsageError, match="one text"):
        camb.translate(["a", "b"], to="fr-fr", stream=True)  # type: ignore[call-overload]
    with pytest.raises(UsageError, match="streamed speech"):
        camb.tts(SPOKEN, voice=20298, output_format="wav")  # type: ignore[call-overload]
    assert sum(camb_sandbox.stats.requests.values()) == 0


def test_stream_without_a_key_is_refused_at_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """With no key anywhere, stream=True raises MissingKeyError before starting anything."""
    monkeypatch.chdir(tmp_path)
    with Camb(base_url="http://127.0.0.1:9") as camb, pytest.raises(MissingKeyError):
        camb.tts(SPOKEN, voice=20298, stream=True)
