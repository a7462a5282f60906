"""Bulk result fetch for batches: chunks that finish together share one `translation-results` request.

Used as the `fetch` hook of `JobManager.submit`; runs on the engine's loop thread only.
Usage: `fetcher = BulkFetcher(manager)` (anything with `api` and `policy`), then
`manager.submit(..., fetch=fetcher.fetch)`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, cast

from camb_notebook.api import CambError
from camb_notebook.jobs._job import Job
from camb_notebook.jobs._poll import PollPolicy, TaskApi, fetch_result

__all__ = ["BulkFetcher", "FetchHost"]

_BULK_MAX = 5  # the bulk result route takes 2–5 run ids
_PARALLEL = 4  # bulk requests in flight at once: a wave of chunks ending together is not fetched in a row


class _BulkApi(Protocol):
    """The bulk result route of ApiClient: `{run_id: result}` for 2–5 runs."""

    async def results(self, family: Any, run_ids: Sequence[int]) -> Mapping[int, Any]:
        """Fetch several finished runs at once."""


class FetchHost(Protocol):
    """Where the fetcher finds the wire client and the poll policy (read at each fetch: both may change)."""

    @property
    def api(self) -> TaskApi:
        """The wire client."""

    @property
    def policy(self) -> PollPolicy:
        """The result-fetch grace settings."""


class BulkFetcher:
    """Fetches chunk results up to `_PARALLEL` requests at a time, each taking up to 5 runs that finished.

    Runs that finish while fetches are in flight queue up, so under load one request serves several chunks
    and when idle nothing waits. Runs missing from a bulk answer, or a failed bulk call, fall back to singles.
    """

    def __init__(self, manager: FetchHost) -> None:
        """Bind to the manager's API and poll policy; the worker starts with the first fetch."""
        self._manager = manager
        self._queue: list[tuple[Job, int, asyncio.Future[Any]]] = []
        self._worker: asyncio.Task[None] | None = None
        self.requests = 0  # result requests sent (bulk and single), for measurements

    async def fetch(self, job: Job, run_id: int) -> Any:
        """The `fetch` hook of `JobManager.submit`: queue the run and wait for its result."""
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append((job, run_id, waiter))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.ensure_future(self._drain())
        return await waiter

    async def _drain(self) -> None:
        """Serve the queue in groups of up to five, `_PARALLEL` requests at a time, until it is empty."""
        busy: set[asyncio.Task[None]] = set()
        while self._queue or busy:
            while self._queue and len(busy) < _PARALLEL:
                group, self._queue = self._queue[:_BULK_MAX], self._queue[_BULK_MAX:]
                busy.add(asyncio.ensure_future(self._serve(group)))
            _, busy = await asyncio.wait(busy, return_when=asyncio.FIRST_COMPLETED)

    async def _serve(self, group: list[tuple[Job, int, asyncio.Future[Any]]]) -> None:
        """One group: a bulk request, or single fetches (one run, no bulk route, or the bulk call failed)."""
        group = [item for item in group if not item[2].done()]
        if len(group) > 1 and hasattr(self._manager.api, "results") and await self._bulk(group):
            return
        await asyncio.gather(*(self._single(item) for item in group))

    async def _bulk(self, group: list[tuple[Job, int, asyncio.Future[Any]]]) -> bool:
        """One bulk request for the group (runs it leaves out are fetched singly); False if it failed."""
        self.requests += 1
        try:
            found = await cast(_BulkApi, self._manager.api).results("translation", [r for _, r, _ in group])
        except CambError:
            return False
        missing = []
        for item in group:
            _, run_id, waiter = item
            if run_id not in found:
                missing.append(item)
            elif not waiter.done():
                waiter.set_result(found[run_id])
        await asyncio.gather(*(self._single(item) for item in missing))
        return True

    async def _single(self, item: tuple[Job, int, asyncio.Future[Any]]) -> None:
        """Fetch one run with the engine's 404 grace, settling its waiter either way."""
        job, run_id, waiter = item
        self.requests += 1
        try:
            result = await fetch_result(
                self._manager.api, "translation", job.task_id, run_id, self._manager.policy, job
            )
        except Exception as exc:
            if not waiter.done():
                waiter.set_exception(exc)
        else:
            if not waiter.done():
                waiter.set_result(result)
