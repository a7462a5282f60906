"""Every family's create/status/result/bulk call over MockTransport, and every documented response variant."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from api_fakes import Script, json_response

from camb_notebook.api import (
    ApiClient,
    CambWarning,
    DubbingResult,
    InvalidResponseError,
    Segment,
    StoryResult,
    TranscriptionResult,
    TranslatedTtsResult,
    TranslationResult,
    TtsResult,
    UsageError,
)

MakeClient = Callable[..., ApiClient]
SEG = {"start": 0.0, "end": 1.5, "text": "Hello", "speaker": "SPEAKER_0"}
SEGMENT = Segment(0.0, 1.5, "Hello", "SPEAKER_0")


@pytest.mark.parametrize(
    ("family", "path"),
    [
        ("translation", "/apis/translate"),
        ("tts", "/apis/tts"),
        ("translated_tts", "/apis/translated-tts"),
        ("dubbing", "/apis/dub"),
    ],
)
async def test_json_create_posts_wire_fields(make_client: MakeClient, family: str, path: str) -> None:
    """JSON creates POST the request (None fields dropped) to the family's route and return the task_id."""
    script = Script(json_response(200, {"task_id": "abc"}))
    async with make_client(script) as api:
        assert await api.create(family, {"text": "hi", "voice_id": 3, "gender": None}) == "abc"  # type: ignore[arg-type]
    assert script.requests[0].url.path == path
    assert json.loads(script.bodies[0]) == {"text": "hi", "voice_id": 3}


async def test_typed_conveniences_resolve_languages(make_client: MakeClient) -> None:
    """create_translation sends ids for 'en' and 'French (France)'."""
    script = Script(json_response(200, {"task_id": "abc"}))
    async with make_client(script) as api:
        await api.create_translation(["Hi"], "en", "French (France)", formality=1)
        await api.create_dubbing("https://v/x.mp4", "auto", ["fr", "de"])
        await api.create_dubbing("https://v/x.mp4", 1, "es")
        await api.create_tts("Hello", 7, "en-us")
        await api.create_translated_tts("Hello", 7, "en", "it")
    bodies = [json.loads(b) for b in script.bodies]
    assert bodies[0] == {"texts": ["Hi"], "source_language": 1, "target_language": 76, "formality": 1}
    assert bodies[1]["source_language"] == "auto" and bodies[1]["target_languages"] == [76, 31]
    assert bodies[2]["target_language"] == 54
    assert bodies[3] == {"text": "Hello", "voice_id": 7, "language": 1}
    assert bodies[4]["target_language"] == 87


async def test_transcription_multipart_is_rebuilt_on_every_retry(
    make_client: MakeClient, tmp_path: Path
) -> None:
    """A retried upload resends the file and every form field (the SDK's retry drops them)."""
    media = tmp_path / "talk.mp3"
    media.write_bytes(b"ID3 fake audio")
    script = Script(httpx.ConnectError("refused"), json_response(200, {"task_id": "t"}))
    async with make_client(script) as api:
        await api.create_transcription(
            "en-us", media_path=media, formatting_options={"max_characters_in_segment": 40}
        )
    assert len(script.bodies) == 2
    for body in script.bodies:
        assert b'name="language"\r\n\r\n1' in body
        assert b'name="media_file"; filename="talk.mp3"' in body
        assert b"ID3 fake audio" in body
        assert b'{"max_characters_in_segment": 40}' in body
    assert script.requests[1].headers["content-type"].startswith("multipart/form-data")


async def test_transcription_from_bytes_and_url(make_client: MakeClient) -> None:
    """Bytes upload with a filename, and a URL sent as a multipart form field."""
    script = Script(json_response(200, {"task_id": "t"}))
    async with make_client(script) as api:
        await api.create_transcription("auto", media_bytes=b"RIFF", filename="a.wav")
        await api.create_transcription("fr", media_url="https://m.example/a.mp3")
    assert b'filename="a.wav"' in script.bodies[0] and b'name="language"\r\n\r\nauto' in script.bodies[0]
    assert script.requests[1].headers["content-type"].startswith("multipart/form-data")
    assert b'name="media_url"\r\n\r\nhttps://m.example/a.mp3' in script.bodies[1]


async def test_upload_needs_exactly_one_source(make_client: MakeClient, tmp_path: Path) -> None:
    """No source, two sources, or a missing file are usage errors raised before any request."""
    script = Script(json_response(200, {"task_id": "t"}))
    async with make_client(script) as api:
        with pytest.raises(UsageError, match="exactly one"):
            await api.create("transcription", {"language": 1})
        with pytest.raises(UsageError, match="exactly one"):
            await api.create("transcription", {"language": 1, "media_url": "u", "media_bytes": b"x"})
        with pytest.raises(UsageError, match="File not found"):
            await api.create("transcription", {"language": 1, "media_path": tmp_path / "none.mp3"})
    assert script.requests == []


