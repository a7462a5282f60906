"""Answers the official SDK (camb-sdk 1.6.6) accepts must not break us: keep what we know, skip bad items.

Each shape below was rejected before (a SUCCESS lost its run_id, one bad voice emptied the list, a story
result with a timeless transcript lost its audio); fail only when what was asked for is missing.
"""

from __future__ import annotations

import logging
import typing
from collections.abc import Callable

import pytest
from api_fakes import Script, json_response

from camb_notebook.api import (
    ApiClient,
    CambWarning,
    InvalidResponseError,
    Segment,
    StoryResult,
    TaskStatus,
    resolve_language,
    stream_locale,
)

MakeClient = Callable[..., ApiClient]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"status": "SUCCESS", "run_id": 123.0}, TaskStatus("SUCCESS", 123)),
        ({"status": "SUCCESS", "run_id": "123"}, TaskStatus("SUCCESS", 123)),
        ({"status": None}, TaskStatus("UNKNOWN")),
        ({"status": 3, "run_id": None}, TaskStatus("3")),
    ],
)
async def test_status_shapes_the_sdk_accepts(
    make_client: MakeClient, answer: dict, expected: TaskStatus
) -> None:
    """An integral float run_id is a run_id; a null or numeric status is an unknown (still polled) status."""
    async with make_client(Script(json_response(200, answer))) as api:
        if expected.is_known:
            status = await api.status("translation", "t")
        else:
            with pytest.warns(CambWarning, match="unknown status"):
                status = await api.status("translation", "t")
    assert (status.status, status.run_id) == (expected.status, expected.run_id)
    assert not status.is_terminal or status.run_id is not None


async def test_null_task_id_on_create_says_what_the_server_sent(make_client: MakeClient) -> None:
    """`{"task_id": null}`: one line naming it, and that the task may exist."""
    async with make_client(Script(json_response(200, {"task_id": None}))) as api:
        with pytest.raises(InvalidResponseError, match=r"task_id null \(the task may exist\)"):
            await api.create("translation", {"texts": ["hi"], "source_language": 1, "target_language": 76})


async def test_story_create_answered_with_its_run_goes_straight_to_the_result(
    make_client: MakeClient,
) -> None:
    """`POST story` → `{"run_id": 5, "story_details": ...}`: nothing to poll; run 5's result is fetched."""
    details = {
        "story_title": "t",
        "created_at": "2026-01-01T00:00:00",
        "source_language": 1,
        "studio_url": "u",
    }
    script = Script(
        json_response(200, {"run_id": 5, "story_details": details}),
        json_response(200, {"audio_url": "https://cdn.example/a.mp3", "transcript": "One long line."}),
    )
    async with make_client(script) as api:
        task_id = await api.create(
            "story", {"source_language": 1, "file_bytes": b"Once.", "filename": "s.txt"}
        )
        status = await api.status("story", task_id)
        assert (status.status, status.run_id) == ("SUCCESS", 5)
        result = await api.result("story", 5)
    assert [r.method for r in script.requests] == ["POST", "GET"]
    assert script.requests[1].url.path.endswith("/5")
    assert isinstance(result, StoryResult) and result.audio_url == "https://cdn.example/a.mp3"
    assert result.transcript == (Segment(0.0, 0.0, "One long line."),)


@pytest.mark.parametrize(
    "transcript",
    [[{"speaker": "A", "text": "Hi"}, {"speaker": "B", "text": "Yo"}], "Hi Yo", [{"oops": 1}], 42],
)
async def test_story_result_keeps_its_audio_whatever_the_transcript(
    make_client: MakeClient, transcript: object
) -> None:
    """A transcript of speaker/text items, a string, or junk: the audio URL is what the user asked for."""
    answer = {"audio_url": "https://cdn.example/a.mp3", "dialogue_url": None, "transcript": transcript}
    async with make_client(Script(json_response(200, answer))) as api:
        result = await api.result("story", 9)
    assert isinstance(result, StoryResult) and result.audio_url == "https://cdn.example/a.mp3"
    if isinstance(transcript, list) and transcript and "text" in transcript[0]:
        assert [(s.speaker, s.text) for s in result.transcript] == [("A", "Hi"), ("B", "Yo")]


async def test_one_malformed_voice_is_skipped_and_names_become_codes(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A voice without an id (or id null) is skipped at DEBUG; "en-us"/"female" become their codes."""
    voices = [
        {"id": 1, "voice_name": "Ana", "gender": "female", "language": "en-us", "age": 30.0},
        {"voice_name": "no id"},
        {"id": None, "voice_name": "null id"},
        {"id": "7", "voice_name": "Bo", "gender": 1, "language": 76},
        "junk",
    ]
    caplog.set_level(logging.DEBUG, logger="camb_notebook.api")
    async with make_client(Script(json_response(200, voices))) as api:
        got = await api.list_voices()
    assert [(v.id, v.name, v.gender, v.language, v.age) for v in got] == [
        (1, "Ana", 2, 1, 30),
        (7, "Bo", 1, 76, None),
    ]
    assert sum("skipped a voice" in r.getMessage() for r in caplog.records) == 3


async def test_language_lists_with_string_ids_and_a_bad_row(make_client: MakeClient) -> None:
    """`"id": "1"` is id 1; a row without an id is skipped, not the whole list."""
    rows = [{"id": "1", "language": "English", "short_name": "en-US"}, {"language": "??"}, {"id": 76}]
    async with make_client(Script(json_response(200, rows))) as api:
        got = await api.source_languages()
    assert [lang.id for lang in got] == [1, 76]


def test_every_tts_stream_locale_of_the_sdk_is_accepted() -> None:
    """The SDK's 62 tts-stream locales (as-in has no language id) all pass our check as themselves."""
    from camb.text_to_speech.types import create_stream_tts_request_payload_language as sdk_module

    locales = [
        value
        for arm in typing.get_args(sdk_module.CreateStreamTtsRequestPayloadLanguage)
        for value in typing.get_args(arm)
    ]
    assert len(locales) == 62
    assert [loc for loc in locales if stream_locale(loc) != loc] == []


def test_every_sdk_language_id_is_in_our_catalog() -> None:
    """Each id of the SDK's Languages enum resolves to one of ours."""
    from camb.types import language_enums

    ids = {member.value for member in language_enums.Languages}
    assert ids and all(resolve_language(i).id == i for i in ids)
