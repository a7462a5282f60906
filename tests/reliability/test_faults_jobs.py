"""Fault cases 7.17–7.24 and 7.27: job outcomes, batches, cancel, loop hygiene and key lookup, end to end.

The engine (JobManager / Camb) drives real sandbox tasks; every test checks the sandbox's counters.
"""

from __future__ import annotations

import asyncio
import gc
import getpass
import logging
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from reliability_helpers import FAST_POLL

from camb_notebook.api import (
    AuthenticationError,
    JobCancelled,
    JobDeadlineExceeded,
    JobTimedOut,
    MissingKeyError,
    QuotaExceeded,
    ResultUnavailableError,
)
from camb_notebook.frames import translate_frame
from camb_notebook.jobs import JobManager, PollPolicy
from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb

TRANSLATE = {"texts": ["Hello"], "source_language": 1, "target_language": 76}
STATUS = "GET translate/{id}"
RESULT = "GET translation-result/{id}"


def _settle(sandbox: Sandbox, seconds: float = 0.3) -> dict[str, int]:
    """The request counters after `seconds` of quiet (to prove nothing more is sent)."""
    before = sandbox.stats.requests
    time.sleep(seconds)
    assert sandbox.stats.requests == before, "requests kept coming after the job ended"
    return before


def _expected_polls(policy: PollPolicy) -> int:
    """How many polls the schedule fits before the deadline (jitter 0, instant answers)."""
    assert policy.deadline is not None
    elapsed, count = 0.0, 0
    while (elapsed := elapsed + policy.wait(elapsed)) < policy.deadline:
        count += 1
    return count


