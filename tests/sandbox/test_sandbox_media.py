"""Pure sandbox outputs: pseudo-localization, self-describing WAV audio, placeholder formats, transcripts."""

from __future__ import annotations

import io
import struct
import wave

import pytest

from camb_notebook.sandbox import CONTENT_TYPES, make_wav, pseudo_localize, read_wav_text, wav_duration
from camb_notebook.sandbox._media import encode_audio, make_segments, render_transcript


def test_pseudo_localize_is_marked_accented_and_longer() -> None:
    """The output carries the sandbox marker and locale, accents letters and is about 30 % longer."""
    text = "Hello world, this is a test"
    out = pseudo_localize(text, "es-es")
    assert out == pseudo_localize(text, "es-es")
    assert out.startswith("[sandbox es-es: Ĥéļļö ŵöŕļð") and out.endswith("~]")
    assert out != pseudo_localize(text, "fr-fr")
    assert len(out) >= 1.3 * len(text)


def test_wav_is_valid_and_grows_with_text() -> None:
    """make_wav gives a WAV the stdlib reads, longer for longer text, whose text reads back."""
    short, long = make_wav("Hi"), make_wav("A much longer sentence for the speaker to say.")
    with wave.open(io.BytesIO(long)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
        assert wav.getnframes() == int(16000 * wav_duration("A much longer sentence for the speaker to say."))
    assert len(long) > len(short)
    assert read_wav_text(long) == "A much longer sentence for the speaker to say."
    assert read_wav_text(make_wav("Ünïcode odd")) == "Ünïcode odd"


def test_read_wav_text_ignores_foreign_audio() -> None:
    """A WAV without the sandbox chunk, or non-WAV bytes, has no embedded text."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\x00\x00" * 80)
    assert read_wav_text(buffer.getvalue()) is None
    assert read_wav_text(b"ID3 not audio") is None


@pytest.mark.parametrize("fmt", sorted(CONTENT_TYPES))
def test_encode_audio_formats(fmt: str) -> None:
    """PCM formats carry samples in the asked width and byte order; others wrap the WAV behind a magic."""
    audio = encode_audio("Hello", fmt, 8000)
    frames = int(8000 * wav_duration("Hello"))
    if fmt.startswith("pcm_"):
        width = 2 if "16" in fmt else 4
        assert len(audio) == frames * width
        order = "<" if fmt.endswith("le") else ">"
        code = {"s16": "h", "s32": "i", "f32": "f"}[fmt[4:7]]
        samples = struct.unpack(f"{order}{frames}{code}", audio)
        assert max(samples) > 0
    else:
        assert read_wav_text(audio) == "Hello"


def test_segments_and_renderings() -> None:
    """Segments split on sentences, alternate speakers and render as srt, vtt and txt."""
    segments = make_segments("One. Two!")
    assert [(s["text"], s["speaker"]) for s in segments] == [("One.", "SPEAKER_0"), ("Two!", "SPEAKER_1")]
    assert render_transcript(segments, "txt") == "One.\nTwo!"
    assert render_transcript(segments, "srt").startswith("1\n00:00:00,000 --> 00:00:00,240\nOne.\n\n2\n")
    assert render_transcript(segments, "vtt").startswith("WEBVTT\n\n00:00:00.000 --> 00:00:00.240\nOne.")
