"""BatchJob on the sandbox over loopback HTTP: partial failure, retry, quota breaker, 429 cooldown, cache."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jobs_helpers import wait_until

from camb_notebook.api import ApiClient, QuotaExceeded
from camb_notebook.jobs import BatchJob, JobManager, PollPolicy, translation_batch
from camb_notebook.jobs._batch_plan import chunk_texts
from camb_notebook.sandbox import Sandbox, pseudo_localize

FAST_POLLS = PollPolicy(first=0.02, cap=0.1, jitter=0.0)


def _manager(sandbox: Sandbox, home: Path, api: ApiClient | None = None) -> JobManager:
    """A JobManager on the sandbox with a fast poll schedule and its own journal."""
    api = api or ApiClient(api_key=sandbox.api_key, base_url=sandbox.base_url)
    return JobManager(api, home=home, policy=FAST_POLLS)


@pytest.fixture
def manager(camb_sandbox: Sandbox, tmp_path: Path) -> Iterator[JobManager]:
    """A fresh engine per test, closed afterwards."""
    engine = _manager(camb_sandbox, tmp_path)
    yield engine
    engine.close()


def _texts(count: int, width: int = 12) -> list[str]:
    """`count` distinct texts of exactly `width` characters."""
    return [f"text {i:0{width - 5}d}" for i in range(count)]


def _assert_translated(batch: BatchJob[dict[str, list[str | None]]], texts: list[str], target: str) -> None:
    """Every row of the batch result is the sandbox's translation of its text."""
    assert batch.result(timeout=30)[target] == [pseudo_localize(t, target) for t in texts]


def test_failed_chunk_marks_only_its_rows_and_retry_resends_only_it(
    manager: JobManager, camb_sandbox: Sandbox
) -> None:
    """A chunk ending in ERROR fails exactly its rows; retry_failed() creates one task for just those."""
    texts = _texts(300)
    camb_sandbox.fail_next("error=PROCESSING_ERROR", route="POST translate")
    batch = translation_batch(manager, texts, to="fr-fr", chunk_size=50)
    result = batch.result(timeout=30)["fr-fr"]
    failed = {t for t, out in zip(texts, result, strict=True) if out is None}
    chunks = [set(texts[i] for i in span) for span in chunk_texts(texts, chunk_size=50, max_chars=10**6)]
    assert failed in chunks
    assert batch.state == "failed" and batch.failed_count == 50 and batch.done_count == 250
    assert all(
        batch.outcome.errors["fr-fr"][i].startswith("JobFailed") for i, t in enumerate(texts) if t in failed
    )
    assert camb_sandbox.stats.tasks_created["translation"] == 6

    retry = batch.retry_failed()
    _assert_translated(retry, texts, "fr-fr")
    assert retry.state == "succeeded" and retry.failed_count == 0 and retry.done_count == 300
    assert camb_sandbox.stats.tasks_created["translation"] == 7


def test_payment_required_stops_new_chunks_and_returns_what_finished(
    manager: JobManager, camb_sandbox: Sandbox
) -> None:
    """Out of credits on the 4th chunk: no further task is created, 3 chunks' rows are kept, the rest fail."""
    texts = _texts(100, width=10)
    camb_sandbox.configure(credits={camb_sandbox.api_key: 3 * 10 * 10})
    batch = translation_batch(manager, texts, to="de-de", chunk_size=10, concurrency=1)
    result = batch.result(timeout=30)["de-de"]
    assert result[:30] == [pseudo_localize(t, "de-de") for t in texts[:30]]
    assert result[30:] == [None] * 70
    assert camb_sandbox.stats.tasks_created["translation"] == 4
    assert isinstance(batch.error, QuotaExceeded) and batch.failed_count == 70
    assert manager.breaker is not None

    blocked = batch.retry_failed()
    blocked.result(timeout=30)
    assert blocked.failed_count == 70 and camb_sandbox.stats.tasks_created["translation"] == 4

    camb_sandbox.configure(credits={})
    manager.reset_breaker()
    retry = blocked.retry_failed()
    _assert_translated(retry, texts, "de-de")
    assert camb_sandbox.stats.tasks_created["translation"] == 11


def test_rate_limit_holds_every_chunk_at_the_shared_gate(camb_sandbox: Sandbox, tmp_path: Path) -> None:
    """After a 429 on create no create goes out before the shared gate opens; nothing is duplicated."""
    sent: list[float] = []
    api = ApiClient(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url)
    engine = _manager(camb_sandbox, tmp_path, api)
    create = api.create_or_429

    async def recording(family: str, request: dict[str, object]) -> str:
        sent.append(time.monotonic())
        return await create(family, request)  # type: ignore[arg-type]

    api.create_or_429 = recording  # type: ignore[method-assign]
    try:
        camb_sandbox.configure(fault_retry_after=1)
        camb_sandbox.fail_next("429", route="POST translate")
        texts = _texts(40)
        batch = translation_batch(engine, texts, to="it-it", chunk_size=10)
        _assert_translated(batch, texts, "it-it")
        gate = engine.limit._gate_until  # when the shared gate opened again
    finally:
        engine.close()
    stats = camb_sandbox.stats
    assert stats.faults_injected == {"429": 1}
    assert stats.tasks_created["translation"] == 4
    assert stats.requests["POST translate"] == 5 == len(sent)
    assert engine.limit.stats.throttled == 1
    assert sorted(sent)[-1] >= gate  # the refused create went out again only once the gate opened


