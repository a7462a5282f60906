"""Camb session on the sandbox: every family end to end, input validation first, key hygiene, defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from camb_notebook.api import LanguageError, MissingKeyError, UsageError
from camb_notebook.jobs import BatchJob, Job, PollPolicy
from camb_notebook.sandbox import make_wav, pseudo_localize
from camb_notebook.sessions import Camb, current, running_sandbox, session, stop_sandbox
from camb_notebook.sessions import _process as _session


def test_bad_input_fails_before_any_job_exists(camb: Camb, camb_sandbox: Any) -> None:
    """Unknown languages, several targets, empty text and unknown options raise before submitting."""
    with pytest.raises(LanguageError):
        camb.translate("Hello", to="klingon-xx")
    with pytest.raises(UsageError, match="one target"):
        camb.translate("Hello", to=["fr-fr", "de-de"], stream=True)  # type: ignore[call-overload]
    with pytest.raises(UsageError, match="apply to batches"):
        camb.translate(["a", "b"], to="fr-fr", chunk_size=1)  # type: ignore[call-overload]
    with pytest.raises(UsageError):
        camb.translate([], to="fr-fr")
    with pytest.raises(UsageError, match="formality"):
        camb.translate("Hello", to="fr-fr", formality="royal")
    with pytest.raises(UsageError, match="file not found"):
        camb.transcribe("/no/such/file.wav", language="en-us")
    assert camb.jobs().empty
    assert camb_sandbox.stats.total_tasks == 0


def test_translate_gives_a_job_for_one_target_and_a_batch_for_a_list(camb: Camb) -> None:
    """One way to translate: `to="fr-fr"` is one task (Job), `to=[...]` a deduplicated batch (BatchJob)."""
    job = camb.translate(["Hello", "Bye"], to="fr-fr")
    assert isinstance(job, Job)
    assert list(job.result(timeout=30).texts) == [pseudo_localize(t, "fr-fr") for t in ("Hello", "Bye")]
    batch = camb.translate(["Hi", "Hi", None, "Yo"], to=["de-de", "it-it"], chunk_size=1)
    assert isinstance(batch, BatchJob)
    result = batch.result(timeout=30)
    assert result == {
        lang: [pseudo_localize("Hi", lang), pseudo_localize("Hi", lang), None, pseudo_localize("Yo", lang)]
        for lang in ("de-de", "it-it")
    }
    assert len(batch.jobs) == 4  # two distinct texts × two targets, one text per chunk


def test_every_family_runs_end_to_end(camb: Camb, tmp_path: Path) -> None:
    """translate, tts, translated_tts, transcribe (bytes, path, URL), dub and story all return results."""
    wav = tmp_path / "speech.wav"
    wav.write_bytes(make_wav("hello from a file"))
    story = tmp_path / "story.txt"
    story.write_text("Once upon a time, a notebook talked.")
    jobs = {
        "translate": camb.translate("Good morning", to="French (France)", formality="formal"),
        "tts": camb.tts("Hello there", voice=20298),
        "translated_tts": camb.translated_tts("Hello there", voice=20298, to="de-de"),
        "transcribe_bytes": camb.transcribe(make_wav("hello from bytes"), language="en-us"),
        "transcribe_path": camb.transcribe(wav, language="auto"),
        "transcribe_url": camb.transcribe("https://example.com/talk.mp3", language="en-us"),
        "dub": camb.dub("https://example.com/video.mp4", source="en-us", to=["fr-fr", "es-es"]),
        "story": camb.story(story, language="en-us", title="A tale"),
    }
    camb.wait(list(jobs.values()), timeout=30)
    failed = {name: repr(j.error) for name, j in jobs.items() if j.state != "succeeded"}
    assert failed == {}
    assert jobs["translate"].result().texts == (pseudo_localize("Good morning", "fr-fr"),)
    assert jobs["tts"].result().audio
    assert "hello from bytes" in jobs["transcribe_bytes"].result().text
    assert "hello from a file" in jobs["transcribe_path"].result().text
    frame = camb.jobs()
    assert list(frame["state"]) == ["succeeded"] * len(jobs)
    assert camb.get_job(jobs["dub"].id[:5]) is jobs["dub"]


def test_key_never_shows_and_can_be_replaced(camb_sandbox: Any, fast_policy: PollPolicy) -> None:
    """key_status and repr mask the key; set_key switches the key used by new jobs."""
    camb_sandbox.configure(api_keys=("first-key-123456", "second-key-654321"))
    with Camb(api_key="wrong-key-000000", base_url=camb_sandbox.base_url) as camb:
        camb.manager.policy = fast_policy
        assert "wrong-key" not in camb.key_status() and "wrong-key" not in repr(camb)
        failed = camb.translate("Hi", to="fr-fr")
        camb.wait([failed], timeout=20)
        assert failed.state == "failed" and "wrong-key" not in str(failed.error)
        camb.set_key("second-key-654321")
        assert camb.translate("Hi", to="fr-fr", cache=False).result(timeout=20).texts


def test_require_key_raises_with_the_given_hint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """require_key() passes with a key and raises MissingKeyError (default or given hint) without one."""
    monkeypatch.chdir(tmp_path)  # no .env to find
    with Camb() as keyless, Camb(api_key="some-key-123456") as keyed:
        keyed.require_key()
        with pytest.raises(MissingKeyError, match="CAMB_API_KEY"):
            keyless.require_key()
        with pytest.raises(MissingKeyError, match="run %camb key"):
            keyless.require_key(hint="run %camb key")


def test_story_from_bytes_needs_a_file_name(camb: Camb, camb_sandbox: Any) -> None:
    """story() takes the file's bytes with its name (uploaded as that file), and refuses bytes without one."""
    with pytest.raises(UsageError, match="filename"):
        camb.story(b"Once upon a time.", language="en-us")
    with pytest.raises(UsageError, match="filename"):
        camb.story(b"Once upon a time.", language="en-us", filename="tale.pdf")
    assert camb_sandbox.stats.total_tasks == 0
    job = camb.story(b"Once upon a time, bytes told a tale.", language="en-us", filename="/tmp/x/tale.txt")
    assert job.request["filename"] == "tale.txt"
    assert job.result(timeout=30)


def test_catalogs(camb: Camb) -> None:
    """languages() searches the bundled catalog; voices() lists the sandbox voices."""
    assert len(camb.languages()) > 100
    assert "fr-fr" in set(camb.languages("french")["locale"])
    voices = camb.voices()
    assert not voices.empty and {"id", "name"} <= set(voices.columns)


def test_default_session_can_use_an_in_process_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """With CAMB_SANDBOX=1, session() starts a local sandbox once and returns the same session."""
    monkeypatch.setenv("CAMB_SANDBOX", "1")
    monkeypatch.setattr(_session, "_default", None)
    monkeypatch.setattr(_session, "_sandbox", None)
    assert current() is None and running_sandbox() is None
    camb = session()
    try:
        assert session() is camb and current() is camb
        sandbox = running_sandbox()
        assert sandbox is not None and camb.base_url == sandbox.base_url
        assert camb.base_url.startswith("http://127.0.0.1:")
        assert camb.voices().shape[0] > 0
        assert stop_sandbox() and not sandbox.running and running_sandbox() is None
        assert current() is None and camb.manager.closed and not stop_sandbox()
    finally:
        camb.close()
        stop_sandbox()