async def test_story_upload(make_client: MakeClient) -> None:
    """Stories upload the text file as `file` with the form fields."""
    script = Script(json_response(200, {"task_id": "s"}))
    async with make_client(script) as api:
        await api.create_story(
            "en",
            file_bytes=b"Once upon a time",
            filename="tale.txt",
            title="Tale",
            chosen_dictionaries=[4, 5],
        )
    assert script.requests[0].url.path == "/apis/story"
    assert b'name="file"; filename="tale.txt"' in script.bodies[0]
    assert b'name="title"\r\n\r\nTale' in script.bodies[0]
    assert script.bodies[0].count(b'name="chosen_dictionaries"') == 2


@pytest.mark.parametrize(
    ("wire", "status", "terminal"),
    [
        ({"status": "PENDING"}, "PENDING", False),
        ({"status": "SUCCESS", "run_id": 7}, "SUCCESS", True),
        ({"status": "ERROR", "exception_reason": "SOURCE_NOT_FOUND", "message": "gone"}, "ERROR", True),
        ({"status": "TIMEOUT"}, "TIMEOUT", True),
        ({"status": "PAYMENT_REQUIRED"}, "PAYMENT_REQUIRED", True),
    ],
)
async def test_each_documented_status(
    make_client: MakeClient, wire: dict[str, object], status: str, terminal: bool
) -> None:
    """The five statuses parse with run_id, exception_reason and message carried."""
    async with make_client(Script(json_response(200, wire))) as api:
        result = await api.status("dubbing", "t")
    assert (result.status, result.is_terminal, result.is_known) == (status, terminal, True)
    assert result.exception_reason == wire.get("exception_reason")
    assert result.message == wire.get("message")


async def test_unknown_status_warns_once(make_client: MakeClient) -> None:
    """An unknown status is returned as not terminal with a single warning per client."""
    script = Script(json_response(200, {"status": "QUEUED", "message": {"queue": 3}}))
    async with make_client(script) as api:
        with pytest.warns(CambWarning, match="QUEUED"):
            first = await api.status("translation", "t")
        second = await api.status("translation", "t")  # no second warning (warnings are errors here)
    assert not first.is_terminal and second.status == "QUEUED"
    assert first.message == '{"queue":3}'


async def test_success_without_run_id_is_passed_on(make_client: MakeClient) -> None:
    """SUCCESS without run_id comes back as-is (the engine turns it into ResultUnavailableError)."""
    async with make_client(Script(json_response(200, {"status": "SUCCESS", "run_id": "x"}))) as api:
        status = await api.status("translation", "t")
    assert status.status == "SUCCESS" and status.run_id is None


async def test_status_without_status_field_is_invalid(make_client: MakeClient) -> None:
    """A status answer without `status` is an invalid answer naming its keys."""
    async with make_client(Script(json_response(200, {"state": "done"}))) as api:
        with pytest.raises(InvalidResponseError, match="state"):
            await api.status("translation", "t")


DUB = {"audio_url": "https://a/1.mp3", "video_url": "https://a/1.mp4", "transcript": [SEG]}
OLD_DUB = {
    "run_id": 5,
    "output_audio_url": "https://a/1.mp3",
    "output_video_url": "https://a/1.mp4",
    "transcript": [SEG],
}


@pytest.mark.parametrize(
    ("family", "wire", "expected"),
    [
        ("translation", {"texts": ["Bonjour"]}, TranslationResult(("Bonjour",))),
        ("transcription", {"transcript": [SEG]}, TranscriptionResult((SEGMENT,))),
        ("transcription", [SEG], TranscriptionResult((SEGMENT,))),
        ("dubbing", DUB, DubbingResult("https://a/1.mp3", "https://a/1.mp4", (SEGMENT,))),
        ("dubbing", OLD_DUB, DubbingResult("https://a/1.mp3", "https://a/1.mp4", (SEGMENT,))),
        (
            "story",
            {"audio_url": "https://s/a", "dialogue_url": "https://s/d", "transcript": [SEG]},
            StoryResult("https://s/a", "https://s/d", (SEGMENT,)),
        ),
    ],
    ids=["translation", "transcript-wrapped", "transcript-bare", "dub-sdk", "dub-old-docs", "story"],
)
async def test_result_variants(make_client: MakeClient, family: str, wire: object, expected: object) -> None:
    """Every documented result shape parses to the typed model."""
    script = Script(json_response(200, wire))
    async with make_client(script) as api:
        assert await api.result(family, 5) == expected  # type: ignore[arg-type]
    if family == "story":
        assert script.requests[0].url.params["include_transcript"] == "true"


