"""Journal schema: `PRAGMA user_version` and forward migrations, so a journal written by any release opens.

Version 1 is the schema the first releases wrote (with `user_version` still 0); each later version is one
migration that only adds (columns, indexes, tables), so an older release's rows stay readable as they are.
A journal from a newer release (a higher version than `CURRENT`) is refused rather than misread.
Usage: `migrate(connection)` right after opening it.
"""

from __future__ import annotations

import sqlite3

__all__ = ["CURRENT", "SCHEMA_V1", "NewerJournalError", "migrate"]

# The schema of the first releases, kept verbatim: a test opens a journal written by exactly this.
SCHEMA_V1 = """
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

# Version 2: request fingerprints (key id), leases (owner host + heartbeat), result expiry and size.
_V2 = """
ALTER TABLE jobs ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN host TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN heartbeat REAL NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS jobs_by_fingerprint ON jobs (family, request_hash, key_id);
ALTER TABLE results ADD COLUMN expires_at REAL;
ALTER TABLE results ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS results_by_age ON results (stored_at);
"""

# Version 3: the in-flight limit found per API key and base URL (`scope` hashes both; see _limit_memory).
_V3 = """
CREATE TABLE IF NOT EXISTS limits (
    scope TEXT PRIMARY KEY,
    in_flight INTEGER NOT NULL,
    exact INTEGER NOT NULL,
    updated_at REAL NOT NULL
);
"""

# Version 4: the batch of a chunk job ('' for a job on its own): an earlier kernel's batch is one job.
_V4 = """
ALTER TABLE jobs ADD COLUMN batch_id TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS jobs_by_batch ON jobs (batch_id);
"""

_MIGRATIONS = {1: SCHEMA_V1, 2: _V2, 3: _V3, 4: _V4}  # version -> the script that brings version-1 up to it
CURRENT = max(_MIGRATIONS)


class NewerJournalError(ValueError):
    """The journal was written by a newer release (its schema version is above `CURRENT`)."""


def migrate(db: sqlite3.Connection) -> int:
    """Bring the journal up to `CURRENT` (each step in one transaction); returns the version found."""
    found = _version(db)
    if found > CURRENT:
        raise NewerJournalError(f"schema version {found}, this release reads up to {CURRENT}")
    for version in range(found + 1, CURRENT + 1):
        db.execute("BEGIN IMMEDIATE")
        try:
            if _version(db) < version:  # another process may have migrated meanwhile
                for statement in _MIGRATIONS[version].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {version}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return found


def _version(db: sqlite3.Connection) -> int:
    """The journal's schema version (1 for a first release's journal, which has no version stamp)."""
    found = int(db.execute("PRAGMA user_version").fetchone()[0])
    if found == 0 and db.execute("SELECT 1 FROM sqlite_master WHERE name = 'jobs'").fetchone():
        return 1
    return found
