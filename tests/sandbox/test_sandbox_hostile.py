"""`hostile_content=True`: every string and header the API serves carries a script payload (issue 16)."""

from __future__ import annotations

import httpx

from camb_notebook.sandbox import Sandbox, make_wav
from camb_notebook.sandbox._hostile import HOSTILE_AUDIO_TYPE, HOSTILE_URL, PAYLOAD, hostile


def test_hostile_mode_poisons_strings_urls_types_and_headers(
    camb_sandbox: Sandbox, api: httpx.Client
) -> None:
    """Names, texts, statuses, error details, URLs, content types and headers all turn hostile."""
    camb_sandbox.configure(hostile_content=True, processing_time={"translation": 5.0})
    voices = api.get("list-voices")
    assert voices.headers["x-camb-note"] == PAYLOAD
    assert all(v["voice_name"].endswith(PAYLOAD) and isinstance(v["id"], int) for v in voices.json())
    body = {"text": "Hello", "language": "en-us", "voice_id": 1, "output_configuration": {"format": "wav"}}
    spoken = api.post("tts-stream", json=body)
    assert spoken.headers["content-type"] == HOSTILE_AUDIO_TYPE and spoken.content == make_wav("Hello", 22050)
    created = api.post("translate", json={"texts": ["Hi"], "source_language": 1, "target_language": 76})
    task_id = created.json()["task_id"]
    assert not task_id.endswith(PAYLOAD)
    assert api.get(f"translate/{task_id}").json()["status"] == "PENDING" + PAYLOAD
    missing = api.get("translate/nope")
    assert missing.status_code == 404 and missing.json()["detail"].endswith(PAYLOAD)


def test_hostile_mode_replaces_urls_and_is_off_by_default(api: httpx.Client) -> None:
    """Result URLs become `javascript:`, ids and final statuses stay; without the mode nothing changes."""
    assert "x-camb-note" not in api.get("list-voices").headers
    body = {"status": "SUCCESS", "run_id": 7, "video_url": "https://cdn.example/a.mp4", "texts": ["a"]}
    assert hostile(body) == {
        "status": "SUCCESS",
        "run_id": 7,
        "video_url": HOSTILE_URL,
        "texts": ["a" + PAYLOAD],
    }
