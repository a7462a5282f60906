"""Journal upkeep: pruning by age and cache size, and moving a broken journal aside (`%camb jobs --prune`,
`%camb jobs --repair`).

Unfinished jobs are never pruned (resume() needs them). Finished jobs older than `max_age_days` go with
their results; then the oldest results go until the cache holds at most `max_cache_bytes` (rows plus the
audio files beside the journal). An explicit prune also compacts the file (VACUUM). Loop thread only.
Usage: `report = prune(journal)`; `moved = repair(journal)`.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from camb_notebook.jobs._blobs import remove
from camb_notebook.jobs._journal import Journal

__all__ = ["MAX_AGE_DAYS", "MAX_CACHE_BYTES", "PruneReport", "prune", "repair"]

MAX_AGE_DAYS = 30.0  # finished jobs older than this are dropped
MAX_CACHE_BYTES = 500 * 1024 * 1024  # the result cache (rows + audio files) is kept below this
_FINAL = "('succeeded', 'failed', 'cancelled')"


@dataclass(frozen=True)
class PruneReport:
    """What a prune removed and the journal file's size before and after."""

    jobs: int
    results: int
    bytes_before: int
    bytes_after: int

    def __str__(self) -> str:
        """One line for `%camb jobs --prune`."""
        return (
            f"pruned {self.jobs} job(s) and {self.results} cached result(s); journal"
            f" {self.bytes_before / 1e6:.1f} MB -> {self.bytes_after / 1e6:.1f} MB"
        )


def prune(
    journal: Journal,
    *,
    max_age_days: float = MAX_AGE_DAYS,
    max_cache_bytes: int = MAX_CACHE_BYTES,
    vacuum: bool = True,
) -> PruneReport:
    """Drop old finished jobs and their results, then the oldest results over the size cap."""
    db = journal.db
    before = _size(journal.path)
    cutoff = time.time() - max_age_days * 86400
    db.execute("BEGIN IMMEDIATE")
    try:
        query = f"SELECT id FROM jobs WHERE state IN {_FINAL} AND finished_at < ?"
        old = [r[0] for r in db.execute(query, (cutoff,))]
        gone = _drop_results(db, "SELECT job_id FROM results WHERE stored_at < ?", (cutoff,))
        db.executemany("DELETE FROM jobs WHERE id = ?", [(i,) for i in old])
        total = int(db.execute("SELECT COALESCE(SUM(bytes), 0) FROM results").fetchone()[0])
        over = total - max_cache_bytes
        if over > 0:
            victims, freed = [], 0
            for job_id, size in db.execute("SELECT job_id, bytes FROM results ORDER BY stored_at"):
                if freed >= over:
                    break
                victims.append(job_id)
                freed += int(size)
            gone += _drop_results(db, None, tuple(victims))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    for job_id in gone:
        remove(journal.home, job_id)
    if vacuum:
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return PruneReport(len(old), len(gone), before, _size(journal.path))


def _drop_results(db: sqlite3.Connection, query: str | None, params: tuple[object, ...]) -> list[str]:
    """Delete results (selected by `query`, or the job ids in `params`); returns their job ids."""
    ids = [r[0] for r in db.execute(query, params)] if query is not None else [str(p) for p in params]
    db.executemany("DELETE FROM results WHERE job_id = ?", [(i,) for i in ids])
    return ids


def repair(journal: Journal) -> Path | None:
    """Move a journal that cannot be used aside (`journal.sqlite3.broken-<time>`); None when it is fine."""
    if journal.problem is None and journal.path.exists():
        # A file that opens but whose pages are damaged fails the check: it is moved aside too.
        with contextlib.suppress(sqlite3.Error):
            if journal.db.execute("PRAGMA quick_check").fetchone()[0] == "ok" and journal.problem is None:
                return None
    journal.close()
    target = journal.path.with_name(f"{journal.path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    if journal.path.exists():
        journal.path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = journal.path.with_name(journal.path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    journal.problem = None
    return target


def _size(path: Path) -> int:
    """Bytes of the journal file and its WAL."""
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())
