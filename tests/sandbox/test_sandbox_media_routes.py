"""Contract tests for transcription, dubbing, story, catalog and `__sandbox__` routes."""

from __future__ import annotations

import json

import httpx
import pytest
from sandbox_helpers import create, finish

from camb_notebook.sandbox import Sandbox, make_wav, pseudo_localize, read_wav_text

SRT = "1\n00:00:00,000 --> 00:00:01,000\nHello there.\n\n2\n00:00:01,500 --> 00:00:03,000\nGoodbye now.\n"


def _transcribe(api: httpx.Client, text: str, **form: str) -> int:
    """Upload a sandbox WAV of `text` and return the finished run_id."""
    files = {"media_file": ("clip.wav", make_wav(text), "audio/wav")}
    task_id = create(api, "transcribe", data={"language": "en-us", **form}, files=files)
    return int(finish(api, f"transcribe/{task_id}")["run_id"])


def test_transcription_segments_and_formats(api: httpx.Client) -> None:
    """A sandbox WAV transcribes to its text as timed segments, srt/vtt/txt text, or a served file URL."""
    run_id = _transcribe(api, "First line here. Second line follows.")
    segments = api.get(f"transcription-result/{run_id}").json()["transcript"]
    assert [s["text"] for s in segments] == ["First line here.", "Second line follows."]
    assert [s["speaker"] for s in segments] == ["SPEAKER_0", "SPEAKER_1"]
    assert 0 == segments[0]["start"] < segments[0]["end"] < segments[1]["start"]
    srt = api.get(
        f"transcription-result/{run_id}", params={"format_type": "srt", "data_type": "raw_data"}
    ).json()
    assert srt["transcript"].startswith("1\n00:00:00,000 --> ")
    vtt = api.get(
        f"transcription-result/{run_id}", params={"format_type": "vtt", "data_type": "raw_data"}
    ).json()
    assert vtt["transcript"].startswith("WEBVTT")
    url = api.get(f"transcription-result/{run_id}", params={"format_type": "txt"}).json()["transcript"]
    assert httpx.get(url).text == "First line here.\nSecond line follows."
    assert api.post("transcription-results", json={"run_ids": [run_id]}).json() == {
        str(run_id): {"transcript": segments}
    }


def test_transcription_options_and_errors(api: httpx.Client) -> None:
    """formatting_options is a JSON string; bad JSON or language is 422, missing media is 400, URLs work."""
    options = json.dumps({"max_characters_in_segment": 10})
    run_id = _transcribe(api, "one two three four five", formatting_options=options)
    assert all(len(s["text"]) <= 10 for s in api.get(f"transcription-result/{run_id}").json()["transcript"])
    bad = api.post("transcribe", data={"language": "en-us", "media_url": "u", "formatting_options": "{"})
    assert bad.json()["detail"][0]["loc"] == ["body", "formatting_options"]
    for limit in ("abc", 0, 10**9, True):
        options = json.dumps({"max_characters_in_segment": limit})
        bad = api.post(
            "transcribe", data={"language": "en-us", "media_url": "u", "formatting_options": options}
        )
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "max_characters_in_segment"
    assert api.post("transcribe", data={"language": "xx", "media_url": "u"}).status_code == 422
    assert api.post("transcribe", data={"language": "auto"}, files={"x": ("a", b"")}).status_code == 400
    task_id = create(
        api, "transcribe", data={"language": "auto", "media_url": "https://example.com/talk.mp3"}
    )
    run_id = int(finish(api, f"transcribe/{task_id}")["run_id"])
    assert "talk.mp3" in api.get(f"transcription-result/{run_id}").json()["transcript"][0]["text"]


def test_dub_single_and_multi_target(api: httpx.Client) -> None:
    """One target gives a flat DubbingResult, several give one per locale; URLs are served by the sandbox."""
    body = {
        "video_url": "https://example.com/v.mp4",
        "source_language": 1,
        "source_transcript": {"content": SRT},
    }
    one = finish(api, f"dub/{create(api, 'dub', json={**body, 'target_language': 'es-es'})}")["run_id"]
    result = api.get(f"dub-result/{one}").json()
    assert set(result) == {"audio_url", "video_url", "transcript"}
    spoken = pseudo_localize("Hello there. Goodbye now.", "es-es")
    assert read_wav_text(httpx.get(result["audio_url"]).content) == spoken
    assert httpx.get(result["video_url"]).headers["content-type"] == "video/mp4"
    many = finish(api, f"dub/{create(api, 'dub', json={**body, 'target_languages': [54, 76]})}")["run_id"]
    assert set(api.get(f"dub-result/{many}").json()) == {"es-es", "fr-fr"}
    assert set(api.post("dubbing-results", json={"run_ids": [one, many]}).json()) == {str(one), str(many)}
    text = api.get(f"transcript/{one}/es-es", params={"format_type": "txt", "data_type": "raw_data"}).json()
    assert text == {"transcript": "\n".join(s["text"] for s in result["transcript"])}
    assert api.get(f"transcript/{one}/de-de").status_code == 404


