"""Every task family, stream and catalog call of ApiClient against the sandbox over real loopback HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from camb_notebook.api import (
    ApiClient,
    AuthenticationError,
    DeprecatedEndpointWarning,
    DubbingResult,
    Family,
    Result,
    StoryResult,
    TaskStatus,
    TranscriptionResult,
    TranslatedTtsResult,
    TranslationResult,
    TtsResult,
    ValidationError,
    result_from_dict,
)
from camb_notebook.sandbox import CONTENT_TYPES, Sandbox, make_wav, pseudo_localize


@pytest.fixture
async def api(camb_sandbox: Sandbox) -> AsyncIterator[ApiClient]:
    """A client pointed at the session sandbox, closed after the test."""
    async with ApiClient(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url) as client:
        yield client


async def finish(api: ApiClient, family: Family, task_id: str) -> TaskStatus:
    """Poll until the task leaves PENDING."""
    for _ in range(500):
        status = await api.status(family, task_id)
        if status.is_terminal:
            return status
        await asyncio.sleep(0.01)
    raise AssertionError(f"{family} task {task_id} stayed PENDING")


async def run(api: ApiClient, family: Family, task_id: str) -> Result:
    """Finish a task and fetch its result; also checks the journal round trip."""
    status = await finish(api, family, task_id)
    assert status.status == "SUCCESS" and status.run_id is not None
    result = await api.result(family, status.run_id)
    assert result_from_dict(family, result.to_dict()) == result
    return result


async def test_translation_task_flow(api: ApiClient) -> None:
    """Texts come back pseudo-localized, in order, for a resolved target language."""
    task_id = await api.create_translation(["Hello", "Good night"], "en", "French (France)")
    result = await run(api, "translation", task_id)
    assert result == TranslationResult(tuple(pseudo_localize(t, "fr-fr") for t in ("Hello", "Good night")))


async def test_bulk_results_for_translation(api: ApiClient) -> None:
    """Seven runs come back through translation-results in chunks (2–5 ids each) and one plain fetch."""
    texts = [f"Line {i}" for i in range(7)]
    tasks = [await api.create_translation([t], "en-us", "es") for t in texts]
    runs = [(await finish(api, "translation", t)).run_id for t in tasks]
    results = await api.results("translation", [r for r in runs if r is not None])
    assert [results[r].texts for r in runs if r is not None] == [  # type: ignore[union-attr]
        (pseudo_localize(t, "es-es"),) for t in texts
    ]


async def test_legacy_tts_and_bulk_urls(api: ApiClient) -> None:
    """The task-flow TTS returns WAV audio; tts-results URLs are followed to the same audio."""
    tasks = [await api.create_tts(f"Say number {i}", 1, "en-us") for i in range(2)]
    runs = [(await finish(api, "tts", t)).run_id for t in tasks]
    single = await api.result("tts", runs[0])  # type: ignore[arg-type]
    assert isinstance(single, TtsResult) and single.audio.startswith(b"RIFF")
    bulk = await api.results("tts", runs)  # type: ignore[arg-type]
    assert bulk[runs[0]] == single  # type: ignore[index]


async def test_translated_tts(api: ApiClient) -> None:
    """Translated TTS joins the translated text and its audio."""
    result = await run(api, "translated_tts", await api.create_translated_tts("Welcome home", 1, "en", "de"))
    assert isinstance(result, TranslatedTtsResult)
    assert result.texts == (pseudo_localize("Welcome home", "de-de"),)
    assert result.audio.startswith(b"RIFF")


async def test_transcription_from_path_bytes_and_url(api: ApiClient, tmp_path: Path) -> None:
    """Uploads from a path and from bytes are heard; a URL is accepted; formatting options apply."""
    media = tmp_path / "talk.wav"
    media.write_bytes(make_wav("Hello from a file."))
    from_path = await run(api, "transcription", await api.create_transcription("en", media_path=media))
    from_bytes = await run(
        api,
        "transcription",
        await api.create_transcription("auto", media_bytes=make_wav("Bytes here."), filename="b.wav"),
    )
    from_url = await run(
        api, "transcription", await api.create_transcription("en", media_url="https://m.test/x.mp3")
    )
    assert isinstance(from_path, TranscriptionResult) and from_path.text == "Hello from a file."
    assert from_bytes.text == "Bytes here."  # type: ignore[union-attr]
    assert "x.mp3" in from_url.text  # type: ignore[union-attr]


async def test_dubbing_single_and_multi_target(api: ApiClient) -> None:
    """One target fills the top-level URLs; several fill by_language; the bulk route parses both."""
    one = await api.create_dubbing("https://v.test/clip.mp4", "en", "fr")
    many = await api.create_dubbing("https://v.test/clip.mp4", "en", ["fr", "de"])
    single = await run(api, "dubbing", one)
    multi = await run(api, "dubbing", many)
    assert isinstance(single, DubbingResult) and single.audio_url and single.transcript
    assert isinstance(multi, DubbingResult) and len(multi.by_language) == 2
    runs = [(await finish(api, "dubbing", t)).run_id for t in (one, many)]
    bulk = await api.results("dubbing", runs)  # type: ignore[arg-type]
    assert bulk[runs[0]] == single and bulk[runs[1]] == multi  # type: ignore[index]


async def test_story(api: ApiClient) -> None:
    """A .txt story yields audio and dialogue URLs and a transcript."""
    task_id = await api.create_story(
        "en", file_bytes=b"Once upon a time. The end.", filename="tale.txt", title="Tale"
    )
    result = await run(api, "story", task_id)
    assert isinstance(result, StoryResult) and result.audio_url and result.dialogue_url and result.transcript
    bulk = await api.results("story", [(await finish(api, "story", task_id)).run_id or 0])
    assert list(bulk.values()) == [result]


@pytest.mark.parametrize("fmt", sorted(CONTENT_TYPES))
async def test_tts_stream_every_format(api: ApiClient, fmt: str) -> None:
    """tts-stream arrives in several chunks with the format's Content-Type and the credit header."""
    stream = api.tts_stream("Streaming speech test.", 1, "en-us", output_format=fmt)
    chunks = [chunk async for chunk in stream]
    assert len(chunks) > 1 and stream.done
    assert (stream.content_type or "").split(";")[0] == CONTENT_TYPES[fmt]
    assert stream.credits_required == len("Streaming speech test.")


