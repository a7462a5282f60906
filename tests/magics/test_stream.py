"""`--stream` for translate and tts in an in-process shell on the sandbox: values, formats, drop, fallback."""

from __future__ import annotations

from typing import Any

import pytest
from IPython.utils.io import capture_output

from camb_notebook.api import ApiConnectionError, DeprecatedEndpointWarning, TtsResult, UsageError
from camb_notebook.magics._tasks import AUDIO_FORMATS
from camb_notebook.sandbox import CONTENT_TYPES, pseudo_localize, read_wav_text
from camb_notebook.sandbox._catalog import VOICES

VOICE = VOICES[0]["id"]


def _run(ip: Any, cell: str) -> tuple[Any, str]:
    """Run a cell, returning its ExecutionResult and everything it printed or displayed (updates included)."""
    with capture_output() as captured:
        result = ip.run_cell(cell)
    shown = [output.data.get("text/plain", "") for output in captured.outputs]
    return result, "\n".join([captured.stdout, *shown])


def test_translate_stream_stores_the_full_text(ip: Any, sandboxed: Any) -> None:
    """The streamed translation is shown and stored whole; the deprecated endpoint warns."""
    with pytest.warns(DeprecatedEndpointWarning):
        result, printed = _run(
            ip, '%camb translate "Hello {name}, stream me" --to fr-fr --stream --wait -o fr'
        )
    assert result.success
    masked = pseudo_localize('Hello <x id="1"/>, stream me', "fr-fr")  # {name} is protected, then restored
    assert ip.user_ns["fr"] == masked.replace('<x id="1"/>', "{name}")
    assert "translation → fr-fr: done" in printed and "first byte after" in printed


def test_gone_stream_endpoint_falls_back_to_a_job(ip: Any, sandboxed: Any) -> None:
    """A 410 from translation/stream becomes an ordinary translation job whose text lands in `-o`."""
    sandboxed.fail_next("410", route="POST translation/stream")
    with pytest.warns(DeprecatedEndpointWarning):
        result, printed = _run(ip, "%camb translate bonjour --to de-de --stream --wait -o de")
    assert result.success, printed
    assert ip.user_ns["de"] == pseudo_localize("bonjour", "de-de")
    assert "translating as a task instead" in printed and "done as a task" in printed
    assert sandboxed.stats.tasks_created["translation"] == 1


def test_tts_stream_every_format(ip: Any, sandboxed: Any) -> None:
    """Each documented format streams with its Content-Type; the wav speaks the text."""
    for fmt in AUDIO_FORMATS:
        result, printed = _run(
            ip, f"%camb tts Hello stream --voice {VOICE} --stream --format {fmt} --wait -o a"
        )
        assert result.success, printed
        audio = ip.user_ns["a"]
        assert isinstance(audio, TtsResult) and audio.content_type == CONTENT_TYPES[fmt] and audio.audio
        if fmt == "wav":
            assert read_wav_text(audio.audio) == "Hello stream"


def test_dropped_tts_stream_fails_in_one_line_and_keeps_what_arrived(ip: Any, sandboxed: Any) -> None:
    """A connection cut mid-stream fails the cell with one line; the status shows the kept bytes; no `-o`."""
    sandboxed.fail_next("cut", route="POST tts-stream")
    result, printed = _run(ip, f"%camb tts Hello stream --voice {VOICE} --stream --wait -o a")
    assert isinstance(result.error_in_exec, ApiConnectionError)
    assert "tts-stream: stopped: ApiConnectionError" in printed and "1 chunks" in printed
    assert printed.count("Traceback") == 0 and "a" not in ip.user_ns


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("%camb translate $texts --to fr-fr --stream", "--stream takes one text"),
        ("%camb translate hi --to fr-fr,de-de --stream", "--stream takes one target"),
        ("%camb tts hello --voice 20298 --format wav", "apply to streamed speech"),
    ],
)
def test_stream_misuse_is_a_usage_error(ip: Any, sandboxed: Any, cell: str, words: str) -> None:
    """`--stream` with a batch or several targets, or stream flags without it, fail before any request."""
    ip.user_ns["texts"] = ["a", "b"]
    result, printed = _run(ip, cell)
    assert isinstance(result.error_in_exec, UsageError) and words in printed
    assert sum(sandboxed.stats.requests.values()) == 0


def test_displayed_speech_stream_shows_the_first_chunk_before_it_ends(ip: Any, sandboxed: Any) -> None:
    """A SpeechStream shown as a cell's value updates its status with arrivals before it says done."""
    sandboxed.configure(stream_chunks=4, stream_chunk_delay=0.3)
    cell = (
        "from camb_notebook import session\n"
        f"speech = session().tts('Shown as it arrives', voice={VOICE}, stream=True)\n"
        "speech"
    )
    result, printed = _run(ip, cell)
    assert result.success, printed
    _, printed = _run(ip, "speech.result()")
    lines = [line for line in printed.splitlines() if line.startswith("tts-stream:")]
    receiving = [i for i, line in enumerate(lines) if line.startswith("tts-stream: receiving")]
    done = [i for i, line in enumerate(lines) if line.startswith("tts-stream: done · 4 chunks")]
    assert receiving and done and receiving[0] < done[0], lines
