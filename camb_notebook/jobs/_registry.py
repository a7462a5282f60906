"""Registry: the jobs of one JobManager, what the engine knows about their requests, and their journal rows.

Shared by the manager, the runner (which drives new jobs) and the recovery (which rebuilds earlier ones), so
none of them reaches into another. Loop thread for everything that writes the journal.
Usage: `registry = Registry(journal)`; `registry.finish(job, "succeeded", result=...)`.
"""

from __future__ import annotations

import json
import os
import socket
import time
import weakref
from typing import Any, ClassVar

from camb_notebook.api import JobCancelled
from camb_notebook.jobs._durable import Writes
from camb_notebook.jobs._job import Job, JobState
from camb_notebook.jobs._journal import JobRecord, Journal
from camb_notebook.jobs._request import RequestInfo

__all__ = ["Registry"]

_HOST = socket.gethostname()

Key = tuple[str, str]  # (family, request hash): identical requests share a cache entry and an in-flight twin


class Registry:
    """Jobs by id, their RequestInfo, the in-flight job of each request key, and pending cancel reasons."""

    _open: ClassVar[weakref.WeakSet[Registry]] = weakref.WeakSet()  # registries of open managers here

    def __init__(self, journal: Journal) -> None:
        """An empty registry writing rows to `journal`; open until `close()`."""
        self.journal = journal
        self.writes = Writes(journal)  # every journal write goes here: a refused one is kept and retried
        self.key_id = ""  # hash of the API key the jobs are created with (part of each request fingerprint)
        self.jobs: dict[str, Job] = {}
        self.batches: dict[
            str, Job
        ] = {}  # batch handles: one job each to the user; their chunks are in `jobs`
        self.infos: dict[str, RequestInfo] = {}
        self.batch_of: dict[str, str] = {}  # chunk job id -> its batch's id (journaled with the chunk's row)
        self.inflight: dict[Key, Job] = {}
        self.cancel_reasons: dict[str, str | None] = {}
        # Jobs the user asked to create even if an earlier create of their request may have made a task.
        self.resend_ambiguous: set[str] = set()
        self.described: set[str] = set()  # jobs whose row with the request went to `writes` (later: omitted)
        # Seconds a create's claim keeps retrying a locked journal before creating without it (a kernel
        # must not stall; a Dask worker, whose partitions may be rerun, waits longer instead).
        self.claim_patience = 2.0
        self.closing = False
        Registry._open.add(self)

    def close(self) -> None:
        """The manager is shutting down: cancellations keep journal rows resumable from now on."""
        self.closing = True
        Registry._open.discard(self)

    @classmethod
    def driven_here(cls, job_id: str) -> bool:
        """True when an open manager of this process still drives the job `job_id`."""
        return any(job_id in r.jobs and not r.jobs[job_id].done() for r in list(cls._open) if not r.closing)

    def forget(self, jobs: list[Job]) -> None:
        """Drop finished jobs (chunk jobs or batch handles) from memory; journal rows and results stay."""
        for job in jobs:
            if job.done():
                self.jobs.pop(job.id, None)
                self.batches.pop(job.id, None)  # a batch handle holds its chunks' requests and results
                self.infos.pop(job.id, None)
                self.batch_of.pop(job.id, None)
                self.resend_ambiguous.discard(job.id)
                self.described.discard(job.id)

    def user_jobs(self) -> list[Job]:
        """The jobs as the user sees them, oldest first: each batch once, not the chunk jobs inside it."""
        chunks = self.chunk_ids()
        alone = [job for job in list(self.jobs.values()) if job.id not in chunks]
        return sorted([*self.batches.values(), *alone], key=lambda job: float(job.created_at))

    def chunk_ids(self) -> set[str]:
        """Ids of every chunk job of this session's batches (the board folds them into their batch)."""
        return {chunk.id for batch in list(self.batches.values()) for chunk in getattr(batch, "jobs", ())}

    def release(self, key: Key, job: Job) -> None:
        """Forget `job` as the in-flight twin of `key` (if it still is)."""
        if self.inflight.get(key) is job:
            del self.inflight[key]

    def finish(
        self, job: Job, state: JobState, *, result: Any = None, error: BaseException | None = None
    ) -> None:
        """Finalize a job and journal it before anyone sees it final (a shutdown leaves the row as it was,
        for resume())."""
        keep = self.closing and state == "cancelled"
        job._engine.finish(
            state, result=result, error=error, before_wake=None if keep else lambda: self.record(job)
        )

    def cancelled(self, job: Job) -> None:
        """Finalize a job whose task was cancelled; journal that only when a user asked for it.

        A task cancelled by the engine shutting down (interpreter exit stops the loop, possibly before the
        manager closes) leaves the journal row as it was, so resume() in the next kernel reattaches it.
        """
        asked = job.id in self.cancel_reasons and not self.closing
        sent = job.state == "creating" and job.task_id is None  # the create may have reached the server
        finished = job._engine.finish("cancelled", error=self.cancelled_error(job))
        if finished and asked and not sent:  # a sent create keeps its row: resume() reports it
            self.record(job)

    def record(self, job: Job, *, soon: bool = False) -> None:
        """Write the job's row to the journal (nothing before its request was described): at once, or with
        the loop iteration's group commit when `soon`."""
        row = self.row(job, request=job.id not in self.described)
        if row is not None:
            self.described.add(job.id)
            self.writes.upsert(row, soon=soon)

    async def record_durably(self, job: Job) -> None:
        """Write the job's row with the loop iteration's group commit and wait for it (a create's intent
        must be on disk before the create is sent)."""
        self.record(job, soon=True)
        await self.writes.written()

    def row(self, job: Job, *, request: bool = True) -> JobRecord | None:
        """The job's journal row as this process would write it now (None before it was described).

        Without `request` its request column is '' and the stored one stays (a chunk's texts, once)."""
        info = self.infos.get(job.id)
        if info is None:
            return None
        return JobRecord(
            id=job.id,
            family=job.family,
            request_hash=info.hash,
            request=json.dumps(info.summary, ensure_ascii=False) if request else "",
            size=info.size,
            state=job.state,
            server_status=job.server_status,
            task_id=job.task_id,
            run_id=job.run_id,
            created_at=job.created_at,
            submitted_at=job.submitted_at,
            updated_at=job.updated_at,
            finished_at=job.finished_at,
            error=None if job.error is None else f"{type(job.error).__name__}: {job.error}",
            pid=os.getpid(),
            key_id=self.key_id,
            host=_HOST,
            heartbeat=time.time(),
            batch_id=self.batch_of.get(job.id, ""),
        )

    def cancelled_error(self, job: Job) -> JobCancelled:
        """The error a cancelled job carries, saying what keeps running on the server."""
        asked = job.id in self.cancel_reasons
        reason = self.cancel_reasons.pop(job.id, None)
        if self.closing or not asked:
            reason = reason or "the session closed; resume() in a new session reattaches it"
        hint = None
        if job.task_id:
            server = f"server task {job.task_id} keeps running (the API has no cancel route)"
        elif job.state == "creating":
            server = "the server may have created the task; resume() will look for it"
            hint = "Do not submit again before resume() says whether it exists"
        else:
            server = "no server task was created"
        return JobCancelled(
            f"cancelled locally{f' ({reason})' if reason else ''}; {server}",
            reason=reason,
            task_id=job.task_id,
            job=job,
            hint=hint,
        )
