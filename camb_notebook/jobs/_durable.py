"""Durable writes: journal rows and results that a locked or full disk cannot lose.

Every write goes through `Writes`. A write that fails (another process holds the lock past the short
busy timeout, the disk is full, the file turned read-only) is kept in memory, the user gets one line
naming the job's server task and the journal path, and the write is retried every second from the loop
(never blocking the loop for more than one busy timeout), so polling of other jobs goes on. The job is
never failed for it. Loop thread only. Usage: `writes = Writes(journal)`; `writes.upsert(record, soon=True)`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from collections.abc import Mapping
from typing import Any

from camb_notebook.jobs._journal import JobRecord, Journal
from camb_notebook.jobs._notice import notice

__all__ = ["RETRY_EVERY", "Writes"]

RETRY_EVERY = 1.0  # seconds between attempts to write what a failed write kept in memory


class Writes:
    """The journal's writes, committed in groups, with what could not be written yet kept and retried.

    Writes that may wait a moment (`soon=True`) are committed together at the end of the loop's current
    iteration: at high concurrency many jobs' rows share one SQLite transaction (one WAL commit) instead
    of one commit each. A write that must be on disk before the next step either awaits that group
    (`written()`: a create's intent) or commits at once with whatever is pending (a job's final row).
    """

    def __init__(self, journal: Journal) -> None:
        """Write to `journal`; nothing is pending yet."""
        self.journal = journal
        self.rows: dict[str, JobRecord] = {}  # job id -> newest row not yet written
        self.results: dict[str, tuple[str, str, Mapping[str, Any]]] = {}  # job id -> (family, hash, result)
        self._retry: asyncio.TimerHandle | None = None
        self._soon: asyncio.Handle | None = None
        self._waiters: list[asyncio.Future[None]] = []  # `written()` callers waiting for the next flush
        self._told: set[str] = set()  # jobs whose kept task the user was told about (once each)

    @property
    def pending(self) -> int:
        """Rows and results waiting to be written."""
        return len(self.rows) + len(self.results)

    def upsert(self, record: JobRecord, *, soon: bool = False) -> None:
        """Write one job row: at once, or with the loop iteration's group when `soon`."""
        kept = self.rows.get(record.id)
        if not record.request and kept is not None and kept.request:  # its request is not written yet
            record = dataclasses.replace(record, request=kept.request)
        self.rows[record.id] = record
        if soon:
            self._schedule()
        else:
            self.flush()

    def store_result(self, job_id: str, family: str, request_hash: str, result: Mapping[str, Any]) -> None:
        """Store one result with the loop iteration's group (the job's final row follows it at once)."""
        self.results[job_id] = (family, request_hash, result)
        self._schedule()

    async def written(self) -> None:
        """Wait until what is pending had its write attempt (kept in memory if the journal refused it)."""
        if not self.pending:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        self._schedule()
        await waiter

    def flush(self) -> bool:
        """Write everything pending in one transaction (results before rows); True when nothing is left."""
        self._retry = None
        if self._soon is not None:
            self._soon.cancel()
            self._soon = None
        try:
            if self.pending:
                self._write()
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return False
        finally:
            waiters, self._waiters = self._waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
        return True

    def _write(self) -> None:
        """One transaction: every pending result and row; a row whose id is another job's is dropped."""
        results, rows = dict(self.results), dict(self.rows)
        refused: list[str] = []
        with self.journal.transaction():
            for job_id, (family, request_hash, result) in results.items():
                self.journal.store_result(job_id, family, request_hash, result)
            for job_id, record in rows.items():
                try:
                    self.journal.upsert(record)
                except sqlite3.IntegrityError:  # nothing was written for it; the others go on
                    refused.append(job_id)
        for job_id in results:
            if self.results.get(job_id) is results[job_id]:
                del self.results[job_id]
        for job_id, record in rows.items():
            if self.rows.get(job_id) is record:
                del self.rows[job_id]
        for job_id in refused:
            notice(f"job {job_id}: its journal row was not written: the id belongs to another job there")

    def _schedule(self) -> None:
        """Flush at the end of this loop iteration (at once when no loop runs here)."""
        if self._soon is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._soon = loop.call_soon(self.flush)

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
