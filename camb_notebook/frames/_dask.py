"""`ddf.camb.translate(...)` on a Dask DataFrame: each partition runs the engine in its worker, one limit.

A cluster adds no speed when the API is the bottleneck, and per-partition engines would multiply the limit
(N workers × max_in_flight tasks). So every worker's engine takes a lease of one `distributed.Semaphore`
(named after the endpoint and limit, `max_leases=max_in_flight`) with each task it has in flight: the whole
cluster stays under one limit. What is deduped where: identical texts within a partition are sent once (the
engine's batch); the journal and result cache are the session's home, so workers on one machine (LocalCluster)
share them: every create first claims its request fingerprint in the journal, so an identical chunk in
another worker is followed (not created again), and a partition Dask runs again (its worker died, or the
graph is computed twice) adopts the tasks already created and reuses finished results. On several
machines each uses that path on its own disk (dedupe per machine). The API key travels to the workers
inside the task graph (the cluster's own connections), never into output, logs or the journal.
Usage: `out = ddf.camb.translate("text", to=["fr-fr", "de-de"]).compute()`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import threading
import uuid
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from camb_notebook.api import ApiKey, UsageError, resolve_language
from camb_notebook.frames._assemble import assemble_wide
from camb_notebook.frames._translate import translate_frame
from camb_notebook.jobs import BatchOutcome, PollPolicy
from camb_notebook.jobs._batch_plan import TextPlan
from camb_notebook.sessions import Camb

__all__ = ["translate_dask"]


class _WorkerKey:
    """The session's key on its way to the workers: pickles its text (ApiKey refuses), never shows it."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return "<API key for the workers>"


@dataclass(frozen=True)
class _Spec:
    """Everything a worker needs to run a partition: where, with which key, limit, policy and options."""

    endpoint: str
    key: _WorkerKey = field(repr=False)
    home: str
    max_in_flight: int
    semaphore: str
    policy: PollPolicy
    targets: tuple[str, ...]
    source: str
    options: tuple[tuple[str, Any], ...]
    columns: tuple[Hashable, ...] = ()  # the meta's columns: every partition returns exactly these


class _ClusterLease:
    """A lease of one `distributed.Semaphore` per task in flight (the engine's `Lease`), cluster-wide.

    The semaphore's calls block, so they run on threads of their own: waiting acquires on a pool as large as
    the local limit, releases on a single thread (so a release never waits behind blocked acquires).
    """

    def __init__(self, name: str, leases: int) -> None:
        """Bind the semaphore to this worker (must run on a task thread, where `get_worker()` works)."""
        from distributed import Semaphore

        self._semaphore = Semaphore(max_leases=leases, name=name)
        self._semaphore.register()
        self._waiters = concurrent.futures.ThreadPoolExecutor(leases, thread_name_prefix="camb-lease")
        self._releaser = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="camb-lease-release")

    async def acquire(self) -> None:
        """Wait for a lease without blocking the engine's loop; a cancelled wait gives its lease back."""
        future = asyncio.get_running_loop().run_in_executor(self._waiters, self._semaphore.acquire)
        try:
            await asyncio.shield(future)
        except asyncio.CancelledError:
            future.add_done_callback(self._release_if_acquired)
            raise

    def _release_if_acquired(self, future: asyncio.Future[Any]) -> None:
        """Release a lease whose wait was abandoned but which was granted anyway."""
        if not future.cancelled() and future.exception() is None and future.result():
            self.release()

    def release(self) -> None:
        """Give a lease back (queued on the release thread; the loop never blocks)."""
        self._releaser.submit(self._semaphore.release)


_CLAIM_PATIENCE = 120.0  # seconds a worker's create waits for the shared journal's lock (never blind)
_SESSIONS: dict[tuple[str, str, str, int], Camb] = {}  # per worker process: one engine per endpoint/limit
_SESSIONS_LOCK = threading.Lock()


