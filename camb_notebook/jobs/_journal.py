"""Journal: SQLite record of every job (intent before each create, task_id right after) plus the result cache.

One file `journal.sqlite3` (WAL, mode 0600) under `CAMB_NOTEBOOK_HOME` or the user cache dir. Rows hold the
request hash, a JSON-safe request summary, task_id, run_id, states and timestamps; results are stored as
`to_dict()` JSON keyed by job and looked up by (family, request hash). Never holds the API key.
Use it from one thread (the engine's loop thread). Usage: `Journal().upsert(record)`.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

__all__ = ["JobRecord", "Journal", "default_home", "size_bucket"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    family TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    request TEXT NOT NULL,
    size INTEGER NOT NULL,
    state TEXT NOT NULL,
    server_status TEXT,
    task_id TEXT,
    run_id INTEGER,
    created_at REAL NOT NULL,
    submitted_at REAL,
    updated_at REAL NOT NULL,
    finished_at REAL,
    error TEXT,
    pid INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state);
-- (family, state, finished_at): median_duration reads the newest 50 without sorting the whole history
CREATE INDEX IF NOT EXISTS jobs_by_finish ON jobs (family, state, finished_at);
CREATE TABLE IF NOT EXISTS results (
    job_id TEXT PRIMARY KEY,
    family TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    result TEXT NOT NULL,
    stored_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS results_by_request ON results (family, request_hash, stored_at);
"""

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


_COLUMNS = tuple(f.name for f in fields(JobRecord))


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

    def __repr__(self) -> str:
        """Show the file location."""
        return f"<Journal {self.path}>"

    @property
    def db(self) -> sqlite3.Connection:
        """The open connection (created with mode 0600 and WAL on first use)."""
        if self._db is None:
            self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            os.chmod(self.path, 0o600)
            db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    def close(self) -> None:
        """Close the connection (harmless when closed; reopened on next use)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def upsert(self, record: JobRecord) -> None:
        """Write one job row (insert or replace), committed at once."""
        row = asdict(record)
        marks = ", ".join("?" for _ in _COLUMNS)
        self.db.execute(
            f"INSERT OR REPLACE INTO jobs ({', '.join(_COLUMNS)}) VALUES ({marks})",
            [row[c] for c in _COLUMNS],
        )

    def get(self, job_id: str) -> JobRecord | None:
        """The row of one job, or None."""
        rows = self._select("WHERE id = ?", (job_id,))
        return rows[0] if rows else None

    def find(self, prefix: str) -> list[JobRecord]:
        """Rows whose id starts with `prefix` (newest first)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return self._select("WHERE id LIKE ? ESCAPE '\\' ORDER BY created_at DESC", (escaped + "%",))

    def recent(self, limit: int = 200) -> list[JobRecord]:
        """The newest `limit` rows."""
        return self._select("ORDER BY created_at DESC LIMIT ?", (limit,))

    def unfinished(self) -> list[JobRecord]:
        """Rows not in a final state, oldest first (candidates for `resume`)."""
        return self._select("WHERE state NOT IN ('succeeded', 'failed', 'cancelled') ORDER BY created_at", ())

    def store_result(self, job_id: str, family: str, request_hash: str, result: Mapping[str, Any]) -> None:
        """Store a finished job's result (`to_dict()` form); it becomes the cache entry for its request."""
        self.db.execute(
            "INSERT OR REPLACE INTO results (job_id, family, request_hash, result, stored_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (job_id, family, request_hash, json.dumps(result), time.time()),
        )

    def load_result(self, job_id: str) -> dict[str, Any] | None:
        """The stored result of one job, or None."""
        row = self.db.execute("SELECT result FROM results WHERE job_id = ?", (job_id,)).fetchone()
        return None if row is None else _loads(row[0])

    def cached_result(self, family: str, request_hash: str) -> tuple[str, dict[str, Any]] | None:
        """(job id, result) of the newest stored result for this (family, request hash), or None."""
        row = self.db.execute(
            "SELECT job_id, result FROM results WHERE family = ? AND request_hash = ?"
            " ORDER BY stored_at DESC LIMIT 1",
            (family, request_hash),
        ).fetchone()
        return None if row is None else (row[0], _loads(row[1]))

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
        """(input size, submit→finish seconds) of a family's newest succeeded jobs (a batch ETA's history)."""
        rows = self.db.execute(
            "SELECT size, finished_at - submitted_at FROM jobs WHERE family = ? AND state = 'succeeded'"
            " AND submitted_at IS NOT NULL AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
            (family, limit),
        ).fetchall()
        return [(int(s), float(d)) for s, d in rows if d is not None and d >= 0]

    def _select(self, where: str, params: tuple[Any, ...]) -> list[JobRecord]:
        """Rows of the jobs table matching a WHERE/ORDER clause."""
        cursor = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM jobs {where}", params)
        return [JobRecord(*row) for row in cursor.fetchall()]


def _loads(text: str) -> dict[str, Any]:
    """Parse a stored JSON object."""
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("corrupt journal entry: expected a JSON object")
    return value
