"""Start a batch (200 rows × 2 targets, chunks of 10: 40 tasks) and SIGKILL this process once all 40 exist.

Usage: `python batch_victim.py BASE_URL KEY`; the journal goes to `CAMB_NOTEBOOK_HOME`. The kill lands only
when every chunk's task id is journaled and no create is in flight: the state a crash mid-batch leaves
after its creates (what Restart & Run All then finds). Never exits normally.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import time

from camb_notebook.jobs import default_home
from camb_notebook.sessions import Camb

TEXTS = [f"restart row {i}" for i in range(200)]
TARGETS = ["fr-fr", "de-de"]
CHUNKS = 40


def journal_rows() -> list[tuple[str, str | None]]:
    """(state, task_id) of every journal row, read-only (empty until the schema exists)."""
    path = default_home() / "journal.sqlite3"
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return db.execute("SELECT state, task_id FROM jobs").fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return []


def main(base_url: str, key: str) -> None:
    """Start the batch and die once its 40 tasks are created and journaled."""
    camb = Camb(api_key=key, base_url=base_url, max_in_flight=64)
    camb.translate(TEXTS, to=TARGETS, chunk_size=10, concurrency=CHUNKS)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = journal_rows()
        if sum(t is not None for _, t in rows) >= CHUNKS and not any(s == "creating" for s, _ in rows):
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.02)
    sys.exit("the 40 tasks were never created")


if __name__ == "__main__":
    main(*sys.argv[1:3])
