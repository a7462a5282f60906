"""The official camb-sdk 1.6.6 client, unmodified (only base_url and key), runs every task flow against the
sandbox."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from camb.client import AsyncCambAI, CambAI

from camb_notebook.sandbox import Sandbox, make_wav, pseudo_localize, read_wav_text

STORY = b"The fox ran. The hound followed."


@pytest.fixture
def client(camb_sandbox: Sandbox) -> Iterator[CambAI]:
    """Return a sync SDK client with only base_url and key set, closed after the test."""
    sdk = CambAI(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url)
    yield sdk
    sdk._client_wrapper.httpx_client.httpx_client.close()


@pytest.fixture
async def aclient(camb_sandbox: Sandbox) -> AsyncIterator[AsyncCambAI]:
    """Return an async SDK client with only base_url and key set, closed after the test."""
    sdk = AsyncCambAI(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url)
    yield sdk
    await sdk._client_wrapper.httpx_client.httpx_client.aclose()


def _wait(get_status: Callable[[], Any]) -> int:
    """Poll like the SDK README until SUCCESS and return the run_id."""
    for _ in range(200):
        status = get_status()
        if status.status == "SUCCESS":
            return int(status.run_id)
        assert status.status == "PENDING"
        time.sleep(0.02)
    raise AssertionError("task never finished")


async def _await(get_status: Callable[[], Awaitable[Any]]) -> int:
    """Poll asynchronously until SUCCESS and return the run_id."""
    for _ in range(200):
        status = await get_status()
        if status.status == "SUCCESS":
            return int(status.run_id)
        assert status.status == "PENDING"
        await asyncio.sleep(0.02)
    raise AssertionError("task never finished")


def test_sync_sdk_runs_every_family(camb_sandbox: Sandbox, client: CambAI) -> None:
    """CambAI creates, polls and fetches translation, TTS, transcription, dubbing and story results."""

    task = client.translation.create_translation(
        texts=["Hello", "World"], source_language=1, target_language="fr-fr"
    )
    run = _wait(lambda: client.translation.get_translation_task_status(task["task_id"]))
    result = client.translation.get_translation_result(run)
    assert list(result.texts) == [pseudo_localize("Hello", "fr-fr"), pseudo_localize("World", "fr-fr")]

    tts = client.text_to_speech.create_tts(text="Good morning", voice_id=20298, language=1)
    run = _wait(lambda: client.text_to_speech.get_tts_result(tts.task_id))
    info = client.text_to_speech.get_tts_run_info(run, output_type="file_url")
    assert info.output_url.startswith(camb_sandbox.base_url)

    made = client.transcription.create_transcription(
        language="en-us", media_file=("hi.wav", make_wav("Hi there."))
    )
    run = _wait(lambda: client.transcription.get_transcription_task_status(made.task_id))
    transcript = client.transcription.get_transcription_result(run)
    assert [s.text for s in transcript.transcript] == ["Hi there."]

    dub = client.dub.create_dub(
        video_url="https://example.com/v.mp4", source_language=1, target_languages=[54]
    )
    run = _wait(lambda: client.dub.get_dubbing_status(dub.task_id))
    dubbed = client.dub.get_dubbed_run_info(run)
    assert dubbed.audio_url.endswith("dub-es-es.wav")

    story = client.story.create_story(file=("tale.txt", STORY), source_language=1)
    run = _wait(lambda: client.story.get_story_status(story.task_id))
    assert set(client.story.get_story_run_info(run)) >= {"audio_url", "dialogue_url"}


async def test_async_sdk_runs_every_family(aclient: AsyncCambAI) -> None:
    """AsyncCambAI creates, polls and fetches translation, TTS, transcription, dubbing and story results."""
    client = aclient

    task = await client.translation.create_translation(
        texts=["Tea"], source_language="en-us", target_language=31
    )
    run = await _await(lambda: client.translation.get_translation_task_status(task["task_id"]))
    assert list((await client.translation.get_translation_result(run)).texts) == [
        pseudo_localize("Tea", "de-de")
    ]

    tts = await client.text_to_speech.create_tts(text="Good night", voice_id=20299, language=1)
    run = await _await(lambda: client.text_to_speech.get_tts_result(tts.task_id))
    info = await client.text_to_speech.get_tts_run_info(run, output_type="file_url")
    assert info.output_url.endswith("speech.wav")

    made = await client.transcription.create_transcription(language="auto", media_url=info.output_url)
    run = await _await(lambda: client.transcription.get_transcription_task_status(made.task_id))
    transcript = await client.transcription.get_transcription_result(run)
    assert [s.text for s in transcript.transcript] == ["Good night"]

    dub = await client.dub.create_dub(
        video_url="https://example.com/a.mp3", source_language=1, target_language=76
    )
    run = await _await(lambda: client.dub.get_dubbing_status(dub.task_id))
    dubbed = await client.dub.get_dubbed_run_info(run)
    assert dubbed.video_url is None

    story = await client.story.create_story(file=("tale.txt", STORY), source_language=1)
    run = await _await(lambda: client.story.get_story_status(story.task_id))
    assert "audio_url" in await client.story.get_story_run_info(run)


def test_sync_sdk_tts_stream_yields_the_wav(client: CambAI) -> None:
    """The SDK's streaming `tts()` yields chunks that join into the sandbox WAV of the text."""
    audio = b"".join(
        client.text_to_speech.tts(
            text="Streaming works", language="en-us", voice_id=20298, output_configuration={"format": "wav"}
        )
    )
    assert read_wav_text(audio) == "Streaming works"
