"""Streaming routes send several ordered chunks with a gap between them, so progress can be displayed."""

from __future__ import annotations

import httpx

from camb_notebook.sandbox import Sandbox, make_wav, pseudo_localize


def test_tts_stream_chunks_arrive_in_order_and_complete(camb_sandbox: Sandbox, api: httpx.Client) -> None:
    """With a chunk delay, tts-stream arrives in several reads that join into exactly the whole WAV."""
    camb_sandbox.configure(stream_chunks=5, stream_chunk_delay=0.05)
    body = {
        "text": "Chunk by chunk we go.",
        "language": "en-us",
        "voice_id": 1,
        "output_configuration": {"format": "wav"},
    }
    with api.stream("POST", "tts-stream", json=body) as response:
        chunks = list(response.iter_raw())
    assert len(chunks) >= 2
    assert b"".join(chunks) == make_wav("Chunk by chunk we go.", 22050)


def test_sample_rate_follows_model_and_configuration(api: httpx.Client) -> None:
    """mars-pro streams 48 kHz audio unless output_configuration.sample_rate says otherwise."""
    body = {
        "text": "Rates differ.",
        "language": "en-us",
        "voice_id": 1,
        "output_configuration": {"format": "wav"},
    }
    assert api.post("tts-stream", json={**body, "speech_model": "mars-pro"}).content == make_wav(
        "Rates differ.", 48000
    )
    body["output_configuration"] = {"format": "wav", "sample_rate": 16000}
    assert api.post("tts-stream", json=body).content == make_wav("Rates differ.", 16000)


def test_translation_stream_keeps_multibyte_characters_whole(
    camb_sandbox: Sandbox, api: httpx.Client
) -> None:
    """translation/stream splits on character boundaries, so every chunk decodes on its own."""
    camb_sandbox.configure(stream_chunks=3)
    body = {"text": "Hello there, world", "source_language": "en-us", "target_language": "ja-jp"}
    with api.stream("POST", "translation/stream", json=body) as response:
        chunks = [chunk.decode("utf-8") for chunk in response.iter_raw()]
    assert len(chunks) >= 2
    assert "".join(chunks) == pseudo_localize("Hello there, world", "ja-jp")
