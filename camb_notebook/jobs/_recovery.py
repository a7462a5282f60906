"""Recovery: rebuild jobs from the journal: `get()` of earlier sessions' jobs and `resume()` after a restart.

A collaborator the JobManager holds and calls. Rows still driven by a live process (or an open manager here)
are left alone; rows with a task_id are polled again, intents without one are reported as possibly existing,
unsent ones as never submitted. Usage: `Recovery(registry, loop, dispatcher, canceller=..., reattach=...)`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from camb_notebook.api import AmbiguousSubmitError, JobCancelled, UsageError, result_from_dict
from camb_notebook.jobs._dispatch import Dispatcher
from camb_notebook.jobs._job import Job
from camb_notebook.jobs._journal import JobRecord
from camb_notebook.jobs._loop import LoopThread
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
    ) -> None:
        """`canceller` goes on each rebuilt Job; `reattach(job)` (loop thread) polls a resumed one again."""
        self.registry = registry
        self.loop = loop
        self.dispatcher = dispatcher
        self._canceller = canceller
        self._reattach = reattach

    def get(self, id_or_prefix: str) -> Job:
        """A job by id or unique id prefix (this session first, then the journal)."""
        matches = [j for i, j in self.registry.jobs.items() if i.startswith(id_or_prefix)]
        if not matches:
            matches = self.loop.run_sync(self._load, id_or_prefix)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise UsageError(f"no job matches {id_or_prefix!r}", hint="See jobs() for the ids")
        ids = ", ".join(j.id for j in matches[:5])
        raise UsageError(f"{id_or_prefix!r} matches several jobs ({ids})", hint="Type more of the id")

    def resume(self, idle: Callable[[], object] | None = None) -> list[Job]:
        """Reattach unfinished jobs of dead sessions from the journal; never creates a task. Returns them."""
        return self.loop.run_sync(self._resume, idle=idle)

    async def _load(self, prefix: str) -> list[Job]:
        """Loop thread: rebuild jobs of earlier sessions from the journal (finished ones with results)."""
        journal = self.registry.journal
        jobs = []
        for row in journal.find(prefix):
            job = self._adopt(row)
            if row.state == "succeeded" and (stored := journal.load_result(row.id)) is not None:
                job._engine.finish("succeeded", result=result_from_dict(row.family, stored))  # type: ignore[arg-type]
            elif row.state in ("failed", "cancelled"):
                job._engine.finish(row.state, error=UsageError(row.error or row.state))  # type: ignore[arg-type]
            jobs.append(job)
        return jobs

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
        return job

    async def _resume(self) -> list[Job]:
        """Loop thread: poll jobs with a task_id, report intents without one, cancel never-submitted ones."""
        registry = self.registry
        jobs = []
        for row in registry.journal.unfinished():
            if _owned(row):
                continue
            job = self._adopt(row)
            job._engine.assign(expected_duration=registry.journal.median_duration(row.family, row.size))
            if row.task_id is not None:
                registry.record(job)  # claim the row for this process
                registry.inflight.setdefault((row.family, row.request_hash), job)  # identical submits wait
                self._reattach(job)
            elif row.state == "creating":
                when = datetime.fromtimestamp(row.updated_at, timezone.utc).isoformat(timespec="seconds")
                text = f"may exist on the server (created at {when}, no task_id recorded)"
                registry.finish(job, "failed", error=AmbiguousSubmitError(text))
            else:
                text = "never submitted: the kernel exited first"
                registry.finish(job, "cancelled", error=JobCancelled(text, reason="not submitted", job=job))
            jobs.append(job)
        return jobs


def _owned(row: JobRecord) -> bool:
    """True when a running manager (here, or in a live process) still drives this row's job."""
    if row.pid != os.getpid():
        return _alive(row.pid)
    return Registry.driven_here(row.id)


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