async def test_translation_stream_grows_in_order(api: ApiClient) -> None:
    """translation/stream yields several text chunks that join to the pseudo-localized text."""
    with pytest.warns(DeprecatedEndpointWarning):
        stream = api.translation_stream("Hello streaming world", "en", "it")
    first = await stream.__anext__()
    assert first and not stream.done
    rest = [chunk async for chunk in stream]
    assert first + "".join(rest) == pseudo_localize("Hello streaming world", "it-it")
    assert len(rest) >= 1 and stream.credits_required is not None


async def test_catalogs(api: ApiClient) -> None:
    """Language lists map onto the catalog and voices parse."""
    targets = await api.target_languages()
    sources = await api.source_languages()
    voices = await api.list_voices()
    assert {lang.locale for lang in targets} >= {"fr-fr", "es-es"} and sources
    assert voices and all(v.id and v.name for v in voices)
    assert len(await api.refresh_languages()) >= 149


async def test_wrong_key_and_validation(camb_sandbox: Sandbox) -> None:
    """A wrong key is an AuthenticationError; a bad field is a ValidationError naming it."""
    async with ApiClient(api_key="not-the-sandbox-key", base_url=camb_sandbox.base_url) as bad:
        with pytest.raises(AuthenticationError):
            await bad.list_voices()
    async with ApiClient(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url) as api:
        request: dict[str, Any] = {"texts": ["x"], "source_language": 1, "target_language": 9999}
        with pytest.raises(ValidationError) as info:
            await api.create("translation", request)
    assert "target_language" in info.value.fields


async def test_first_audio_chunk_arrives_before_the_stream_ends(
    api: ApiClient, camb_sandbox: Sandbox
) -> None:
    """With 0.1 s between server chunks, the first chunk reaches the caller well before the last one."""
    camb_sandbox.configure(stream_chunks=4, stream_chunk_delay=0.1)
    loop = asyncio.get_running_loop()
    arrivals = [loop.time() async for _chunk in api.tts_stream("Progressive audio please.", 1, "en-us")]
    assert len(arrivals) == 4
    assert arrivals[-1] - arrivals[0] >= 0.25  # delivered progressively, not buffered until the end