async def test_multi_language_dub_map(make_client: MakeClient) -> None:
    """A `{language: result}` dub answer fills by_language."""
    wire = {"fr-fr": DUB, "de-de": {**DUB, "audio_url": "https://a/de.mp3"}}
    async with make_client(Script(json_response(200, wire))) as api:
        result = await api.result("dubbing", 5)
    assert isinstance(result, DubbingResult)
    assert set(result.by_language) == {"fr-fr", "de-de"}
    assert result.by_language["de-de"].audio_url == "https://a/de.mp3"
    assert result.audio_url is None


async def test_tts_result_audio_and_translated_tts(make_client: MakeClient) -> None:
    """TTS results are raw audio with their type; translated TTS joins text and audio of the same run."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("tts-result/9"):
            return httpx.Response(200, content=b"fLaC...", headers={"content-type": "audio/flac"})
        return httpx.Response(200, json={"texts": ["Hola"]})

    async with make_client(handler) as api:
        assert await api.result("tts", 9) == TtsResult(b"fLaC...", "audio/flac")
        assert await api.result("translated_tts", 9) == TranslatedTtsResult(
            ("Hola",), b"fLaC...", "audio/flac"
        )


@pytest.mark.parametrize("wrapped", [False, True])
async def test_bulk_translation_chunks_and_wrapper(make_client: MakeClient, wrapped: bool) -> None:
    """Seven run_ids go out as a bulk of 5 and one of 2; the `results` wrapper is accepted."""

    def handler(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.read())["run_ids"]
        data = {str(r): {"texts": [f"t{r}"]} for r in ids}
        return httpx.Response(200, json={"results": data} if wrapped else data)

    script = Script(handler)
    async with make_client(script) as api:
        out = await api.results("translation", [1, 2, 3, 4, 5, 6, 7])
    assert {r: v.texts for r, v in out.items()} == {r: (f"t{r}",) for r in range(1, 8)}  # type: ignore[union-attr]
    assert sorted(len(json.loads(b)["run_ids"]) for b in script.bodies) == [2, 5]


async def test_bulk_single_id_uses_plain_route(make_client: MakeClient) -> None:
    """One run_id cannot use translation-results (needs 2–5), so the plain result route is used."""
    script = Script(json_response(200, {"texts": ["x"]}))
    async with make_client(script) as api:
        await api.results("translation", [4])
    assert script.requests[0].url.path == "/apis/translation-result/4"


@pytest.mark.parametrize(
    "entry", ["{base}/media/{r}.flac", {"output_url": "{base}/media/{r}.flac"}], ids=["bare", "object"]
)
async def test_bulk_tts_bare_strings_or_objects(make_client: MakeClient, entry: object) -> None:
    """tts-results entries may be bare URLs or objects; the audio is downloaded from each."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("tts-results"):

            def fill(r: int) -> object:
                text = json.dumps(entry).replace("{base}", "https://api.test/apis").replace("{r}", str(r))
                return json.loads(text)

            return httpx.Response(200, json={str(r): fill(r) for r in json.loads(request.read())["run_ids"]})
        return httpx.Response(200, content=request.url.path.encode(), headers={"content-type": "audio/flac"})

    async with make_client(handler) as api:
        out = await api.results("tts", [1, 2])
    assert out[2] == TtsResult(b"/apis/media/2.flac", "audio/flac")


async def test_bulk_other_families_and_missing_ids(make_client: MakeClient) -> None:
    """dubbing-results parses each entry; an id the bulk answer omitted is fetched on its own."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("dubbing-results"):
            return httpx.Response(200, json={"1": DUB})
        return httpx.Response(200, json=OLD_DUB)

    script = Script(handler)
    async with make_client(script) as api:
        out = await api.results("dubbing", [1, 2])
    assert set(out) == {1, 2}
    assert script.requests[-1].url.path == "/apis/dub-result/2"


async def test_catalog_calls(make_client: MakeClient) -> None:
    """source/target languages map onto the catalog (new ids added) and list-voices parses voices."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("list-voices"):
            return httpx.Response(200, json=[{"id": 9, "voice_name": "Ada", "gender": 2, "language": 1}])
        rows = [
            {"id": 76, "language": "French", "short_name": "fr-FR"},
            {"id": 400, "language": "Klingon", "short_name": "tlh-KL"},
        ]
        return httpx.Response(200, json=rows)

    async with make_client(handler) as api:
        langs = await api.target_languages()
        assert [lang.locale for lang in langs] == ["fr-fr", "tlh-kl"]
        assert (await api.source_languages())[0].locale == "fr-fr"
        catalog = await api.refresh_languages()
        voices = await api.list_voices()
    assert catalog.resolve("tlh-kl").id == 400 and len(catalog) == 150
    assert voices[0].name == "Ada" and voices[0].gender == 2


async def test_unknown_family_is_usage_error(make_client: MakeClient) -> None:
    """A misspelled family names the valid ones."""
    async with make_client(Script(json_response(200, {}))) as api:
        with pytest.raises(UsageError, match="translation"):
            await api.create("translate", {})  # type: ignore[arg-type]
