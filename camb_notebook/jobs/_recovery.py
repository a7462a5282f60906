"""Recovery: rebuild jobs from the journal: `get()` of earlier sessions' jobs and `resume()` after a restart.

A mixin of JobManager. Rows still driven by a live process (or an open manager here) are left alone; rows
with a task_id are polled again, intents without one are reported as possibly existing, unsent ones as never
submitted.
"""

from __future__ import annotations

import json
import os
import sys
import weakref
from collections.abc import Coroutine
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar

from camb_notebook.api import AmbiguousSubmitError, JobCancelled, UsageError, result_from_dict
from camb_notebook.jobs._dispatch import Dispatcher
from camb_notebook.jobs._job import Job
from camb_notebook.jobs._journal import JobRecord, Journal
from camb_notebook.jobs._loop import LoopThread
from camb_notebook.jobs._request import RequestInfo

__all__ = ["Recovery"]


class Recovery:
    """JobManager's journal-to-Job side: lookups of earlier jobs and resume without resubmitting."""

    _open: ClassVar[weakref.WeakSet[Recovery]] = weakref.WeakSet()  # open managers of this process
    journal: Journal
    loop: LoopThread
    dispatcher: Dispatcher
    _jobs: dict[str, Job]
    _infos: dict[str, RequestInfo]
    _inflight: dict[tuple[str, str], Job]
    _closing: bool

    if TYPE_CHECKING:

        def _cancel(self, job: Job, reason: str | None) -> bool: ...
        def _record(self, job: Job) -> None: ...
        def _finish(
            self, job: Job, state: Any, *, result: Any = None, error: BaseException | None = None
        ) -> None: ...
        def _start(self, job: Job, coro: Coroutine[Any, Any, None]) -> None: ...
        def _reattach(self, job: Job) -> Coroutine[Any, Any, None]: ...
        def _idle(self) -> Any: ...

    def get(self, id_or_prefix: str) -> Job:
        """A job by id or unique id prefix (this session first, then the journal)."""
        matches = [j for i, j in self._jobs.items() if i.startswith(id_or_prefix)]
        if not matches:
            matches = self.loop.run_sync(self._load, id_or_prefix)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise UsageError(f"no job matches {id_or_prefix!r}", hint="See jobs() for the ids")
        ids = ", ".join(j.id for j in matches[:5])
        raise UsageError(f"{id_or_prefix!r} matches several jobs ({ids})", hint="Type more of the id")

    async def _load(self, prefix: str) -> list[Job]:
        """Loop thread: rebuild jobs of earlier sessions from the journal (finished ones with results)."""
        jobs = []
        for row in self.journal.find(prefix):
            job = self._adopt(row)
            if row.state == "succeeded" and (stored := self.journal.load_result(row.id)) is not None:
                job._finish("succeeded", result=result_from_dict(row.family, stored))  # type: ignore[arg-type]
            elif row.state in ("failed", "cancelled"):
                job._finish(row.state, error=UsageError(row.error or row.state))  # type: ignore[arg-type]
            jobs.append(job)
        return jobs

    def _adopt(self, row: JobRecord) -> Job:
        """Build a Job (not yet final) from a journal row and register it."""
        job = Job(
            row.family,
            json.loads(row.request),
            dispatcher=self.dispatcher,
            canceller=self._cancel,
            job_id=row.id,
        )
        job.task_id, job.run_id, job.server_status = row.task_id, row.run_id, row.server_status
        job.state = row.state  # type: ignore[assignment]
        job.created_at, job.submitted_at, job.updated_at = row.created_at, row.submitted_at, row.updated_at
        self._infos[job.id] = RequestInfo(row.request_hash, json.loads(row.request), row.size)
        self._jobs[job.id] = job
        return job

    def resume(self) -> list[Job]:
        """Reattach unfinished jobs of dead sessions from the journal; never creates a task. Returns them."""
        self.dispatcher.capture()
        return self.loop.run_sync(self._resume, idle=self._idle())

    async def _resume(self) -> list[Job]:
        """Loop thread: poll jobs with a task_id, report intents without one, cancel never-submitted ones."""
        jobs = []
        for row in self.journal.unfinished():
            if self._owned(row):
                continue
            job = self._adopt(row)
            job.expected_duration = self.journal.median_duration(row.family, row.size)
            if row.task_id is not None:
                self._record(job)  # claim the row for this process
                self._inflight.setdefault((row.family, row.request_hash), job)  # identical submits wait
                self._start(job, self._reattach(job))
            elif row.state == "creating":
                when = datetime.fromtimestamp(row.updated_at, timezone.utc).isoformat(timespec="seconds")
                text = f"may exist on the server (created at {when}, no task_id recorded)"
                self._finish(job, "failed", error=AmbiguousSubmitError(text))
            else:
                text = "never submitted: the kernel exited first"
                self._finish(job, "cancelled", error=JobCancelled(text, reason="not submitted", job=job))
            jobs.append(job)
        return jobs

    def _owned(self, row: JobRecord) -> bool:
        """True when a running manager (here, or in a live process) still drives this row's job."""
        if row.pid != os.getpid():
            return _alive(row.pid)
        return any(row.id in m._jobs for m in list(Recovery._open) if not m._closing)


def _alive(pid: int) -> bool:
    """True when a process with this pid exists (a live kernel still owns its journal rows)."""
    if sys.platform == "win32":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
