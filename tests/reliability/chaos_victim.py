"""The chaos batch in a child process whose journal is locked, then full (RLIMIT_FSIZE), mid-run.

Usage: `python chaos_victim.py BASE_URL KEY ROWS CHUNK`; the journal goes to `CAMB_NOTEBOOK_HOME`. Phase 1:
another connection holds the journal's write lock for 2 s once chunks are running; phase 2: files may not
grow (the process's RLIMIT_FSIZE soft limit at the journal's size) for 2 s. Then failed rows are retried
(ambiguous creates too: the sandbox's random faults never process them) until none fail. Prints one JSON
line: rows ok, rows failed, retry rounds, chunk task ids, kept-in-memory notices, unfinished journal rows.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import signal
import sqlite3
import sys
import threading
import time
import warnings
from pathlib import Path

import pandas as pd

from camb_notebook.frames import translate_frame
from camb_notebook.sessions import Camb


def _wait_rows(path: str, at_least: int) -> None:
    """Until the journal holds `at_least` rows (chunks started)."""
    while True:
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                if db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0] >= at_least:
                    return
            finally:
                db.close()
        except sqlite3.Error:
            pass
        time.sleep(0.02)


def _phases(path: str, chunks: int) -> None:
    """Lock the journal for 2 s, then forbid file growth for 2 s."""
    _wait_rows(path, chunks // 5)
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    time.sleep(2.0)
    locker.execute("ROLLBACK")
    locker.close()
    _wait_rows(path, chunks // 2)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    size = max(p.stat().st_size for p in Path(path).parent.glob("journal.sqlite3*"))
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    time.sleep(2.0)
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def main(base_url: str, key: str, rows: int, chunk: int) -> None:
    """Run the batch through both phases and the retries; print the outcome."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing us
    session = Camb(api_key=key, base_url=base_url, max_in_flight=16)
    session.manager.policy = dataclasses.replace(session.manager.policy, first=0.02, cap=0.1, jitter=0.1)
    path = str(session.manager.journal.path)
    frame = pd.DataFrame({"text": [f"chaos row {i}" for i in range(rows)]})
    phases = threading.Thread(target=_phases, args=(path, rows // chunk), daemon=True)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        batch = translate_frame(frame, "text", "fr-fr", chunk_size=chunk, session=session)
        phases.start()
        out = batch.result(timeout=150)
        phases.join(timeout=30)
        rounds = 0
        while (out["camb_status"] == "failed").any() and rounds < 8:
            rounds += 1
            batch = batch.retry_failed(resend_ambiguous=True)
            out = batch.result(timeout=150)
    expected = [f"chaos row {i}" for i in range(rows)]
    ok = out["camb_status"] == "ok"
    assert out["text"].tolist() == expected
    tasks = sorted({j.task_id for j in session.manager.jobs() if j.task_id is not None})
    kept = sum("kept in memory" in str(w.message) for w in seen)
    deadline = time.monotonic() + 20
    while session.manager._registry.writes.pending and time.monotonic() < deadline:
        time.sleep(0.1)
    session.close()
    db = sqlite3.connect(path)
    unfinished = db.execute("SELECT COUNT(*) FROM jobs WHERE state NOT IN ('succeeded','failed','cancelled')")
    left = unfinished.fetchone()[0]
    db.close()
    translations = out.loc[ok, "text_fr-fr"].tolist()
    print(json.dumps([int(ok.sum()), int((~ok).sum()), rounds, tasks, kept, left, translations[:2]]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
