"""Cached results: a stored result served instead of a new task, checked before it is trusted.

A row that no longer parses as its family's result (tampered, or written by a buggy release) is ignored
with one notice; a row whose presigned URLs expired is not served as is. Either way the result is fetched
again from the server by the stored job's run id when it is known (no new task, nothing billed), and the
entry is dropped otherwise so the request runs again. Loop thread only.
Usage: `result = await cached(api, policy, registry, job, key)`.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

from camb_notebook.api import CambError, result_from_dict
from camb_notebook.jobs._job import Job
from camb_notebook.jobs._notice import notice
from camb_notebook.jobs._poll import PollPolicy, TaskApi, fetch_result
from camb_notebook.jobs._registry import Key, Registry

__all__ = ["cached"]


async def cached(api: TaskApi, policy: PollPolicy, registry: Registry, job: Job, key: Key) -> Any:
    """The result stored for `key` (refetched when stale or unreadable), or None when there is none."""
    journal = registry.journal
    try:
        hit = journal.cached_result(*key)
    except sqlite3.Error:
        return None  # an unreadable journal: no cache (the notice came when it was opened)
    if hit is None:
        return None
    source, stored = hit
    if stored is not None:
        try:
            return result_from_dict(job.family, stored)  # type: ignore[arg-type]
        except Exception:  # anything a tampered row makes the parser raise
            notice(f"a result cache row in {journal.path} is unreadable; it is ignored and fetched again")
    result = await _refetch(api, policy, registry, job, source)
    if result is None:
        with contextlib.suppress(sqlite3.Error):
            journal.forget_result(source)
        return None
    info = registry.infos.get(job.id)
    if info is not None:
        registry.writes.store_result(job.id, job.family, info.hash, result.to_dict())
    return result


async def _refetch(api: TaskApi, policy: PollPolicy, registry: Registry, job: Job, source: str) -> Any:
    """Fetch the stored job's run again from the server (None when its run id is unknown or gone)."""
    try:
        row = registry.journal.get(source)
    except sqlite3.Error:
        return None
    if row is None or row.task_id is None or row.run_id is None:
        return None
    try:
        return await fetch_result(api, job.family, row.task_id, row.run_id, policy, job)
    except CambError:
        return None
