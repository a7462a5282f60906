"""Leases and request fingerprints: which process polls a job, and whether a request already has a task.

A journal row's (pid, host, heartbeat) is its lease: the process that polls the job. A live owner keeps
its heartbeat fresh; a dead one (its pid gone on this host, or no heartbeat for `LEASE_TTL`) loses the
lease to whoever takes it over first (one compare-and-set UPDATE, so two processes never both win).
`claim()` is the check every create goes through, in one IMMEDIATE transaction, so two kernels running
the same cell never both create: a stored result is reused, a live owner's task is followed, a dead
owner's task is adopted, a create whose outcome is unknown (a dead owner's unfinished create, or one failed
as ambiguous) is reported ambiguous unless the caller resends it, otherwise the caller's row becomes the
request's owner. Loop thread only. Usage: `outcome = claim(journal, record, alive)`.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Literal

from camb_notebook.jobs._journal import AMBIGUOUS, JobRecord, Journal

__all__ = ["HOST", "LEASE_TTL", "Claim", "claim", "heartbeat", "owner_alive", "take_lease"]

HOST = socket.gethostname()
LEASE_TTL = 30.0  # seconds without a heartbeat after which an owner counts as gone (e.g. another host)
_FINAL_STATES = ("succeeded", "failed", "cancelled")
_FINAL = "('succeeded', 'failed', 'cancelled')"

ClaimKind = Literal["create", "cached", "follow", "adopt", "ambiguous"]


@dataclass(frozen=True)
class Claim:
    """What `claim()` decided: create a task, reuse a result, follow or adopt another row, or refuse."""

    kind: ClaimKind
    row: JobRecord | None = None  # the other job's row (follow, adopt, ambiguous)


def owner_alive(row: JobRecord, driven_here: Callable[[str], bool]) -> bool:
    """True when the process holding the row's lease still runs it (`driven_here(id)` for this process)."""
    if row.pid == os.getpid() and row.host in ("", HOST):
        return driven_here(row.id)
    if row.heartbeat and time.time() - row.heartbeat > LEASE_TTL:
        return False
    if row.host in ("", HOST):
        return _pid_alive(row.pid)
    return bool(row.heartbeat)  # another host: only its heartbeat tells


def take_lease(journal: Journal, row: JobRecord) -> bool:
    """Move the row's lease to this process if nobody else took it meanwhile; True when it is ours now."""
    cursor = journal.db.execute(
        "UPDATE jobs SET pid = ?, host = ?, heartbeat = ? WHERE id = ? AND pid = ? AND host = ?"
        " AND heartbeat = ? AND state = ?",
        (os.getpid(), HOST, time.time(), row.id, row.pid, row.host, row.heartbeat, row.state),
    )
    return cursor.rowcount == 1


def heartbeat(journal: Journal) -> None:
    """Refresh the lease of every unfinished row this process owns."""
    journal.db.execute(
        f"UPDATE jobs SET heartbeat = ? WHERE pid = ? AND host = ? AND state NOT IN {_FINAL}",
        (time.time(), os.getpid(), HOST),
    )


def claim(
    journal: Journal, record: JobRecord, driven_here: Callable[[str], bool], *, resend: bool = False
) -> Claim:
    """Decide, atomically across processes, how the job of `record` gets its result (see the module doc).

    On "create" and "adopt" the job's own row is written in the same transaction (with this process's
    lease), so the next process to look finds it and follows it. `resend=True` (the user's explicit
    `resend_ambiguous=True`) creates even when an earlier create of the request may have made a task.
    """
    db = journal.db
    db.execute("BEGIN IMMEDIATE")
    try:
        outcome = _decide(journal, record, driven_here, resend)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return outcome


def _decide(journal: Journal, record: JobRecord, driven_here: Callable[[str], bool], resend: bool) -> Claim:
    """The body of `claim()`, inside its transaction.

    A create whose outcome is unknown (a dead owner's 'creating' row, or a row failed with
    AmbiguousSubmitError and no task_id, e.g. closed so by `resume()`) blocks new creates of the same
    request until the user resends it; a resend marks those rows, so they block no later run.
    """
    db = journal.db
    now = time.time()
    stored = db.execute(
        "SELECT 1 FROM results WHERE family = ? AND request_hash = ?"
        " AND (expires_at IS NULL OR expires_at > ?)",
        (record.family, record.request_hash, now),
    ).fetchone()
    if stored is not None:
        return Claim("cached")
    others = [
        row
        for row in journal.fingerprint_rows(record.family, record.request_hash, record.key_id)
        if row.id != record.id
    ]
    live = [row for row in others if row.state not in _FINAL_STATES]
    for row in live:
        if owner_alive(row, driven_here):
            return Claim("follow", row)
    mine = replace(record, pid=os.getpid(), host=HOST, heartbeat=now)
    for row in live:
        if row.task_id is not None:
            _close(db, row, "cancelled", f"JobCancelled: adopted by job {record.id} (same request)", now)
            journal.upsert(
                replace(
                    mine,
                    state="pending",
                    task_id=row.task_id,
                    run_id=row.run_id,
                    server_status=row.server_status,
                    submitted_at=row.submitted_at,
                )
            )
            return Claim("adopt", row)
    unknown: JobRecord | None = None  # the oldest create whose outcome is unknown
    resent = f"AmbiguousSubmitError (resent as job {record.id}):"
    for row in others:
        if row.state == "creating":  # a dead owner's create: it may have reached the server
            unknown = unknown or row
            when = datetime.fromtimestamp(row.updated_at, timezone.utc).isoformat(timespec="seconds")
            error = f"{resent if resend else AMBIGUOUS} may exist on the server (created at {when})"
            _close(db, row, "failed", error, now)
        elif row.state == "failed":  # failed as ambiguous (the query returns no other failed rows)
            unknown = unknown or row
            if resend:
                error = (row.error or AMBIGUOUS).replace(AMBIGUOUS, resent, 1)
                db.execute("UPDATE jobs SET error = ? WHERE id = ?", (error, row.id))
        elif row.state not in _FINAL_STATES:
            _close(db, row, "cancelled", "JobCancelled: never submitted: the kernel exited first", now)
    if unknown is not None and not resend:
        return Claim("ambiguous", unknown)
    journal.upsert(mine)
    return Claim("create")


def _close(db: sqlite3.Connection, row: JobRecord, state: str, error: str, now: float) -> None:
    """Finalize another (dead) process's row."""
    db.execute(
        "UPDATE jobs SET state = ?, error = ?, finished_at = ?, updated_at = ? WHERE id = ?",
        (state, error, now, now, row.id),
    )


def _pid_alive(pid: int) -> bool:
    """True when a process with this pid exists on this host."""
    if sys.platform == "win32":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