def test_dub_errors(api: httpx.Client) -> None:
    """No target language, or a target script for a language not requested, is a 422."""
    body = {"video_url": "https://example.com/v.mp4", "source_language": 1}
    assert api.post("dub", json=body).json()["detail"][0]["loc"] == ["body", "target_languages"]
    scripts = [{"language": "fr-fr", "format": "srt", "content": SRT}]
    response = api.post("dub", json={**body, "target_language": 54, "target_transcripts": scripts})
    assert response.json()["detail"][0]["loc"] == ["body", "target_transcripts"]


def test_story_flow(api: httpx.Client) -> None:
    """story (multipart, int language) → result with audio/dialogue URLs and an optional transcript."""
    files = {"file": ("tale.txt", b"Once there was a fox. It ran away.")}
    run_id = finish(api, f"story/{create(api, 'story', data={'source_language': '1'}, files=files)}")[
        "run_id"
    ]
    plain = api.get(f"story-result/{run_id}").json()
    assert set(plain) == {"audio_url", "dialogue_url"}
    full = api.get(f"story-result/{run_id}", params={"include_transcript": "true"}).json()
    assert [s["speaker"] for s in full["transcript"]] == ["Narrator", "Character 1"]
    assert httpx.get(plain["dialogue_url"]).json() == full["transcript"]
    assert api.post("stories-results", json={"run_ids": [run_id]}).json() == {str(run_id): plain}


@pytest.mark.parametrize(
    ("data", "filename", "loc"),
    [({"source_language": "en-us"}, "t.txt", "source_language"), ({"source_language": "1"}, "t.pdf", "file")],
)
def test_story_errors(api: httpx.Client, data: dict[str, str], filename: str, loc: str) -> None:
    """story takes int language ids only and .txt/.docx files only (422 otherwise)."""
    response = api.post("story", data=data, files={"file": (filename, b"text")})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", loc]


def test_catalog_routes(api: httpx.Client) -> None:
    """Languages list all 149 ids as {id, language, short_name}; there are 12 voices; openapi is served."""
    for path in ("source-languages", "target-languages"):
        rows = api.get(path).json()
        assert len(rows) == 149
        assert rows[0] == {"id": 1, "language": "English (United States)", "short_name": "en-us"}
    voices = api.get("list-voices").json()
    assert len(voices) == 12
    assert {"id", "voice_name", "gender", "age", "language"} <= set(voices[0])
    assert "/apis/translate" in api.get("openapi.json").json()["paths"]


def test_control_routes(camb_sandbox: Sandbox, api: httpx.Client) -> None:
    """`__sandbox__` stats, config and reset steer a sandbox from another process, with a valid key only."""
    create(api, "translate", json={"texts": ["a"], "source_language": 1, "target_language": 54})
    anonymous = httpx.Client(base_url=camb_sandbox.base_url + "/__sandbox__/")
    for method, route in (("GET", "stats"), ("POST", "config"), ("POST", "reset")):
        assert anonymous.request(method, route, json={}).status_code == 401
    anonymous.close()
    control = httpx.Client(
        base_url=camb_sandbox.base_url + "/__sandbox__/", headers={"x-api-key": camb_sandbox.api_key}
    )
    stats = control.get("stats").json()
    assert stats["tasks_created"] == {"translation": 1}
    assert stats["requests"] == {"POST translate": 1}
    assert control.post("config", json={"processing_time": {"tts": 0.2}}).json() == {"status": "ok"}
    assert camb_sandbox.config.processing_time["tts"] == 0.2
    assert control.post("config", json={"nope": 1}).status_code == 422
    assert control.post("config", json={"faults": [{"fault": "bogus"}]}).status_code == 422
    control.post("reset")
    assert camb_sandbox.stats.total_tasks == 0
    control.close()


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"api_keys": "sandbox"}, "api_keys"),
        ({"api_keys": []}, "api_keys"),
        ({"fault_rate": "0.5"}, "fault_rate"),
        ({"fault_rate": 2}, "fault_rate"),
        ({"stream_chunks": 10**9}, "stream_chunks"),
        ({"processing_time": {"tts": "slow"}}, "processing_time"),
        ({"max_pending_per_key": True}, "max_pending_per_key"),
        ({"faults": [{"fault": "503", "times": -1}]}, "faults"),
        ({"faults": "503"}, "faults"),
        ({"fault_rate": 0.1, "stream_chunks": "many"}, "stream_chunks"),
    ],
)
def test_config_knobs_are_bounded_and_a_bad_patch_changes_nothing(
    camb_sandbox: Sandbox, patch: dict[str, object], field: str
) -> None:
    """Each out-of-bounds knob is a 422 naming its field; the other fields of that patch are not applied."""
    before = camb_sandbox.config.copy()
    response = httpx.post(
        f"{camb_sandbox.base_url}/__sandbox__/config", json=patch, headers={"x-api-key": camb_sandbox.api_key}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", field]
    assert camb_sandbox.config == before
