"""The official camb-sdk 1.6.6 client, unmodified, runs the subtitle, transcript-export and dub-export routes
against the sandbox; the exported SRT/WebVTT parse with the reference readers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import srt
import webvtt
from camb.client import CambAI
from camb.core.api_error import ApiError
from camb.errors.unprocessable_entity_error import UnprocessableEntityError

from camb_notebook.sandbox import Sandbox, make_wav, pseudo_localize

SPEECH = "Welcome to the workshop. Today we build a box. Measure twice, cut once."


@pytest.fixture
def client(camb_sandbox: Sandbox) -> Iterator[CambAI]:
    """A sync SDK client with only base_url and key set."""
    sdk = CambAI(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url)
    yield sdk
    sdk._client_wrapper.httpx_client.httpx_client.close()


def _wait(get_status: Callable[[], Any]) -> Any:
    """Poll like the SDK README until SUCCESS; the final status."""
    for _ in range(300):
        status = get_status()
        if status.status == "SUCCESS":
            return status
        assert status.status == "PENDING"
        time.sleep(0.02)
    raise AssertionError("task never finished")


def _speech_url(client: CambAI) -> str:
    """A sandbox-served WAV that 'says' SPEECH (the transcript emulation hears its text)."""
    tts = client.text_to_speech.create_tts(text=SPEECH, voice_id=20298, language=1)
    run = _wait(lambda: client.text_to_speech.get_tts_result(tts.task_id)).run_id
    return str(client.text_to_speech.get_tts_run_info(run, output_type="file_url").output_url)


def _subtitle_run(client: CambAI, targets: list[str]) -> int:
    """A finished `sub` run of the speech URL into `targets`."""
    made = client.subtitles.create_subtitle(
        media_url=_speech_url(client),
        source_language="en-us",
        target_languages=targets,
        formatting_options={"max_characters_in_segment": 42},
    )
    return int(_wait(lambda: client.subtitles.get_subtitle_task_status(made.task_id)).run_id)


def test_sdk_subtitles_create_poll_and_fetch_every_shape(client: CambAI) -> None:
    """create_subtitle → status → result (cues per language), per language as SRT/VTT, bulk for 2 runs."""
    run = _subtitle_run(client, ["es-es", "fr-fr"])
    tracks = client.subtitles.get_subtitle_result(run)
    assert sorted(tracks) == ["en-us", "es-es", "fr-fr"]
    assert tracks["en-us"][0]["text"] == "Welcome to the workshop."
    assert [c["text"] for c in tracks["es-es"]] == [
        pseudo_localize(c["text"], "es-es") for c in tracks["en-us"]
    ]
    assert [(c["start"], c["end"]) for c in tracks["fr-fr"]] == [
        (c["start"], c["end"]) for c in tracks["en-us"]
    ]
    assert all(len(c["text"]) <= 42 for c in tracks["en-us"])

    as_srt = client.subtitles.get_subtitle_result_for_language(
        run, "es-es", format_type="srt", data_type="raw_data"
    )
    parsed = list(srt.parse(as_srt["transcript"]))
    assert [p.content for p in parsed] == [c["text"] for c in tracks["es-es"]]
    as_vtt = client.subtitles.get_subtitle_result_for_language(
        run, 54, format_type="vtt", data_type="raw_data"
    )
    assert [c.text for c in webvtt.from_string(as_vtt["transcript"])] == [c["text"] for c in tracks["es-es"]]
    url = client.subtitles.get_subtitle_result(run, format_type="srt", data_type="file")["fr-fr"]
    assert url.startswith("http") and url.endswith(".srt")

    other = _subtitle_run(client, ["de-de"])
    bulk = client.subtitles.get_subtitle_results(
        run_ids=[run, other], format_type="vtt", data_type="raw_data"
    )
    assert sorted(bulk) == sorted([str(run), str(other)])
    assert bulk[str(other)]["de-de"].startswith("WEBVTT")
    with pytest.raises(UnprocessableEntityError):
        client.subtitles.get_subtitle_results(run_ids=[run])
    with pytest.raises(ApiError) as missing:
        client.subtitles.get_subtitle_result_for_language(run, "it-it")
    assert missing.value.status_code == 404


def test_sdk_transcription_exports_srt_vtt_and_txt(client: CambAI) -> None:
    """`transcription-result?format_type=` renders the transcript; srt and webvtt-py read it back."""
    made = client.transcription.create_transcription(language="en-us", media_file=("t.wav", make_wav(SPEECH)))
    run = _wait(lambda: client.transcription.get_transcription_task_status(made.task_id)).run_id
    cues = client.transcription.get_transcription_result(run).transcript
    as_srt = client.transcription.get_transcription_result(run, format_type="srt", data_type="raw_data")
    assert [p.content for p in srt.parse(as_srt.transcript)] == [c.text for c in cues]
    as_vtt = client.transcription.get_transcription_result(run, format_type="vtt", data_type="raw_data")
    assert [
        round(c.start_in_seconds + c.start_time.milliseconds / 1000, 3)
        for c in webvtt.from_string(as_vtt.transcript)
    ] == [round(c.start, 3) for c in cues]
    as_txt = client.transcription.get_transcription_result(run, format_type="txt", data_type="raw_data")
    assert as_txt.transcript.splitlines() == [c.text for c in cues]


def test_sdk_dub_transcript_and_alt_format(client: CambAI, camb_sandbox: Sandbox) -> None:
    """`transcript/{run_id}/{language}` exports the dub's script; `dub-alt-format` makes another container."""
    dub = client.dub.create_dub(
        video_url="https://example.com/v.mp4", source_language=1, target_languages=[54]
    )
    run = _wait(lambda: client.dub.get_dubbing_status(dub.task_id)).run_id
    script = client.dub.get_dubbed_run_transcript(run, "es-es", format_type="srt", data_type="raw_data")
    assert list(srt.parse(script["transcript"]))
    vtt = client.dub.get_dubbed_run_transcript(run, 54, format_type="vtt", data_type="raw_data")
    assert len(webvtt.from_string(vtt["transcript"]).captions) == len(list(srt.parse(script["transcript"])))

    export = client.dub.get_dubbed_output_in_alt_format(run, "es-es", output_format="mkv")
    task_id = export["task_id"]  # the SDK types this answer as a plain dict first
    status = _wait(lambda: client.dub.get_dubbed_output_in_alt_format_status(task_id, run_id=run))
    assert isinstance(status.message, dict) and status.message["output_url"].endswith("dub-es-es.mkv")
    got = httpx.get(status.message["output_url"])
    assert got.status_code == 200 and got.headers["content-type"].startswith("video/mkv")
    with pytest.raises(UnprocessableEntityError):
        client.dub.get_dubbed_output_in_alt_format(run, "es-es", output_format="avi")
    with pytest.raises(ApiError) as missing:
        client.dub.get_dubbed_output_in_alt_format(run, "fr-fr", output_format="mp4")
    assert missing.value.status_code == 404
