"""A dataset run SIGKILLed halfway and rerun with the same call: complete, identical, no task created twice.

The child (`dataset_child.py`) is killed once half its parts are written and every task the sandbox created
has its task_id in the journal (new tasks are held PENDING, so the kill lands with tasks in flight). The
rerun reattaches the held tasks (`resume()`), serves finished chunks from the result cache and skips the
written parts. The window is not full when the test looks, so a create can still be sent between that look
and the kill: its row stays 'creating' and its outcome is unknown. Such a chunk is never sent again unasked:
the rerun stops at its batch saying so, and only a rerun with `resend_ambiguous=True` creates it (once). The
second test makes that case certain: the sandbox processes a create and holds its answer (`late=`) until the
kill, so the task exists and no client knows its id.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from suite_helpers import hold_tasks, release_tasks, wait_until

from camb_notebook.sandbox import Sandbox, pseudo_localize

CHILD = Path(__file__).with_name("dataset_child.py")
ROWS, BATCH_ROWS = 3000, 300  # 10 parts


def _dataset(path: Path) -> None:
    """ROWS rows, 30 % of them repeating an earlier text (within and across batches), one blank."""
    distinct = int(ROWS * 0.7)
    texts: list[str | None] = [f"review {i % distinct} of the thing" for i in range(ROWS)]
    texts[7] = None
    pq.write_table(pa.table({"id": list(range(ROWS)), "text": texts}), path)


def _start(
    sandbox: Sandbox, source: Path, dest: Path, home: Path, *flags: str, batch_rows: int = BATCH_ROWS
) -> subprocess.Popen[str]:
    """Start the child on its own journal home (`flags`: "resend" passes resend_ambiguous=True)."""
    env = {**os.environ, "CAMB_NOTEBOOK_HOME": str(home)}
    args = [sys.executable, str(CHILD), sandbox.base_url, sandbox.api_key, str(source), str(dest)]
    return subprocess.Popen(
        [*args, str(batch_rows), *flags], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finish(child: subprocess.Popen[str], code: int = 0) -> dict[str, Any]:
    """Wait for a child to exit with `code` (0: done, 3: stopped by one of our errors); what it printed."""
    out, err = child.communicate(timeout=120)
    assert child.returncode == code, (out, err)
    counts: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return counts


def _creates_of(home: Path, ids: list[str]) -> int:
    """Rows holding a task for the requests of the journal rows `ids` (their chunks' creates we know of)."""
    marks = ", ".join("?" for _ in ids)
    db = sqlite3.connect(home / "journal.sqlite3", timeout=10)
    try:
        query = (
            "SELECT count(DISTINCT task_id) FROM jobs WHERE task_id IS NOT NULL AND request_hash IN"
            f" (SELECT request_hash FROM jobs WHERE id IN ({marks}))"
        )
        return int(db.execute(query, ids).fetchone()[0])
    finally:
        db.close()


def _creating_ids(home: Path) -> list[str]:
    """Ids of the rows a kill left 'creating' (sent, maybe, with no task_id)."""
    db = sqlite3.connect(home / "journal.sqlite3", timeout=10)
    try:
        return [row[0] for row in db.execute("SELECT id FROM jobs WHERE state = 'creating'")]
    finally:
        db.close()


def _journaled_task_ids(home: Path, where: str = "", what: str = "count(*)") -> int:
    """Rows of the child's journal holding a task_id (read while it runs: SQLite WAL allows it)."""
    return _journal_count(home, f"task_id IS NOT NULL {where}", what)


def _journal_count(home: Path, where: str, what: str = "count(*)") -> int:
    """`SELECT what FROM jobs WHERE where` on the child's journal, as an int."""
    db = sqlite3.connect(home / "journal.sqlite3", timeout=10)
    try:
        return int(db.execute(f"SELECT {what} FROM jobs WHERE {where}").fetchone()[0])
    finally:
        db.close()


def test_a_killed_run_resumes_to_the_same_output_without_duplicate_creates(
    camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    source = tmp_path / "in.parquet"
    _dataset(source)

    # The reference: one uninterrupted run on its own journal.
    _finish(_start(camb_sandbox, source, tmp_path / "whole.parquet", tmp_path / "home-whole"))
    reference_creates = camb_sandbox.stats.total_tasks
    camb_sandbox.reset()

    dest, home = tmp_path / "out.parquet", tmp_path / "home"
    parts = dest.with_name(dest.name + ".camb-partial") / "parts"
    child = _start(camb_sandbox, source, dest, home)
    wait_until(lambda: len(list(parts.glob("part-*.parquet"))) >= 5, 60, "half of the parts")
    hold_tasks(camb_sandbox, "translation")
    before = camb_sandbox.stats.total_tasks
    created = wait_until(  # at least one held task exists, and every created task is in the journal
        lambda: (n := camb_sandbox.stats.total_tasks) > before and _journaled_task_ids(home) == n and n,
        60,
        "a held task, and every created task journaled",
    )
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    in_flight = _journaled_task_ids(home, "AND state NOT IN ('succeeded', 'failed', 'cancelled')")
    assert in_flight > 0  # the kill left created tasks for the rerun to reattach
    unsure = _creating_ids(home)  # sent (maybe) before the kill, no task_id
    written = len(list(parts.glob("part-*.parquet")))
    assert 5 <= written < 10 and not dest.exists()

    release_tasks(camb_sandbox)
    rerun = _start(camb_sandbox, source, dest, home)
    if unsure:  # their chunks are not sent again: the rerun stops at their batch, saying how to resend
        stopped = _finish(rerun, 3)
        assert "not sent again" in stopped["error"] and "resend_ambiguous=True" in stopped["hint"], stopped
        assert _creates_of(home, unsure) == 0
        counts = _finish(_start(camb_sandbox, source, dest, home, "resend"))
        assert _creates_of(home, unsure) == len(unsure)  # sent once each, when asked
    else:
        counts = _finish(rerun)

    assert counts["resumed"] == written * BATCH_ROWS
    # A create the kill cut off may have made a task whose id nobody learned (the sandbox counts it, no
    # journal row has it): the resend asked for made a second one. Every other chunk is created once.
    total = camb_sandbox.stats.total_tasks
    unknown = total - _journaled_task_ids(home, what="count(DISTINCT task_id)")
    diagnostics = (created, in_flight, unsure, unknown, counts)
    assert 0 <= unknown <= len(unsure), diagnostics
    assert total == reference_creates + unknown, diagnostics
    out, whole = pq.read_table(dest), pq.read_table(tmp_path / "whole.parquet")
    assert out.equals(whole)
    assert out.column("id").to_pylist() == list(range(ROWS))
    rows = out.to_pylist()
    assert all(
        r["text_fr-fr"] == pseudo_localize(r["text"], "fr-fr")
        and r["text_de-de"] == pseudo_localize(r["text"], "de-de")
        for r in rows
        if r["text"] is not None
    )
    assert rows[7]["camb_status"] == "skipped"
    assert not dest.with_name(dest.name + ".camb-partial").exists()


def test_a_create_the_server_made_during_the_kill_is_not_sent_again(
    camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    source, dest, home = tmp_path / "in.parquet", tmp_path / "out.parquet", tmp_path / "home"
    texts = [f"late create row {i}" for i in range(200)]  # one batch: 4 chunks x 2 targets
    pq.write_table(pa.table({"id": list(range(200)), "text": texts}), source)
    camb_sandbox.fail_next("late=60", route="POST translate")  # made now, its answer held for 60 s
    child = _start(camb_sandbox, source, dest, home, batch_rows=200)
    wait_until(  # the other 7 chunks done and journaled; the late one exists, its row still 'creating'
        lambda: (
            camb_sandbox.stats.total_tasks == 8
            and _journaled_task_ids(home) == 7
            and len(_creating_ids(home)) == 1
        ),
        60,
        "seven chunks journaled, the late create made and unanswered",
    )
    unsure = _creating_ids(home)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL

    stopped = _finish(_start(camb_sandbox, source, dest, home, batch_rows=200), 3)
    assert "not sent again" in stopped["error"] and "resend_ambiguous=True" in stopped["hint"], stopped
    assert camb_sandbox.stats.total_tasks == 8 and not dest.exists()  # the other chunks: from the cache
    assert _creates_of(home, unsure) == 0

    counts = _finish(_start(camb_sandbox, source, dest, home, "resend", batch_rows=200))
    assert counts["tasks"] == 1 and camb_sandbox.stats.total_tasks == 9  # resent once, when asked
    out = pq.read_table(dest).to_pylist()
    assert [r["text_fr-fr"] for r in out] == [pseudo_localize(t, "fr-fr") for t in texts]
    assert [r["text_de-de"] for r in out] == [pseudo_localize(t, "de-de") for t in texts]
