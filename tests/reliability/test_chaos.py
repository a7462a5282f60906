"""Chaos batch: 10,000 rows through translate_frame while the sandbox fails 20 % of all requests (seeded).

Faults are the sandbox's random mix (503, 429, connection reset) on every route: creates, polls and results.
The batch must finish with every row either translated correctly or explicitly failed; re-running the failed
rows must complete the frame; and the server must hold exactly one task per chunk (no duplicate creates).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd

from camb_notebook.frames import translate_frame
from camb_notebook.jobs import BatchJob
from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb

ROWS = 10_000
CHUNK = 100
TARGET = "fr-fr"
VICTIM = Path(__file__).with_name("chaos_victim.py")


def _check_frame(out: pd.DataFrame) -> tuple[int, int]:
    """(ok rows, failed rows); every ok row holds its exact translation, every failed row an error."""
    ok = out["camb_status"] == "ok"
    failed = out["camb_status"] == "failed"
    assert (ok | failed).all(), "a row is neither translated nor explicitly failed"
    expected = [pseudo_localize(t, TARGET) for t in out.loc[ok, "text"]]
    assert out.loc[ok, f"text_{TARGET}"].tolist() == expected
    assert out.loc[failed, "camb_error"].notna().all() and out.loc[failed, f"text_{TARGET}"].isna().all()
    return int(ok.sum()), int(failed.sum())


def test_chaos_batch_loses_nothing_and_creates_no_duplicates(camb_sandbox: Sandbox, tmp_path: Path) -> None:
    """20 % random faults: the batch completes, failed rows re-run to 100 %, one server task per chunk."""
    camb_sandbox.configure(fault_rate=0.2, fault_seed=20261123, fault_retry_after=0, max_pending_per_key=None)
    session = Camb(
        api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url, home=tmp_path / "j", max_in_flight=16
    )
    session.manager.policy = dataclasses.replace(session.manager.policy, first=0.02, cap=0.1, jitter=0.1)
    frame = pd.DataFrame({"text": [f"chaos row {i}" for i in range(ROWS)]})
    try:
        batch: BatchJob[pd.DataFrame] = translate_frame(
            frame, "text", TARGET, chunk_size=CHUNK, session=session
        )
        out = batch.result(timeout=150)
        ok, failed = _check_frame(out)
        first_pass = (ok, failed)
        rounds = 0
        while failed:
            rounds += 1
            assert rounds <= 8, "failed rows do not converge"
            with warnings.catch_warnings(record=True):  # "… may be duplicates": random faults never are
                warnings.simplefilter("always")
                batch = batch.retry_failed(resend_ambiguous=True)
            out = batch.result(timeout=150)
            ok, failed = _check_frame(out)
        chunk_jobs_with_task = {j.task_id for j in session.manager.jobs() if j.task_id is not None}
    finally:
        session.close()
    stats = camb_sandbox.stats
    injected = sum(stats.faults_injected.values())
    requests = sum(stats.requests.values())
    print(
        f"\nchaos: {ROWS} rows, {requests} requests, {injected} faults injected {stats.faults_injected}, "
        f"first pass ok/failed {first_pass}, re-run rounds {rounds}, tasks {stats.total_tasks}"
    )
    assert ok == ROWS and failed == 0  # 0 rows lost
    assert injected >= 0.15 * requests  # the fault rate really applied
    assert stats.tasks_created == {"translation": ROWS // CHUNK}  # 0 duplicate creates
    assert len(chunk_jobs_with_task) == ROWS // CHUNK  # and every server task is one the client knows


def test_chaos_batch_with_a_locked_then_full_journal_loses_nothing(camb_sandbox: Sandbox) -> None:
    """The chaos batch in a child whose journal is locked for 2 s, then cannot grow for 2 s (RLIMIT_FSIZE):
    every row translated, every chunk's task created once, every paid result handed over and journaled."""
    camb_sandbox.configure(fault_rate=0.2, fault_seed=20261203, fault_retry_after=0, max_pending_per_key=None)
    done = subprocess.run(
        [sys.executable, str(VICTIM), camb_sandbox.base_url, camb_sandbox.api_key, str(ROWS), str(CHUNK)],
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    ok, failed, rounds, tasks, kept, left, head = json.loads(done.stdout.strip().splitlines()[-1])
    stats = camb_sandbox.stats
    print(
        f"\nchaos + locked/full journal: {ok} ok, {failed} failed after {rounds} re-run round(s);"
        f" {kept} task(s) kept in memory while the journal refused writes; tasks {stats.total_tasks}"
    )
    assert (ok, failed, left) == (ROWS, 0, 0)  # 0 rows lost, every journal row final
    assert head == [pseudo_localize(f"chaos row {i}", TARGET) for i in range(2)]
    assert (
        stats.tasks_created == {"translation": ROWS // CHUNK} == {"translation": len(tasks)}
    )  # 0 duplicates
