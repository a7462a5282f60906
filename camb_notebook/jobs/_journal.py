"""Journal: SQLite record of every job (intent before each create, task_id right after) plus the result cache.

One file `journal.sqlite3` (WAL, mode 0600, schema versioned by `_schema`) under `CAMB_NOTEBOOK_HOME` or the
user cache dir. Rows hold the request hash, a JSON-safe request summary, task_id, run_id, states, timestamps
and the lease of the polling process; results are stored as `to_dict()` JSON keyed by job (large audio in
files beside it) and looked up by (family, request hash). Never holds the API key. A journal that cannot be
opened (corrupt, read-only, newer) is replaced by an in-memory one after a one-line notice.
Use it from one thread (the engine's loop thread). Usage: `Journal().upsert(record)`.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from camb_notebook.jobs._blobs import restore, stash
from camb_notebook.jobs._notice import notice
from camb_notebook.jobs._schema import migrate

__all__ = ["AMBIGUOUS", "URL_TTL", "JobRecord", "Journal", "default_home", "size_bucket"]

AMBIGUOUS = "AmbiguousSubmitError:"  # a failed row's error prefix: its create may have made a task
URL_TTL = 3600.0  # seconds a cached result holding presigned URLs is trusted; after that it is refetched
BUSY_TIMEOUT = 0.2  # seconds a write waits for another process's lock (the loop thread must not stall)

_HISTORY = 50  # finished jobs per family considered for the ETA median


@dataclass
class JobRecord:
    """One journal row: what the engine knows about a job, JSON-safe and key-free."""

    id: str
    family: str
    request_hash: str
    request: str
    size: int
    state: str
    server_status: str | None
    task_id: str | None
    run_id: int | None
    created_at: float
    submitted_at: float | None
    updated_at: float
    finished_at: float | None
    error: str | None
    pid: int
    key_id: str = ""  # a hash of the API key (never the key): tasks of another key are not adopted
    host: str = ""  # with pid and heartbeat: the lease of the process that polls this job
    heartbeat: float = 0.0
    batch_id: str = ""  # the batch this chunk job belongs to ('' for a job on its own)


_COLUMNS = tuple(f.name for f in fields(JobRecord))
# A row whose `request` is '' keeps the stored one: the request is written once, later rows change state.
_SET = {c: f"{c} = excluded.{c}" for c in _COLUMNS if c != "id"} | {
    "request": "request = CASE excluded.request WHEN '' THEN jobs.request ELSE excluded.request END"
}
_UPSERT = (
    f"INSERT INTO jobs ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
    f" ON CONFLICT (id) DO UPDATE SET {', '.join(_SET.values())}"
    " WHERE jobs.family = excluded.family AND jobs.created_at = excluded.created_at"
)


def default_home() -> Path:
    """`CAMB_NOTEBOOK_HOME`, else the platform's user cache dir + `camb-notebook`."""
    explicit = os.environ.get("CAMB_NOTEBOOK_HOME")
    if explicit:
        return Path(explicit).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "camb-notebook"


def size_bucket(size: int) -> int:
    """Input sizes within a factor of two share a bucket (for the ETA history)."""
    return int(math.log2(size + 1))