def test_7_17_pending_forever_hits_the_deadline_on_schedule(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """PENDING forever ends in JobDeadlineExceeded with its handle; polls follow the schedule, then stop."""
    camb_sandbox.fail_next("pending_forever", route="POST translate")
    policy = PollPolicy(first=0.05, factor=1.5, cap=0.2, jitter=0.0, deadline=1.5)
    job = make_manager(policy=policy).submit("translation", TRANSLATE)
    with pytest.raises(JobDeadlineExceeded) as info:
        job.result(timeout=10)
    assert info.value.task_id == job.task_id is not None and info.value.job is job
    requests = _settle(camb_sandbox)
    # The schedule (waits of 0.05 s, then half the elapsed time, at most 0.2 s) fits 10 polls before the
    # deadline: never more; slow answers on a loaded machine leave fewer (a 0.6 s deadline left only one
    # poll under four CPU burners), so the floor is 2 of 10 (not a timing assertion).
    assert 2 <= requests[STATUS] <= _expected_polls(policy) == 10
    assert RESULT not in requests


def test_7_18_result_404_after_success_gets_a_grace_window(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """Result 404 twice after SUCCESS: the 3rd fetch succeeds; a persistent 404 is ResultUnavailableError."""
    manager = make_manager()
    camb_sandbox.configure(faults=[{"fault": "result404x2", "route": "POST translate", "times": 1}])
    assert manager.submit("translation", TRANSLATE).result(timeout=10).texts == (
        pseudo_localize("Hello", "fr-fr"),
    )
    assert camb_sandbox.stats.requests[RESULT] == 3
    camb_sandbox.configure(faults=[{"fault": "result404x9", "route": "POST translate", "times": 1}])
    other = {**TRANSLATE, "texts": ["Hello again"]}
    job = manager.submit("translation", other)
    with pytest.raises(ResultUnavailableError) as info:
        job.result(timeout=10)
    assert info.value.run_id is not None and info.value.task_id == job.task_id
    assert camb_sandbox.stats.requests[RESULT] == 3 + FAST_POLL.result_attempts
    assert camb_sandbox.stats.tasks_created == {"translation": 2}


def test_7_19_error_on_one_chunk_sets_only_its_rows_error_column(camb: Camb, camb_sandbox: Sandbox) -> None:
    """One chunk ending in ERROR marks exactly its rows failed in `camb_error`; the others are translated.

    The engine-level twin is `tests/jobs/test_batch_sandbox.py::test_failed_chunk_marks_only_its_rows...`.
    """
    camb_sandbox.fail_next("error=SOURCE_NOT_FOUND", route="POST translate")
    df = pd.DataFrame({"text": [f"line {i}" for i in range(40)]})
    out = translate_frame(df, "text", "fr-fr", chunk_size=10, concurrency=1, session=camb).result(timeout=30)
    failed = out[out["camb_status"] == "failed"]
    assert len(failed) == 10 and failed["camb_error"].str.contains("SOURCE_NOT_FOUND").all()
    ok = out[out["camb_status"] == "ok"]
    assert len(ok) == 30
    assert (ok["text_fr-fr"] == [pseudo_localize(t, "fr-fr") for t in ok["text"]]).all()
    assert camb_sandbox.stats.tasks_created == {"translation": 4}


def test_7_20_server_timeout_is_job_timed_out_without_resubmit(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """Status TIMEOUT raises JobTimedOut carrying the task_id; nothing is resubmitted (no opt-in exists)."""
    camb_sandbox.fail_next("timeout", route="POST translate")
    job = make_manager().submit("translation", TRANSLATE)
    with pytest.raises(JobTimedOut) as info:
        job.result(timeout=10)
    assert info.value.task_id == job.task_id
    assert _settle(camb_sandbox)["POST translate"] == 1


def test_7_21_payment_required_mid_batch_stops_submits_and_keeps_partial_rows(
    camb: Camb, camb_sandbox: Sandbox
) -> None:
    """Credits for 2 chunks: the 3rd ends PAYMENT_REQUIRED, no 4th create is sent, 20 rows are kept.

    The engine-level twin (breaker reset, retry) is `test_batch_sandbox.py::test_payment_required_...`.
    """
    texts = [f"row {i:06d}" for i in range(50)]  # 10 characters each: a 10-row chunk costs 100 credits
    camb_sandbox.configure(credits={camb_sandbox.api_key: 200})
    out = translate_frame(
        pd.DataFrame({"text": texts}), "text", "de-de", chunk_size=10, concurrency=1, session=camb
    ).result(timeout=30)
    assert (out["camb_status"] == "ok").sum() == 20 and (out["camb_status"] == "failed").sum() == 30
    assert out["camb_error"].dropna().str.contains("QuotaExceeded").all()
    assert isinstance(camb.manager.breaker, QuotaExceeded)
    assert _settle(camb_sandbox)["POST translate"] == 3


def test_7_22_wrong_key_fails_fast_without_retry_or_leak(camb_sandbox: Sandbox, tmp_path: Path) -> None:
    """401: the create is not retried, the batch stops submitting, and no message shows the key."""
    wrong = "CANARY-wrong-key-5c2e9a7d13f4b6080"
    session = Camb(api_key=wrong, base_url=camb_sandbox.base_url, home=tmp_path / "j")
    session.manager.policy = FAST_POLL
    try:
        batch = session.translate([f"t {i}" for i in range(50)], to=["fr-fr"], chunk_size=10, concurrency=1)
        batch.result(timeout=30)
    finally:
        session.close()
    assert isinstance(batch.error, AuthenticationError)
    messages = [str(e) for e in batch.outcome.errors["fr-fr"]] + [str(batch.error), repr(batch.error)]
    assert not any(wrong in m for m in messages)
    assert camb_sandbox.stats.requests == {"POST translate": 1}


def test_7_23_cancel_mid_batch_reports_task_ids_and_leaves_nothing_running(
    camb: Camb, camb_sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """cancel() mid-batch: chunk errors name their task_ids; close() ends all traffic; no stray warnings."""
    caplog.set_level(logging.DEBUG)
    camb_sandbox.configure(processing_time={"translation": 30.0})
    batch = camb.translate([f"slow {i}" for i in range(80)], to=["fr-fr"], chunk_size=10, concurrency=4)
    deadline = time.monotonic() + 30
    while sum(j.task_id is not None for j in batch.jobs) < 4:
        assert time.monotonic() < deadline, "four chunks did not get their task ids within 30 s"
        time.sleep(0.02)
    assert batch.cancel("test over")
    batch.result(timeout=10)
    assert batch.state == "cancelled" and batch.cancelled_count == 80 and batch.failed_count == 0
    submitted = [j for j in batch.jobs if j.task_id is not None]
    assert len(submitted) == camb_sandbox.stats.tasks_created["translation"] == 4
    for job in submitted:
        assert isinstance(job.error, JobCancelled) and str(job.task_id) in str(job.error)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        camb.close()
        gc.collect()
    _settle(camb_sandbox)
    assert caught == []
    assert not [
        r for r in caplog.records if "never retrieved" in r.getMessage() or "Unclosed" in r.getMessage()
    ]


async def test_7_24_sync_facade_inside_a_running_loop_then_async(camb: Camb, camb_sandbox: Sandbox) -> None:
    """Blocking waits twice inside a running loop, then `await job` on it: no "Event loop is closed".

    (A bare ApiClient reused across `asyncio.run` calls works too, but leaves the finished loop's
    connections unclosed; reported to the api owner rather than tested here.)
    """
    first = camb.translate("one", to="fr-fr").result(timeout=10)
    second = camb.translate("two", to="fr-fr").result(timeout=10)
    third = await camb.translate("three", to="fr-fr")
    fourth = await asyncio.to_thread(lambda: camb.translate("four", to="fr-fr").result(timeout=10))
    assert [r.texts[0] for r in (first, second, third, fourth)] == [
        pseudo_localize(t, "fr-fr") for t in ("one", "two", "three", "four")
    ]
    assert camb_sandbox.stats.tasks_created == {"translation": 4}


def test_7_27_key_from_env_or_dotenv_and_missing_key_never_prompts(
    camb_sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key comes from CAMB_API_KEY, else .env; with neither, MissingKeyError says how, and nobody prompts.

    Unit twin for the lookup order: `tests/unit/api/test_api_key.py::test_resolution_order`.
    """

    def no_prompt(prompt: str = "") -> str:
        raise AssertionError("getpass must not be called without a terminal")

    monkeypatch.setattr(getpass, "getpass", no_prompt)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAMB_API_KEY", camb_sandbox.api_key)
    assert _translate_once(camb_sandbox, tmp_path / "env") == pseudo_localize("Hello", "fr-fr")
    monkeypatch.delenv("CAMB_API_KEY")
    (tmp_path / ".env").write_text(f"CAMB_API_KEY={camb_sandbox.api_key}\n")
    assert _translate_once(camb_sandbox, tmp_path / "dotenv") == pseudo_localize("Hello", "fr-fr")
    (tmp_path / ".env").unlink()
    with pytest.raises(MissingKeyError, match="CAMB_API_KEY"):
        _translate_once(camb_sandbox, tmp_path / "none")
    assert camb_sandbox.stats.requests["POST translate"] == 2


def _translate_once(sandbox: Sandbox, home: Path) -> str:
    """Translate "Hello" with a session that finds its key on its own."""
    with Camb(base_url=sandbox.base_url, home=home) as session:
        session.manager.policy = FAST_POLL
        return str(session.translate("Hello", to="fr-fr").result(timeout=10).texts[0])
