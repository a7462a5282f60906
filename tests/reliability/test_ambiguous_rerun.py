"""Billed once on a rerun: a chunk whose earlier create may have made a task is not sent again unasked.

The sandbox processes a create and cuts its answer (`cut`), so the task exists but no client knows its
id. A second session on the same journal (another kernel running the same cell) reuses every finished
chunk from the cache and refuses that one: its rows fail saying how to resend; `resend_ambiguous=True`
sends it, once, and marks the earlier create resent, so a later rerun is served from the cache.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import pandas as pd
import pytest

from camb_notebook.api import AmbiguousSubmitError
from camb_notebook.frames import translate_frame
from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb

ROWS, CHUNK = 30, 10


def _session(sandbox: Sandbox, home: Path) -> Camb:
    """A session on the shared journal `home`, polling fast."""
    camb = Camb(api_key=sandbox.api_key, base_url=sandbox.base_url, home=home, max_in_flight=4)
    camb.manager.policy = dataclasses.replace(camb.manager.policy, first=0.02, cap=0.1, jitter=0.0)
    return camb


def _translate(frame: pd.DataFrame, camb: Camb, **options: bool) -> pd.DataFrame:
    """The same cell every time: the frame into French, chunks of CHUNK rows."""
    out: pd.DataFrame = translate_frame(
        frame, "text", "fr-fr", chunk_size=CHUNK, qa=False, session=camb, **options
    ).result(timeout=60)
    return out


def test_a_rerun_in_another_session_does_not_resend_an_ambiguous_chunk(
    camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    frame = pd.DataFrame({"text": [f"ambiguous rerun row {i}" for i in range(ROWS)]})
    expected = [pseudo_localize(t, "fr-fr") for t in frame["text"]]
    camb_sandbox.fail_next("cut", route="POST translate")  # made on the server, its answer lost
    first = _session(camb_sandbox, tmp_path / "j")
    try:
        out = _translate(frame, first)
    finally:
        first.close()
    assert (out["camb_status"] == "failed").sum() == CHUNK
    created = camb_sandbox.stats.tasks_created["translation"]
    assert created == ROWS // CHUNK  # the cut create made its task too

    second = _session(camb_sandbox, tmp_path / "j")
    try:
        out = _translate(frame, second)
        assert camb_sandbox.stats.tasks_created["translation"] == created  # nothing resent unasked
        failed = out[out["camb_status"] == "failed"]
        assert len(failed) == CHUNK
        assert all(
            e.startswith("fr-fr: AmbiguousSubmitError: not sent again") and "resend_ambiguous=True" in e
            for e in failed["camb_error"]
        )
        ok = out["camb_status"] == "ok"
        assert out.loc[ok, "text_fr-fr"].tolist() == [e for e, good in zip(expected, ok, strict=True) if good]

        out = _translate(frame, second, resend_ambiguous=True)
        assert out["text_fr-fr"].tolist() == expected
        assert camb_sandbox.stats.tasks_created["translation"] == created + 1  # resent once, asked
        assert _translate(frame, second)["text_fr-fr"].tolist() == expected  # cached from now on
        assert camb_sandbox.stats.tasks_created["translation"] == created + 1
    finally:
        second.close()


def test_retry_failed_resends_a_chunk_the_rerun_held(camb_sandbox: Sandbox, tmp_path: Path) -> None:
    """The rerun's own handle: `retry_failed(resend_ambiguous=True)` sends the held chunk, once."""
    frame = pd.DataFrame({"text": [f"held chunk row {i}" for i in range(CHUNK)]})
    camb_sandbox.fail_next("cut", route="POST translate")
    camb = _session(camb_sandbox, tmp_path / "j")
    try:
        _translate(frame, camb)
        batch = translate_frame(frame, "text", "fr-fr", chunk_size=CHUNK, qa=False, session=camb)
        assert (batch.result(timeout=60)["camb_status"] == "failed").all()
        assert isinstance(batch.error, AmbiguousSubmitError)
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            out = batch.retry_failed(resend_ambiguous=True).result(timeout=60)
        assert out["text_fr-fr"].tolist() == [pseudo_localize(t, "fr-fr") for t in frame["text"]]
        assert camb_sandbox.stats.tasks_created["translation"] == 2
    finally:
        camb.close()


def test_a_single_job_says_to_pass_cache_false(camb_sandbox: Sandbox, tmp_path: Path) -> None:
    """A job of its own (no batch) is refused too; `cache=False` sends it again."""
    camb_sandbox.fail_next("cut", route="POST translate")
    camb = _session(camb_sandbox, tmp_path / "j")
    try:
        with pytest.raises(AmbiguousSubmitError):
            camb.translate("a lone text", to="fr-fr").result(timeout=30)
        with pytest.raises(AmbiguousSubmitError, match="cache=False"):
            camb.translate("a lone text", to="fr-fr").result(timeout=30)
        assert camb_sandbox.stats.tasks_created["translation"] == 1
        again = camb.translate("a lone text", to="fr-fr", cache=False).result(timeout=30)
        assert list(again.texts) == [pseudo_localize("a lone text", "fr-fr")]
        assert camb_sandbox.stats.tasks_created["translation"] == 2
    finally:
        camb.close()
