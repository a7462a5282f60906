"""EarlierBatch: a batch of an earlier kernel, rebuilt from its chunks' journal rows as one job.

Chunk rows carry their batch's id (`JobRecord.batch_id`), so after a restart `get("<batch id>")` (and with it
`%camb result/wait/cancel <id>`) finds the batch as one job, and the board shows it as one row. Its chunks
are rebuilt like any earlier job (settled from the journal, followed, or taken over) and kept in `jobs` (the
chunk detail); the batch is final once every chunk is. Its result is every chunk's result in creation order
(a chunk that failed gives its error in its place); `rows()` flattens translation chunks into
(chunk id, target, source text, translation). Loop thread builds it; any thread reads it.
Usage: `batch = manager.get("034ab15e")`; `batch.result()`; `batch.jobs`.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from camb_notebook.api import JobFailed
from camb_notebook.jobs._dispatch import Dispatcher
from camb_notebook.jobs._job import Job, JobState

__all__ = ["EarlierBatch", "fold_state"]


def fold_state(states: Sequence[str]) -> str:
    """One state for a batch from its chunks' states: running while any runs, else failed > cancelled > ok."""
    final = ("succeeded", "failed", "cancelled")
    unfinished = [s for s in states if s not in final]
    if unfinished:
        return "pending" if "pending" in unfinished or "fetching" in unfinished else unfinished[0]
    if "failed" in states:
        return "failed"
    return "cancelled" if "cancelled" in states else "succeeded"


class EarlierBatch(Job):
    """An earlier kernel's batch as one job; `jobs` are its chunk jobs (oldest first)."""

    def __init__(self, batch_id: str, chunks: Sequence[Job], *, dispatcher: Dispatcher) -> None:
        """Wrap the rebuilt `chunks` of `batch_id`; final once every chunk is."""
        chunks = sorted(chunks, key=lambda job: job.created_at)
        summary = {"batch": batch_id, "chunks": len(chunks)}
        super().__init__(
            chunks[0].family, summary, dispatcher=dispatcher, canceller=_cancel_chunks, job_id=batch_id
        )
        self.jobs: list[Job] = list(chunks)
        texts = [c.request.get("texts") for c in chunks]
        self.total: int | None = sum(len(t) for t in texts if isinstance(t, list)) or None
        self._engine.assign(created_at=chunks[0].created_at, state=fold_state([c.state for c in chunks]))
        self._left = len(chunks)
        self._count_lock = threading.Lock()
        for chunk in chunks:
            chunk._engine.future.add_done_callback(self._chunk_done)

    def __repr__(self) -> str:
        """`<EarlierBatch 034ab15e… translation: 4 chunks, succeeded>`."""
        return f"<EarlierBatch {self.id} {self.family}: {len(self.jobs)} chunks, {self.state}>"

    def _chunk_done(self, _future: concurrent.futures.Future[None]) -> None:
        """A chunk is final (engine thread, or at once): finish the batch after the last one."""
        with self._count_lock:
            self._left -= 1
            last = self._left == 0
        if not last:
            self._engine.update(state=fold_state([c.state for c in self.jobs]))
            return
        state: JobState = fold_state([c.state for c in self.jobs])  # type: ignore[assignment]
        failed = [c for c in self.jobs if c.state == "failed"]
        error = None
        if failed:
            first = failed[0].error
            error = JobFailed(f"{len(failed)} of {len(self.jobs)} chunks failed (first: {first})", job=self)
        self._engine.finish(state, result=[_value(c) for c in self.jobs], error=error)

    def _outcome(self) -> Any:
        """Every chunk's result (or its error), even when some failed: nothing done is hidden."""
        return self._result

    def rows(self) -> Iterator[tuple[str, str, str, str | None]]:
        """(chunk id, target, source text, translation or None) for every text of translation chunks."""
        for chunk, value in zip(self.jobs, self.result(), strict=True):
            texts = chunk.request.get("texts") or []
            target = str(chunk.request.get("target_language", ""))
            done = getattr(value, "texts", None)
            for index, text in enumerate(texts):
                yield chunk.id, target, str(text), None if done is None else str(done[index])


def _value(chunk: Job) -> Any:
    """A final chunk's result, or its error in its place."""
    return chunk.error if chunk.error is not None else chunk._result


def _cancel_chunks(batch: Job, reason: str | None) -> bool:
    """Cancel every unfinished chunk of an earlier batch (the tasks keep running on the server)."""
    return any([chunk.cancel(reason) for chunk in getattr(batch, "jobs", ())])  # a list: cancel every one
