"""`camb.subtitles(url, to=[...])` on the sandbox's `sub` route as a Job, the exports, and the wire client."""

from __future__ import annotations

import asyncio

import pytest
import srt
import webvtt

from camb_notebook.api import ApiClient, InvalidResponseError, SubtitleResult, UsageError, result_from_dict
from camb_notebook.api._parse import parse_subtitles
from camb_notebook.sandbox import Sandbox, make_wav, pseudo_localize
from camb_notebook.sessions import Camb
from camb_notebook.subtitles import cues


def test_subtitles_job_gives_cues_per_language(camb: Camb, camb_sandbox: Sandbox) -> None:
    """One `sub` task; the result has the source and each target with the same times; cached on repeat."""
    url = "https://example.com/media/talk.mp4"
    job = camb.subtitles(url, to=["es-es", "fr-fr"], preset="netflix")
    result = job.result()
    assert isinstance(result, SubtitleResult) and sorted(result.by_language) == ["en-us", "es-es", "fr-fr"]
    assert job.request["formatting_options"]["max_characters_in_segment"] == 84
    tracks = camb.subtitle_tracks(job)
    source, spanish = tracks["en-us"], tracks["es-es"]
    assert spanish["start"].tolist() == source["start"].tolist()
    assert spanish["text"].tolist() == [pseudo_localize(t, "es-es") for t in source["text"]]
    assert result_from_dict("subtitles", result.to_dict()) == result
    created = camb_sandbox.stats.tasks_created.get("subtitles", 0)
    again = camb.subtitles(url, to=["es-es", "fr-fr"], preset="netflix")
    assert again.result() == result and again.cached
    assert camb_sandbox.stats.tasks_created.get("subtitles", 0) == created


def test_subtitles_takes_urls_and_targets_only(camb: Camb) -> None:
    """A local path, no target, or an unknown language fail before any job exists."""
    with pytest.raises(UsageError, match="media URL"):
        camb.subtitles("talk.mp4", to=["es-es"])
    with pytest.raises(UsageError, match="at least one target"):
        camb.subtitles("https://example.com/a.mp4", to=[])
    with pytest.raises(UsageError):
        camb.subtitles("https://example.com/a.mp4", to=["xx-nowhere"])
    assert camb.manager.jobs() == []


def test_transcript_and_dub_exports_parse(camb: Camb) -> None:
    """The server's own SRT/WebVTT renderings of a transcription and a dub parse with srt / webvtt-py."""
    job = camb.transcribe(make_wav("First line here. Second line there."), language="en-us")
    segments = job.result().segments
    as_srt = camb.transcript_export(job.run_id, "srt")
    assert [c.content for c in srt.parse(as_srt)] == [s.text for s in segments]
    as_vtt = camb.transcript_export(job.run_id, "vtt")
    assert [c.text for c in webvtt.from_string(as_vtt)] == [s.text for s in segments]
    dub = camb.dub("https://example.com/v.mp4", source="en-us", to="es-es")
    dub.result()
    assert list(srt.parse(camb.dub_export(dub.run_id, "es-es", "srt")))
    with pytest.raises(UsageError, match="srt, vtt or txt"):
        camb.transcript_export(job.run_id, "docx")  # type: ignore[arg-type]


def test_wire_client_subtitle_routes(camb_sandbox: Sandbox) -> None:
    """ApiClient: create/status/result through the task flow, per-language and all-language exports."""

    async def run() -> None:
        async with ApiClient(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url) as api:
            task = await api.create_subtitles("https://example.com/x.wav", "en-us", ["de-de"])
            for _ in range(200):
                status = await api.status("subtitles", task)
                if status.is_terminal:
                    break
                await asyncio.sleep(0.02)
            assert status.run_id is not None
            result = await api.result("subtitles", status.run_id)
            assert isinstance(result, SubtitleResult) and sorted(result.by_language) == ["de-de", "en-us"]
            one = await api.subtitle_export(status.run_id, "de-de", "vtt")
            assert isinstance(one, str) and one.startswith("WEBVTT")
            every = await api.subtitle_export(status.run_id, format_type="srt")
            assert isinstance(every, dict) and sorted(every) == ["de-de", "en-us"]
            again = await api.create_subtitles("https://example.com/y.wav", "en-us", ["fr-fr"])
            for _ in range(200):
                second = await api.status("subtitles", again)
                if second.is_terminal:
                    break
                await asyncio.sleep(0.02)
            assert second.run_id is not None
            bulk = await api.results("subtitles", [status.run_id, second.run_id])
            assert sorted(bulk[second.run_id].by_language) == ["en-us", "fr-fr"]  # type: ignore[union-attr]

    asyncio.run(run())


def test_subtitle_results_parse_every_shape_and_reject_junk() -> None:
    """Cues per language, wrapped per language, or one `transcript`; anything else is InvalidResponseError."""
    cue = {"start": 0, "end": 1, "text": "Hi", "speaker": "A"}
    assert sorted(parse_subtitles({"en-us": [cue], "es-es": {"transcript": [cue]}}, "t").by_language) == [
        "en-us",
        "es-es",
    ]
    assert list(parse_subtitles({"transcript": [cue]}, "t").by_language) == ["source"]
    for junk in ([], {}, "x", {"en-us": None}):
        with pytest.raises(InvalidResponseError):
            parse_subtitles(junk, "t")
    kept = parse_subtitles(
        {"en-us": [{"start": "x"}, cue]}, "t"
    )  # a malformed cue is skipped, as the SDK does
    assert [c.text for c in kept.by_language["en-us"]] == ["Hi"]
    assert cues(parse_subtitles({"transcript": [cue]}, "t"))["speaker"].tolist() == ["A"]
    with pytest.raises(UsageError, match="no subtitles for 'fr-fr'"):
        cues(parse_subtitles({"transcript": [cue]}, "t"), language="fr-fr")