def _worker_session(spec: _Spec) -> Camb:
    """This worker's session for `spec` (made once per process, with the cluster-wide lease on its limit)."""
    key = (spec.endpoint, spec.home, spec.semaphore, spec.max_in_flight)
    with _SESSIONS_LOCK:
        session = _SESSIONS.get(key)
        if session is None:
            session = Camb(
                api_key=ApiKey(spec.key.text),
                base_url=spec.endpoint,
                home=spec.home,
                max_in_flight=spec.max_in_flight,
            )
            session.manager.limit.lease = _ClusterLease(spec.semaphore, spec.max_in_flight)
            # Workers share one journal; under load it can stay locked past a kernel's 2 s patience, and
            # a create made without its claim could duplicate another worker's (or a rerun's) task.
            session.manager.registry.claim_patience = _CLAIM_PATIENCE
            _SESSIONS[key] = session
        session.manager.policy = spec.policy
        return session


def _translate_partition(part: pd.DataFrame, column: Hashable, spec: _Spec) -> pd.DataFrame:
    """Worker side: translate one partition with this worker's engine and return the wide frame."""
    session = _worker_session(spec)
    options = dict(spec.options)
    batch = translate_frame(part, column, list(spec.targets), spec.source, session=session, **options)
    result: pd.DataFrame = batch.result()
    for name in spec.columns:  # QA columns exist only where QA produced a verdict; the meta always has them
        if name not in result.columns:
            result[name] = pd.Series(None, index=result.index, dtype=object)
    return result[list(spec.columns)]


def translate_dask(
    frame: Any,
    column: Hashable,
    to: str | Sequence[str],
    source: str = "en-us",
    *,
    max_in_flight: int | None = None,
    home: str | None = None,
    session: Camb | None = None,
    **options: Any,
) -> Any:
    """A lazy Dask DataFrame: the partitions plus `<column>_<target>`, `camb_status`, `camb_error`.

    `max_in_flight` (default: the session's) bounds the tasks in flight across the whole cluster; `home`
    (default: the session's) is where the workers keep the journal and result cache. `options` are
    `translate_frame`'s (chunk_size, max_chars, formality, gender, cache, errors, protect, dnt, qa,
    resend_ambiguous).
    """
    if column not in frame.columns:
        raise UsageError(f"no column {column!r} in the frame (columns: {list(frame.columns)!r})")
    allowed = {"chunk_size", "max_chars", "formality", "gender", "cache", "errors", "protect", "dnt", "qa"}
    allowed |= {"resend_ambiguous"}  # chunks whose earlier create may have made a task are sent again
    unknown = set(options) - allowed
    if unknown:
        raise UsageError(f"unknown option(s) {sorted(unknown)} for a Dask DataFrame")
    if session is None:
        from camb_notebook.sessions import session as default_session

        session = default_session()
    targets = tuple(dict.fromkeys(resolve_language(t).locale for t in ([to] if isinstance(to, str) else to)))
    if not targets:
        raise UsageError("to= needs at least one target language")
    limit = max_in_flight or session.manager.max_in_flight or session.manager.limit.estimate
    if limit < 1:
        raise UsageError(f"max_in_flight must be at least 1, not {limit}")
    meta = assemble_wide(frame._meta, column, BatchOutcome.empty(TextPlan((), ()), targets))
    if options.get("qa", True):  # assemble_wide's order: translations, QA, then camb_status/camb_error
        for target in targets:
            meta[f"qa_{target}"] = pd.Series(dtype=object)
            meta[f"qa_issues_{target}"] = pd.Series(dtype=object)
        tail = ["camb_status", "camb_error"]
        meta = meta[[c for c in meta.columns if c not in tail] + tail]
    endpoint, key = session._for_workers()
    digest = hashlib.sha256(endpoint.encode()).hexdigest()[:12]
    spec = _Spec(
        endpoint=endpoint,
        key=_WorkerKey(key.reveal()),
        home=str(home or session.manager.journal.home),
        max_in_flight=limit,
        semaphore=f"camb-notebook-{digest}-{limit}",
        policy=session.manager.policy,
        targets=targets,
        source=source,
        options=tuple(sorted(options.items())),
        columns=tuple(meta.columns),
    )
    # A fresh token per call: Dask would otherwise name this graph after its arguments, and a rerun of the
    # cell could be handed an earlier call's partitions still held by the cluster (stale failures
    # included) instead of running them again through the journal and the result cache.
    token = f"camb-translate-{uuid.uuid4().hex[:12]}"
    return frame.map_partitions(_translate_partition, column, spec, meta=meta, token=token)