def test_rerunning_a_batch_creates_no_tasks(manager: JobManager, camb_sandbox: Sandbox) -> None:
    """The same batch again is served from the result cache: identical result, zero new tasks."""
    texts = _texts(120)
    first = translation_batch(manager, texts, to=["fr-fr", "es-es"], chunk_size=25)
    expected = first.result(timeout=30)
    created = camb_sandbox.stats.tasks_created["translation"]
    assert created == 10
    again = translation_batch(manager, texts, to=["fr-fr", "es-es"], chunk_size=25)
    assert again.result(timeout=30) == expected
    assert camb_sandbox.stats.tasks_created["translation"] == created


def test_cancel_stops_submitting_and_keeps_finished_rows(manager: JobManager, camb_sandbox: Sandbox) -> None:
    """cancel() ends the batch as cancelled: unsent chunks fail with JobCancelled and no new tasks follow."""
    camb_sandbox.configure(processing_time={"translation": 30.0})
    texts = _texts(40)
    batch = translation_batch(manager, texts, to="fr-fr", chunk_size=10, concurrency=1)
    assert batch.cancel("test")
    result = batch.result(timeout=30)["fr-fr"]
    assert batch.state == "cancelled" and result == [None] * 40 and batch.cancelled_count == 40
    assert camb_sandbox.stats.tasks_created.get("translation", 0) <= 1
    assert not batch.cancel()


def test_progress_counts_and_change_callbacks(manager: JobManager) -> None:
    """on_change reports rising done counts on the main thread; a finished batch shows full progress."""
    seen: list[int] = []
    texts = _texts(60) + _texts(60)
    batch = translation_batch(manager, [*texts, None], to=["fr-fr", "de-de"], chunk_size=20)
    batch.on_change(lambda b: seen.append(b.done_count))
    batch.result(timeout=30)
    manager.wait(batch.jobs)
    manager.dispatcher.drain()
    assert batch.total == 240 and batch.done_count == 240 and batch.failed_count == 0
    assert seen == sorted(seen) and seen[-1] == 240
    assert batch.progress() == (1.0, 0.0) and batch.rate is not None
    assert "240/240" in repr(batch) and "240/240" in batch._repr_html_()


def test_batch_with_nothing_to_send_finishes_at_once(manager: JobManager, camb_sandbox: Sandbox) -> None:
    """Only missing or blank values: the batch succeeds without a request, every row None."""
    batch = translation_batch(manager, [None, "", "  "], to="fr-fr")
    assert batch.result(timeout=30) == {"fr-fr": [None, None, None]}
    assert batch.state == "succeeded" and batch.total == 0 and camb_sandbox.stats.requests == {}


def test_cancelling_a_chunk_job_stops_the_batch(manager: JobManager, camb_sandbox: Sandbox) -> None:
    """Cancelling chunk jobs from outside (`%camb cancel all`) ends the batch as cancelled, unsent too."""
    camb_sandbox.configure(processing_time={"translation": 30.0})
    batch = translation_batch(manager, _texts(30), to="fr-fr", chunk_size=10, concurrency=1)
    wait_until(lambda: batch.jobs, "the batch's first chunk job submitted")
    assert manager.cancel_all("test") >= 1
    assert batch.result(timeout=30) == {"fr-fr": [None] * 30}
    assert batch.state == "cancelled" and batch.cancelled_count == 30
    assert camb_sandbox.stats.tasks_created.get("translation", 0) <= 1


def test_batch_after_resume_shares_the_resumed_tasks(camb_sandbox: Sandbox, tmp_path: Path) -> None:
    """After a restart, resume() then the same batch waits on the reattached tasks: no chunk is re-sent."""
    camb_sandbox.configure(processing_time={"translation": 1.0})
    texts = _texts(300)
    first = _manager(camb_sandbox, tmp_path)
    killed = translation_batch(first, texts, to="fr-fr", chunk_size=50)
    wait_until(
        lambda: len(killed.jobs) >= 6 and all(job.task_id for job in killed.jobs), "all 6 chunk tasks created"
    )
    first.close()
    assert camb_sandbox.stats.tasks_created["translation"] == 6

    second = _manager(camb_sandbox, tmp_path)
    try:
        resumed = second.resume()
        assert len(resumed) == 6 and not any(job.done() for job in resumed)
        again = translation_batch(second, texts, to="fr-fr", chunk_size=50)
        _assert_translated(again, texts, "fr-fr")
        assert all(job.cached for job in again.jobs)
    finally:
        second.close()
    assert camb_sandbox.stats.tasks_created["translation"] == 6
