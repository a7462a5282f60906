"""Adoption: before a create, find the request's task in the journal (any kernel's), so none is created twice.

The runner calls `settle_by_journal()` after the in-process twin and cache checks. It runs `_lease.claim`
and acts on it: reuse a stored result, follow a live owner (watching its row until it is final or the
owner dies, then deciding again), adopt a dead owner's task (the job polls it), or refuse to resend a
create whose outcome is unknown (unless the job is in `registry.resend_ambiguous`). `keep_leases()`
refreshes this process's heartbeats and retries kept writes. Loop thread only.
Usage: `step = await settle_by_journal(registry, job, policy, reuse)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import sqlite3
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any, Literal

from camb_notebook.api import AmbiguousSubmitError
from camb_notebook.jobs._durable import RETRY_EVERY
from camb_notebook.jobs._job import FINAL_STATES, Job
from camb_notebook.jobs._journal import JobRecord
from camb_notebook.jobs._lease import Claim, claim, heartbeat, owner_alive
from camb_notebook.jobs._notice import notice
from camb_notebook.jobs._poll import PollPolicy
from camb_notebook.jobs._prune import prune
from camb_notebook.jobs._registry import Registry

__all__ = ["HEARTBEAT_EVERY", "keep_leases", "key_id", "settle_by_journal", "watch"]

HEARTBEAT_EVERY = 5.0  # seconds between lease refreshes (well inside `_lease.LEASE_TTL`)
_WATCH_CAP = 1.0  # longest pause between two looks at a followed row

Step = Literal["create", "poll", "done"]


def key_id(api: Any) -> str:
    """A short hash of the client's API key (never the key), or "" for clients without one."""
    key = getattr(api, "api_key", None)
    reveal = getattr(key, "reveal", None)
    if reveal is None:
        return ""
    return hashlib.sha256(f"camb-notebook:{reveal()}".encode()).hexdigest()[:16]


async def settle_by_journal(
    registry: Registry, job: Job, policy: PollPolicy, reuse: Callable[[], Awaitable[bool]]
) -> Step:
    """Decide how `job` gets its result: "create" a task, "poll" an adopted one, or "done" (finished)."""
    for _ in range(8):  # a stored result that turns out unreadable is dropped, then we decide again
        outcome = await _claim(registry, job)
        if outcome is None or outcome.kind == "create":
            return "create"
        if outcome.kind == "cached":
            if await reuse():
                return "done"
            continue
        row = outcome.row
        assert row is not None
        if outcome.kind == "adopt":
            job._engine.update(
                state="pending",
                task_id=row.task_id,
                run_id=row.run_id,
                server_status=row.server_status,
                submitted_at=row.submitted_at,
            )
            return "poll"
        if outcome.kind == "ambiguous":
            raise _not_resent(registry, job, row)
        job._engine.update(state="queued")
        await watch(registry, row, policy)
    return "create"


def _not_resent(registry: Registry, job: Job, row: JobRecord) -> AmbiguousSubmitError:
    """The error of a job whose request an earlier create may already have made a task for.

    The text itself says how to resend (a batch row's `camb_error` shows the text, not the hint).
    """
    when = datetime.fromtimestamp(row.created_at, timezone.utc).isoformat(timespec="seconds")
    how = (
        "resend_ambiguous=True (or retry_failed(resend_ambiguous=True)) sends it again"
        if job.id in registry.batch_of
        else "submitting it with cache=False sends it again"
    )
    return AmbiguousSubmitError(
        f"not sent again: an earlier create of this same request (job {row.id}, {when}) may have made its"
        f" task, which may show in the CAMB dashboard; {how}, possibly billed twice"
    )


async def watch(registry: Registry, row: JobRecord, policy: PollPolicy) -> JobRecord | None:
    """Wait until another process's row is final or its owner is gone; returns the row as last read."""
    pause = min(policy.first, _WATCH_CAP)
    while True:
        await asyncio.sleep(pause)
        pause = min(pause * 1.5, policy.cap, _WATCH_CAP)
        try:
            current = registry.journal.get(row.id)
        except sqlite3.Error:
            continue
        if current is None or current.state in FINAL_STATES:
            return current
        if not owner_alive(current, Registry.driven_here):
            return current


async def _claim(registry: Registry, job: Job) -> Claim | None:
    """Run the claim, retrying a locked journal off the loop's critical path; None: create without it."""
    record = registry.row(job)
    if record is None:
        return None
    given_up = time.monotonic() + registry.claim_patience
    while True:
        try:
            resend = job.id in registry.resend_ambiguous
            return claim(registry.journal, record, Registry.driven_here, resend=resend)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > given_up:
                _without_journal(registry, exc)
                return None
        except (sqlite3.Error, OSError) as exc:
            _without_journal(registry, exc)
            return None
        await asyncio.sleep(0.05)


def _without_journal(registry: Registry, exc: BaseException) -> None:
    """Say that other kernels' tasks could not be looked up (the create goes ahead)."""
    notice(
        f"the journal {registry.journal.path} could not be read for other kernels' tasks ({exc}); jobs are"
        " created without that check until it can"
    )


async def keep_leases(registry: Registry) -> None:
    """Prune the journal once (defaults, no compaction), then refresh this process's leases and retry
    kept writes until the registry closes."""
    with contextlib.suppress(sqlite3.Error, OSError):
        prune(registry.journal, vacuum=False)
    while not registry.closing:
        await asyncio.sleep(min(HEARTBEAT_EVERY, RETRY_EVERY * 5))
        if registry.writes.pending:
            registry.writes.flush()
        # A locked journal: the next beat tries again (a lease lasts much longer than a beat).
        with contextlib.suppress(sqlite3.Error, OSError):
            heartbeat(registry.journal)
