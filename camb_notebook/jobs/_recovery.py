"""Recovery: rebuild jobs from the journal: `get()` of earlier sessions' jobs and `resume()` after a restart.

A collaborator the JobManager holds and calls. Rows another live process drives are followed (their row is
watched until final, and taken over if that process dies); dead owners' rows are taken over under a lease
(one process wins): rows with a task_id are polled again, intents without one are reported as possibly
existing, unsent ones as never submitted. Usage: `Recovery(registry, loop, dispatcher, canceller=..., ...)`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from camb_notebook.api import AmbiguousSubmitError, JobCancelled, UsageError, result_from_dict
from camb_notebook.jobs._adopt import watch
from camb_notebook.jobs._dispatch import Dispatcher
from camb_notebook.jobs._earlier_batch import EarlierBatch
from camb_notebook.jobs._job import FINAL_STATES, Job
from camb_notebook.jobs._journal import JobRecord
from camb_notebook.jobs._lease import owner_alive, take_lease
from camb_notebook.jobs._loop import LoopThread
from camb_notebook.jobs._poll import PollPolicy
from camb_notebook.jobs._registry import Registry
from camb_notebook.jobs._request import RequestInfo

__all__ = ["Recovery"]


class Recovery:
    """The journal-to-Job side of a manager: lookups of earlier jobs and resume without resubmitting."""

    def __init__(
        self,
        registry: Registry,
        loop: LoopThread,
        dispatcher: Dispatcher,
        *,
        canceller: Callable[[Job, str | None], bool],
        reattach: Callable[[Job], None],
        policy: Callable[[], PollPolicy],
    ) -> None:
        """`canceller` goes on each rebuilt Job; `reattach(job)` (loop thread) polls a resumed one again;
        `policy()` is the current poll schedule (how often a followed row is looked at)."""
        self.registry = registry
        self.loop = loop
        self.dispatcher = dispatcher
        self._canceller = canceller
        self._reattach = reattach
        self.policy = policy
        self._followed: set[str] = set()  # ids of jobs another live process polls (watched here)
        self._followers: set[asyncio.Task[None]] = set()

    def get(self, id_or_prefix: str) -> Job:
        """A job by id or unique id prefix (this session first, then the journal)."""
        known = [*self.registry.batches.items(), *self.registry.jobs.items()]  # a batch's own id first
        matches = [j for i, j in known if i.startswith(id_or_prefix)]
        if not matches:
            matches = self.loop.run_sync(self._load, id_or_prefix)
        if not matches:  # an earlier kernel's batch: one job made of its chunks' rows
            matches = self.loop.run_sync(self._load_batches, id_or_prefix)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise UsageError(
                f"no job matches {id_or_prefix!r}", hint="See `%camb jobs` (or camb.jobs()) for the ids"
            )
        ids = ", ".join(j.id for j in matches[:5])
        raise UsageError(f"{id_or_prefix!r} matches several jobs ({ids})", hint="Type more of the id")

    def resume(self, idle: Callable[[], object] | None = None) -> list[Job]:
        """Reattach unfinished jobs of dead sessions from the journal; never creates a task. Returns them."""
        return self.loop.run_sync(self._resume, idle=idle)

    async def _load(self, prefix: str) -> list[Job]:
        """Loop thread: rebuild jobs of earlier sessions from the journal; unfinished ones keep moving."""
        return [self._rebuild(row) for row in self.registry.journal.find(prefix)]

    def _rebuild(self, row: JobRecord) -> Job:
        """Loop thread: this session's job of `row`, else one rebuilt from it (settled, followed or taken)."""
        if (known := self.registry.jobs.get(row.id)) is not None:
            return known
        job = self._adopt(row)
        if row.state in FINAL_STATES:
            self._settle(job, row)
        elif owner_alive(row, Registry.driven_here):
            self._start_follow(job, row)  # another live kernel polls it: watch its row
        else:
            self._take_over(job, row)
        return job

    async def _load_batches(self, prefix: str) -> list[Job]:
        """Loop thread: earlier kernels' batches whose id starts with `prefix`, each one job of its chunks."""
        return self._fold(self.registry.journal.batch_rows(prefix), {})

    def _fold(self, rows: list[JobRecord], jobs: dict[str, Job]) -> list[Job]:
        """Register one EarlierBatch per batch id among `rows` (chunks rebuilt unless in `jobs`)."""
        by_batch: dict[str, list[JobRecord]] = {}
        for row in rows:
            by_batch.setdefault(row.batch_id, []).append(row)
        batches: list[Job] = []
        for batch_id, chunk_rows in by_batch.items():
            known = self.registry.batches.get(batch_id)
            if known is None:
                chunks = [jobs.get(row.id) or self._rebuild(row) for row in chunk_rows]
                known = EarlierBatch(batch_id, chunks, dispatcher=self.dispatcher)
                self.registry.batches[batch_id] = known
            batches.append(known)
        return batches

    def _adopt(self, row: JobRecord) -> Job:
        """Build a Job (not yet final) from a journal row and register it."""
        request: dict[str, Any] = json.loads(row.request)
        job = Job(row.family, request, dispatcher=self.dispatcher, canceller=self._canceller, job_id=row.id)
        job._engine.assign(
            task_id=row.task_id,
            run_id=row.run_id,
            server_status=row.server_status,
            state=row.state,
            created_at=row.created_at,
            submitted_at=row.submitted_at,
            updated_at=row.updated_at,
        )
        self.registry.infos[job.id] = RequestInfo(row.request_hash, json.loads(row.request), row.size)
        self.registry.jobs[job.id] = job
        if row.batch_id:  # rewritten rows keep their batch
            self.registry.batch_of[job.id] = row.batch_id
        return job

    def _settle(self, job: Job, row: JobRecord) -> None:
        """Finish a rebuilt job the way its final row says: its stored result, or its error."""
        stored = self.registry.journal.load_result(row.id) if row.state == "succeeded" else None
        if stored is not None:
            job._engine.finish("succeeded", result=result_from_dict(row.family, stored))  # type: ignore[arg-type]
        elif row.state in ("failed", "cancelled"):
            job._engine.finish(row.state, error=UsageError(row.error or row.state))  # type: ignore[arg-type]

    def _start_follow(self, job: Job, row: JobRecord) -> None:
        """Follow another live process's job until its row is final (or its owner dies: then take over)."""
        self._followed.add(job.id)
        task = asyncio.ensure_future(self._follow(job, row))
        self._followers.add(task)
        task.add_done_callback(self._followers.discard)

    async def _follow(self, job: Job, row: JobRecord) -> None:
        """Loop thread: watch the row; mirror its final state, or take the job over from a dead owner."""
        try:
            current = await watch(self.registry, row, self.policy())
        finally:
            self._followed.discard(job.id)
        if current is not None and current.state in FINAL_STATES:
            self._settle(job, current)
            if not job.done():  # succeeded in another kernel without a stored result (cache off)
                text = f"finished in another kernel (task {current.task_id}); its result was not stored"
                job._engine.finish("failed", error=UsageError(text))
        elif current is not None:
            self._take_over(job, current)

    def _take_over(self, job: Job, row: JobRecord) -> None:
        """Poll a dead owner's job here if this process wins its lease; report what cannot be polled."""
        registry = self.registry
        if not take_lease(registry.journal, row):
            fresh = registry.journal.get(row.id)
            if fresh is not None:
                self._start_follow(job, fresh)  # another process took it first: follow that one
            return
        if row.task_id is not None:
            registry.record(job)
            registry.inflight.setdefault((row.family, row.request_hash), job)  # identical submits wait
            self._reattach(job)
        elif row.state == "creating":
            when = datetime.fromtimestamp(row.updated_at, timezone.utc).isoformat(timespec="seconds")
            text = f"may exist on the server (created at {when}, no task_id recorded)"
            registry.finish(job, "failed", error=AmbiguousSubmitError(text))
        else:
            text = "never submitted: the kernel exited first"
            registry.finish(job, "cancelled", error=JobCancelled(text, reason="not submitted", job=job))

    async def _resume(self) -> list[Job]:
        """Loop thread: take over dead owners' unfinished rows (polled, or reported); followed jobs too."""
        registry = self.registry
        jobs = [registry.jobs[i] for i in list(self._followed) if i in registry.jobs]  # the same handles
        unfinished = registry.journal.unfinished()
        for row in unfinished:
            if row.id in self._followed or owner_alive(row, Registry.driven_here):
                continue
            job = self._adopt(row)
            job._engine.assign(expected_duration=registry.journal.median_duration(row.family, row.size))
            self._take_over(job, row)
            if row.id not in self._followed:  # lost the lease to another process: not ours to show
                jobs.append(job)
        resumed = {job.id: job for job in jobs}
        batched = {row.batch_id for row in unfinished if row.batch_id and row.id in resumed}
        for batch_id in batched - registry.batches.keys():  # shown as one job each (jobs(), the board)
            self._fold(registry.journal.batch_rows(batch_id), resumed)
        return jobs
