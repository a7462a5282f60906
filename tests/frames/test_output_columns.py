"""A batch never overwrites a column: collisions are refused with one line before anything is sent, and
per-target status columns let two batches on one frame keep each other's statuses (issue #16 item 4)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import camb_notebook.frames  # noqa: F401  (registers df.camb)
from camb_notebook.api import UsageError
from camb_notebook.sandbox import Sandbox, pseudo_localize


def _creates(sandbox: Sandbox) -> int:
    """Translation tasks the sandbox has created so far."""
    return sandbox.stats.tasks_created.get("translation", 0)


def test_two_batches_on_one_frame_keep_each_others_statuses(camb: Any, camb_sandbox: Sandbox) -> None:
    """fr-fr fails for one row in the first batch; a de-de batch on its output keeps that failure."""
    df = pd.DataFrame({"text": ["one", "two", "three"]})
    first = df.camb.translate("text", to="fr-fr", session=camb).result(timeout=30)
    first.loc[1, "camb_status_fr-fr"] = "failed"  # as if row 1 had failed in that batch
    first.loc[1, "camb_error_fr-fr"] = "JobFailed: boom"
    second = first.camb.translate("text", to="de-de", session=camb).result(timeout=30)
    assert second["camb_status_fr-fr"].tolist() == ["ok", "failed", "ok"]
    assert second["camb_status_de-de"].tolist() == ["ok", "ok", "ok"]
    assert second["camb_status"].tolist() == ["ok", "failed", "ok"]
    assert second.loc[1, "camb_error"] == "fr-fr: JobFailed: boom"
    assert second["text_fr-fr"].tolist() == first["text_fr-fr"].tolist()
    assert second["text_de-de"].tolist() == [pseudo_localize(t, "de-de") for t in df["text"]]
    assert list(second.columns).count("camb_status") == 1


@pytest.mark.parametrize(
    ("columns", "source", "to", "named"),
    [
        ({"text": ["a"], "text_fr-fr": ["mine"]}, "text", "fr-fr", "'text_fr-fr'"),
        ({"text": ["a"], "camb_status": ["mine"]}, "text", "fr-fr", "'camb_status'"),
        ({"camb_error": ["a source text"]}, "camb_error", "fr-fr", "'camb_error'"),
        ({"text": ["a"], "camb_status_de-de": ["ok"]}, "text", "de-de", "'camb_status_de-de'"),
        ({"text": ["a"], "qa_fr-fr": ["mine"]}, "text", "fr-fr", "'qa_fr-fr'"),
    ],
)
def test_existing_output_columns_are_refused_with_one_line_before_any_create(
    camb: Any, camb_sandbox: Sandbox, columns: dict[str, list[str]], source: str, to: str, named: str
) -> None:
    """Each collision is one UsageError naming the column; nothing reaches the server, the frame is intact."""
    df = pd.DataFrame(columns)
    before = df.copy()
    with pytest.raises(UsageError) as caught:
        df.camb.translate(source, to=to, session=camb)
    message = str(caught.value)
    assert named in message and "\n" not in message and "never overwrites" in message
    assert _creates(camb_sandbox) == 0
    pd.testing.assert_frame_equal(df, before)


def test_long_layout_refuses_its_own_columns(camb: Any, camb_sandbox: Sandbox) -> None:
    """A frame that already has `camb_target` is refused for shape='long'."""
    df = pd.DataFrame({"text": ["a"], "camb_target": ["x"]})
    with pytest.raises(UsageError, match="'camb_target'"):
        df.camb.translate("text", to="fr-fr", shape="long", session=camb)


def test_without_qa_the_qa_columns_of_an_earlier_batch_are_left_alone(camb: Any) -> None:
    """qa=False adds no QA columns, so an earlier `qa_fr-fr` is no collision (and is kept as it is)."""
    df = pd.DataFrame({"title": ["Hello"], "qa_fr-fr": ["kept"]})
    out = df.camb.translate("title", to="fr-fr", qa=False, session=camb).result(timeout=30)
    assert out.loc[0, "qa_fr-fr"] == "kept" and out.loc[0, "camb_status"] == "ok"


def test_translated_then_voiced_then_translated_keeps_every_batch_status(
    camb: Any, camb_sandbox: Sandbox, tmp_path: Any
) -> None:
    """A speech batch on a translated frame adds `camb_status_tts` beside `camb_status_fr-fr`; the summary is
    the worst of all of them, and a later translation keeps the speech status too."""
    df = pd.DataFrame({"text": ["one", "two", "three"]})
    first = df.camb.translate("text", to="fr-fr", session=camb).result(timeout=30)
    first.loc[1, "camb_status_fr-fr"] = "failed"  # as if row 1 had failed in that batch
    first.loc[1, "camb_error_fr-fr"] = "JobFailed: boom"
    voiced = first.camb.tts("text_fr-fr", voice=20298, out_dir=tmp_path, session=camb).result(timeout=30)
    assert voiced["camb_status_fr-fr"].tolist() == ["ok", "failed", "ok"]
    assert voiced["camb_status_tts"].tolist() == ["ok", "ok", "ok"]
    assert voiced["camb_status"].tolist() == ["ok", "failed", "ok"]
    assert voiced.loc[1, "camb_error"] == "fr-fr: JobFailed: boom"
    assert voiced["audio_path"].notna().all() and list(voiced.columns).count("camb_status") == 1
    again = voiced.camb.translate("text", to="de-de", qa=False, session=camb).result(timeout=30)
    assert again["camb_status_tts"].tolist() == ["ok", "ok", "ok"]
    assert again["audio_path"].tolist() == voiced["audio_path"].tolist()
    assert again["camb_status"].tolist() == ["ok", "failed", "ok"]


@pytest.mark.parametrize(
    ("columns", "call", "named"),
    [
        ({"text": ["a b c"], "audio_path": ["mine.wav"]}, "tts", "'audio_path'"),
        ({"text": ["a b c"], "camb_status": ["mine"]}, "tts", "'camb_status'"),
        ({"text": ["a b c"], "camb_status_tts": ["ok"], "camb_status": ["ok"]}, "tts", "'camb_status_tts'"),
        ({"text": ["https://example.com/a.mp4"], "video_url_fr-fr": ["x"]}, "dub", "'video_url_fr-fr'"),
        ({"text": ["/no/such.wav"], "transcript": ["mine"]}, "transcribe", "'transcript'"),
    ],
)
def test_speech_batches_refuse_existing_output_columns_before_any_request(
    camb: Any, camb_sandbox: Sandbox, tmp_path: Any, columns: dict[str, list[str]], call: str, named: str
) -> None:
    """tts / dub / wide transcribe: one UsageError line naming the column; no request at all (not even the
    voice list), the frame intact."""
    df = pd.DataFrame(columns)
    before = df.copy()
    options: dict[str, Any] = {
        "tts": {"voice": 20298, "out_dir": tmp_path},
        "dub": {"to": "fr-fr"},
        "transcribe": {"shape": "wide"},
    }[call]
    with pytest.raises(UsageError) as caught:
        getattr(df.camb, call)("text", session=camb, **options)
    message = str(caught.value)
    assert named in message and "\n" not in message and "never overwrites" in message
    assert sum(camb_sandbox.stats.requests.values()) == 0
    pd.testing.assert_frame_equal(df, before)
