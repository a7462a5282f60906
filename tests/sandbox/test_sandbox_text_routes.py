"""Contract tests for the text and speech routes: success bodies and error shapes match the API reference."""

from __future__ import annotations

import io
import uuid
import wave

import httpx
import pytest
from sandbox_helpers import TRANSLATE, create, finish

from camb_notebook.sandbox import CONTENT_TYPES, Sandbox, pseudo_localize, read_wav_text


def test_translation_flow_shapes(api: httpx.Client) -> None:
    """translate → status → result follows the task pattern: a UUID task_id, an int run_id, texts in order."""
    task_id = create(api, "translate", json=TRANSLATE)
    uuid.UUID(task_id)
    first = api.get(f"translate/{task_id}").json()
    assert first == {"status": "PENDING", "run_id": None}
    run_id = finish(api, f"translate/{task_id}")["run_id"]
    assert isinstance(run_id, int)
    texts = api.get(f"translation-result/{run_id}").json()["texts"]
    assert texts == [pseudo_localize("Hello", "es-es"), pseudo_localize("World", "es-es")]


def test_translation_bulk_needs_two_to_five_ids(api: httpx.Client) -> None:
    """translation-results maps string run_ids to results and rejects 1 or 6 ids with a 422 detail list."""
    runs = [finish(api, f"translate/{create(api, 'translate', json=TRANSLATE)}")["run_id"] for _ in range(2)]
    bulk = api.post("translation-results", json={"run_ids": runs}).json()
    assert set(bulk) == {str(r) for r in runs}
    for ids in ([runs[0]], [runs[0]] * 6):
        response = api.post("translation-results", json={"run_ids": ids})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "run_ids"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({**TRANSLATE, "target_language": "auto"}, ["body", "target_language"]),
        ({**TRANSLATE, "source_language": 999}, ["body", "source_language"]),
        ({**TRANSLATE, "source_language": "EN-US"}, ["body", "source_language"]),
        ({"source_language": 1, "target_language": 54}, ["body", "texts"]),
    ],
)
def test_translate_validation_errors(api: httpx.Client, body: dict[str, object], loc: list[str]) -> None:
    """Bad languages and missing fields give FastAPI's 422 detail list pointing at the field."""
    response = api.post("translate", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_language_inputs_accept_id_locale_and_auto(api: httpx.Client) -> None:
    """Source accepts an int id, a numeric string, a locale and `auto`; target accepts an id."""
    for source in (1, "1", "en-us", "auto"):
        assert api.post("translate", json={**TRANSLATE, "source_language": source}).status_code == 200
    task_id = create(api, "translate", json={**TRANSLATE, "target_language": 139})
    run_id = finish(api, f"translate/{task_id}")["run_id"]
    assert api.get(f"translation-result/{run_id}").json()["texts"][0] == pseudo_localize("Hello", "zh-cn")


def test_auth_errors(camb_sandbox: Sandbox, api: httpx.Client) -> None:
    """Missing or unknown keys get 401 with detail/error/status; another key's task and run get 403."""
    for headers in ({}, {"x-api-key": "nope"}):
        response = httpx.get(camb_sandbox.base_url + "/list-voices", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"detail": "Invalid API key", "error": "Invalid API key", "status": 401}
    camb_sandbox.config.api_keys = ("sandbox", "other")
    task_id = create(api, "translate", json=TRANSLATE)
    run_id = finish(api, f"translate/{task_id}")["run_id"]
    other = {"x-api-key": "other"}
    assert api.get(f"translate/{task_id}", headers=other).status_code == 403
    assert api.get(f"translation-result/{run_id}", headers=other).status_code == 403


def test_ids_and_unknown_routes(api: httpx.Client) -> None:
    """A UUID run_id is a 422 on the path; unknown task, run and route are 404; a wrong-family run is 400."""
    response = api.get(f"tts-result/{uuid.uuid4()}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "run_id"]
    assert api.get(f"translate/{uuid.uuid4()}").status_code == 404
    assert api.get("translation-result/987654").status_code == 404
    assert api.get("no-such-route").status_code == 404
    run_id = finish(api, f"translate/{create(api, 'translate', json=TRANSLATE)}")["run_id"]
    assert api.get(f"tts-result/{run_id}").status_code == 400


def test_legacy_tts_flow(api: httpx.Client) -> None:
    """tts → status → tts-result gives WAV bytes or a file_url JSON, and tts-results maps run_ids to URLs."""
    assert api.post("tts", json={"text": "Hi", "voice_id": 1, "language": "en-us"}).status_code == 422
    task_id = create(api, "tts", json={"text": "Good morning", "voice_id": 20298, "language": 1})
    run_id = finish(api, f"tts/{task_id}")["run_id"]
    raw = api.get(f"tts-result/{run_id}")
    assert raw.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(raw.content)) as wav:
        assert wav.getnframes() > 0
    url = api.get(f"tts-result/{run_id}", params={"output_type": "file_url"}).json()["output_url"]
    assert read_wav_text(httpx.get(url).content) == "Good morning"
    assert api.post("tts-results", json={"run_ids": [run_id]}).json() == {str(run_id): {"output_url": url}}


def test_translated_tts_text_and_audio(api: httpx.Client) -> None:
    """translated-tts runs serve text via translation-result and speech via tts-result."""
    body = {"text": "Thanks", "voice_id": 20300, "source_language": 1, "target_language": "fr-fr"}
    run_id = finish(api, f"translated-tts/{create(api, 'translated-tts', json=body)}")["run_id"]
    expected = pseudo_localize("Thanks", "fr-fr")
    assert api.get(f"translation-result/{run_id}").json() == {"texts": [expected]}
    assert read_wav_text(api.get(f"tts-result/{run_id}").content) == expected


@pytest.mark.parametrize("fmt", sorted(CONTENT_TYPES))
def test_tts_stream_formats(api: httpx.Client, fmt: str) -> None:
    """tts-stream answers every output format with its Content-Type and X-Credits-Required."""
    body = {
        "text": "Stream me",
        "language": "en-us",
        "voice_id": 20298,
        "output_configuration": {"format": fmt},
    }
    response = api.post("tts-stream", json=body)
    assert response.status_code == 200
    assert response.headers["content-type"] == CONTENT_TYPES[fmt]
    assert response.headers["x-credits-required"] == "9"
    assert response.content


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"language": 1}, ["body", "language"]),
        ({"text": "Hi"}, ["body", "text"]),
        ({"voice_id": None}, ["body", "voice_id"]),
    ],
)
def test_tts_stream_validation(api: httpx.Client, change: dict[str, object], loc: list[str]) -> None:
    """tts-stream takes locale strings only, 3–3000 chars of text and a voice id (422 otherwise)."""
    body = {"text": "Hello there", "language": "en-us", "voice_id": 20298, **change}
    response = api.post("tts-stream", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_translation_stream_chunks(api: httpx.Client) -> None:
    """translation/stream sends the pseudo-localized text in several UTF-8 chunks with X-Credits-Required."""
    body = {"text": "A fairly long sentence to translate.", "source_language": 1, "target_language": "de-de"}
    with api.stream("POST", "translation/stream", json=body) as response:
        assert response.headers["x-credits-required"] == str(len(body["text"]))
        chunks = list(response.iter_raw())
    assert len(chunks) > 1
    assert b"".join(chunks).decode() == pseudo_localize(str(body["text"]), "de-de")
