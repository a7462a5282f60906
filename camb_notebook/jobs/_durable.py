"""Durable writes: journal rows and results that a locked or full disk cannot lose.

Every write goes through `Writes`. A write that fails (another process holds the lock past the short
busy timeout, the disk is full, the file turned read-only) is kept in memory, the user gets one line
naming the job's server task and the journal path, and the write is retried every second from the loop
(never blocking the loop for more than one busy timeout), so polling of other jobs goes on. The job is
never failed for it. Loop thread only. Usage: `writes = Writes(journal)`; `writes.upsert(record)`.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Mapping
from typing import Any

from camb_notebook.jobs._journal import JobRecord, Journal
from camb_notebook.jobs._notice import notice

__all__ = ["RETRY_EVERY", "Writes"]

RETRY_EVERY = 1.0  # seconds between attempts to write what a failed write kept in memory


class Writes:
    """The journal's writes, with what could not be written yet kept in memory and retried."""

    def __init__(self, journal: Journal) -> None:
        """Write to `journal`; nothing is pending yet."""
        self.journal = journal
        self.rows: dict[str, JobRecord] = {}  # job id -> newest row not yet written
        self.results: dict[str, tuple[str, str, Mapping[str, Any]]] = {}  # job id -> (family, hash, result)
        self._retry: asyncio.TimerHandle | None = None
        self._told: set[str] = set()  # jobs whose kept task the user was told about (once each)

    @property
    def pending(self) -> int:
        """Rows and results waiting to be written."""
        return len(self.rows) + len(self.results)

    def upsert(self, record: JobRecord) -> None:
        """Write one job row (kept and retried if the journal refuses it)."""
        self.rows[record.id] = record
        self.flush()

    def store_result(self, job_id: str, family: str, request_hash: str, result: Mapping[str, Any]) -> None:
        """Store one result (kept and retried if the journal refuses it)."""
        self.results[job_id] = (family, request_hash, result)
        self.flush()

    def flush(self) -> bool:
        """Write everything pending (results before rows); True when nothing is left."""
        self._retry = None
        try:
            for job_id, (family, request_hash, result) in list(self.results.items()):
                self.journal.store_result(job_id, family, request_hash, result)
                del self.results[job_id]
            for job_id, record in list(self.rows.items()):
                self.journal.upsert(record)
                if self.rows.get(job_id) is record:
                    del self.rows[job_id]
        except sqlite3.IntegrityError:
            raise  # not a passing condition: another job's row (never overwritten)
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return False
        return True

    def _failed(self, exc: BaseException) -> None:
        """Say once per job what is kept in memory, and schedule the next attempt."""
        reason = str(exc) or type(exc).__name__
        for record in self.rows.values():
            if record.task_id is not None and record.id not in self._told:
                self._told.add(record.id)
                notice(
                    f"job {record.id}: server task {record.task_id} is kept in memory (writing the journal"
                    f" {self.journal.path} failed: {reason}); it is written once the journal accepts writes"
                )
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._retry is None:
            self._retry = loop.call_later(RETRY_EVERY, self.flush)