class Journal:
    """SQLite journal + result cache; opened lazily by the first call, on the calling thread."""

    def __init__(self, home: str | Path | None = None) -> None:
        """Point at `<home>/journal.sqlite3` (home defaults to `default_home()`); nothing is opened yet."""
        self.home = Path(home).expanduser() if home is not None else default_home()
        self.path = self.home / "journal.sqlite3"
        self._db: sqlite3.Connection | None = None
        self.problem: str | None = None  # why the file could not be used (then the journal is in memory)
        self.url_ttl = URL_TTL

    def __repr__(self) -> str:
        """Show the file location."""
        return f"<Journal {self.path}>"

    @property
    def db(self) -> sqlite3.Connection:
        """The open connection (0600, WAL, migrated on first use; in memory if the file cannot be used)."""
        if self._db is None:
            try:
                self._db = self._open()
            except (sqlite3.Error, OSError, ValueError) as exc:
                self.problem = f"{type(exc).__name__}: {exc}"
                notice(
                    f"the journal {self.path} cannot be used ({_reason(exc)}); jobs of this kernel run"
                    " without it and will not survive a restart. Fix: `%camb jobs --repair` (moves it"
                    " aside) or set CAMB_NOTEBOOK_HOME to a writable folder"
                )
                self._db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
                migrate(self._db)
        return self._db

    def _open(self) -> sqlite3.Connection:
        """Open (and migrate) the file; raises what went wrong."""
        self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        os.chmod(self.path, 0o600)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        """Close the connection (harmless when closed; reopened on next use)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """The writes inside commit together (one WAL commit), or none of them on an error."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite has already rolled back after some errors (full disk, I/O)
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            raise

    def upsert(self, record: JobRecord) -> None:
        """Write one job row (committed at once, or with the `transaction()` it runs in); never overwrites
        another job's row (same id, other job)."""
        # Flat fields read straight off the record (asdict() would deep-copy them on every write).
        cursor = self.db.execute(_UPSERT, [getattr(record, c) for c in _COLUMNS])
        if cursor.rowcount == 0:
            raise sqlite3.IntegrityError(f"job id {record.id} already belongs to another job in the journal")

    def get(self, job_id: str) -> JobRecord | None:
        """The row of one job, or None."""
        rows = self._select("WHERE id = ?", (job_id,))
        return rows[0] if rows else None

    def find(self, prefix: str) -> list[JobRecord]:
        """Rows whose id starts with `prefix` (newest first)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return self._select("WHERE id LIKE ? ESCAPE '\\' ORDER BY created_at DESC", (escaped + "%",))

    def batch_rows(self, prefix: str) -> list[JobRecord]:
        """Chunk rows of the batches whose id starts with `prefix`, oldest first."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where = "WHERE batch_id != '' AND batch_id LIKE ? ESCAPE '\\' ORDER BY created_at"
        return self._select(where, (escaped + "%",))

    def recent(self, limit: int = 200) -> list[JobRecord]:
        """The newest `limit` rows."""
        return self._select("ORDER BY created_at DESC LIMIT ?", (limit,))

    def unfinished(self) -> list[JobRecord]:
        """Rows not in a final state, oldest first (candidates for `resume`)."""
        return self._select("WHERE state NOT IN ('succeeded', 'failed', 'cancelled') ORDER BY created_at", ())

    def fingerprint_rows(self, family: str, request_hash: str, key_id: str) -> list[JobRecord]:
        """Rows of the same request under the same key that `_lease.claim` weighs, oldest first: unfinished
        ones, and failed ones whose create may have made a task (AmbiguousSubmitError, no task_id)."""
        return self._select(
            "WHERE family = ? AND request_hash = ? AND key_id = ?"
            " AND (state NOT IN ('succeeded', 'failed', 'cancelled') OR (state = 'failed'"
            f" AND task_id IS NULL AND error LIKE '{AMBIGUOUS}%')) ORDER BY created_at",
            (family, request_hash, key_id),
        )

    def store_result(self, job_id: str, family: str, request_hash: str, result: Mapping[str, Any]) -> None:
        """Store a finished job's result (`to_dict()` form); it becomes the cache entry for its request.

        Results holding URLs (presigned, they expire) get an expiry; large audio goes to a file beside the
        journal. The row is the job's own (keyed by its id), so replacing it overwrites no other job's result.
        """
        row, size = stash(self.home, job_id, dict(result))
        now = time.time()
        expires = now + self.url_ttl if _has_urls(result) else None
        self.db.execute(
            "INSERT OR REPLACE INTO results (job_id, family, request_hash, result, stored_at,"
            " expires_at, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (job_id, family, request_hash, json.dumps(row), now, expires, size),
        )

    def load_result(self, job_id: str) -> dict[str, Any] | None:
        """The stored result of one job, or None (also when the row is unreadable or its file is gone)."""
        row = self.db.execute("SELECT result FROM results WHERE job_id = ?", (job_id,)).fetchone()
        return None if row is None else self._restore(row[0])

    def cached_result(self, family: str, request_hash: str) -> tuple[str, dict[str, Any] | None] | None:
        """(job id, result) of the newest stored result for this (family, request hash), or None.

        The result is None when the entry expired (its URLs must be fetched again) or cannot be read.
        """
        row = self.db.execute(
            "SELECT job_id, result, expires_at FROM results WHERE family = ? AND request_hash = ?"
            " ORDER BY stored_at DESC LIMIT 1",
            (family, request_hash),
        ).fetchone()
        if row is None:
            return None
        if row[2] is not None and row[2] < time.time():
            return row[0], None
        return row[0], self._restore(row[1])

    def forget_result(self, job_id: str) -> None:
        """Drop one job's cache entry (a tampered or unreadable row)."""
        self.db.execute("DELETE FROM results WHERE job_id = ?", (job_id,))

    def _restore(self, text: str) -> dict[str, Any] | None:
        """A stored row back in `to_dict()` form, or None (one notice) when it is not what we wrote."""
        try:
            return restore(self.home, _loads(text))
        except ValueError:
            notice(f"a result cache row in {self.path} is unreadable; it is ignored and fetched again")
            return None

    def median_duration(self, family: str, size: int) -> float | None:
        """Median submit→finish seconds of recent succeeded jobs of this family and size bucket, else None."""
        rows = self.db.execute(
            "SELECT size, finished_at - submitted_at FROM jobs WHERE family = ? AND state = 'succeeded'"
            " AND submitted_at IS NOT NULL AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
            (family, _HISTORY),
        ).fetchall()
        bucket = size_bucket(size)
        same = [float(d) for s, d in rows if size_bucket(int(s)) == bucket and d is not None and d >= 0]
        return statistics.median(same) if same else None

    def durations(self, family: str, limit: int = 200) -> list[tuple[int, float]]:
        """(input size, seconds from job creation to its result) of a family's newest created-and-succeeded
        jobs: the time one occupies an in-flight slot, create and fetch included (a batch ETA's history)."""
        rows = self.db.execute(
            "SELECT size, finished_at - created_at FROM jobs WHERE family = ? AND state = 'succeeded'"
            " AND submitted_at IS NOT NULL AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
            (family, limit),
        ).fetchall()
        return [(int(s), float(d)) for s, d in rows if d is not None and d >= 0]

    def remembered_limit(self, scope: str) -> tuple[int, bool] | None:
        """(in-flight limit, found by a 429) remembered for a key and base URL (`_limit_memory`), or None."""
        row = self.db.execute("SELECT in_flight, exact FROM limits WHERE scope = ?", (scope,)).fetchone()
        return None if row is None or int(row[0]) < 1 else (int(row[0]), bool(row[1]))

    def remember_limit(self, scope: str, in_flight: int, exact: bool) -> None:
        """Keep the in-flight limit found for a key and base URL (replacing the last one)."""
        self.db.execute(
            "INSERT OR REPLACE INTO limits (scope, in_flight, exact, updated_at) VALUES (?, ?, ?, ?)",
            (scope, in_flight, int(exact), time.time()),
        )

    def _select(self, where: str, params: tuple[Any, ...]) -> list[JobRecord]:
        """Rows of the jobs table matching a WHERE/ORDER clause."""
        cursor = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM jobs {where}", params)
        return [JobRecord(*row) for row in cursor.fetchall()]


def _has_urls(result: Mapping[str, Any]) -> bool:
    """True when a result holds a (presigned, expiring) URL."""
    return any(k.endswith("_url") and v for k, v in result.items())


def _reason(exc: BaseException) -> str:
    """What went wrong with the journal file, in a few words."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _loads(text: str) -> dict[str, Any]:
    """Parse a stored JSON object."""
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("corrupt journal entry: expected a JSON object")
    return value
