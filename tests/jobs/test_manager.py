"""JobManager on the sandbox: results, journal, cache, breaker, cancel, and resume without extra creates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest
from jobs_helpers import wait_until

from camb_notebook.api import (
    AmbiguousSubmitError,
    JobCancelled,
    JobFailed,
    QuotaExceeded,
    TranslationResult,
    UsageError,
)
from camb_notebook.jobs import JobManager, JobRecord
from camb_notebook.sandbox import pseudo_localize

REQUEST = {"texts": ["Hello", "World"], "source_language": 1, "target_language": 76}


def _created(sandbox: Any) -> int:
    """Translation tasks the sandbox has created so far."""
    return int(sandbox.stats.tasks_created.get("translation", 0))


def test_a_job_runs_and_is_journaled(manager: JobManager, camb_sandbox: Any) -> None:
    """A submitted translation succeeds and its journal row holds task_id, run_id, states and timestamps."""
    job = manager.submit("translation", REQUEST)
    result = job.result(timeout=20)
    assert result == TranslationResult(texts=tuple(pseudo_localize(t, "fr-fr") for t in REQUEST["texts"]))
    assert job.state == "succeeded" and job.task_id and job.run_id is not None
    row = manager.loop.run_sync(_get_row, manager, job.id)
    assert row.state == "succeeded" and row.task_id == job.task_id and row.run_id == job.run_id
    assert row.created_at <= row.submitted_at <= row.finished_at  # type: ignore[operator]
    assert json.loads(row.request) == REQUEST


async def _get_row(manager: JobManager, job_id: str) -> JobRecord:
    """Loop thread: read one journal row."""
    row = manager.journal.get(job_id)
    assert row is not None
    return row


def test_identical_request_is_served_from_the_cache(manager: JobManager, camb_sandbox: Any) -> None:
    """The same request twice creates one task; cache=False creates another."""
    first = manager.submit("translation", REQUEST).result(timeout=20)
    again = manager.submit("translation", REQUEST)
    assert again.result(timeout=20) == first and again.cached
    assert _created(camb_sandbox) == 1
    fresh = manager.submit("translation", REQUEST, cache=False)
    assert fresh.result(timeout=20) == first and not fresh.cached
    assert _created(camb_sandbox) == 2


def test_concurrent_identical_requests_create_one_task(manager: JobManager, camb_sandbox: Any) -> None:
    """An identical request submitted while the first is in flight waits for it instead of creating a task."""
    jobs = [manager.submit("translation", REQUEST) for _ in range(3)]
    assert len({str(j.result(timeout=20)) for j in jobs}) == 1
    assert _created(camb_sandbox) == 1


def test_server_error_lands_on_the_job(manager: JobManager, camb_sandbox: Any) -> None:
    """A task ending in ERROR fails its Job with JobFailed carrying the reason and task_id."""
    camb_sandbox.fail_next("error=SOURCE_TOO_LONG", route="POST translate")
    job = manager.submit("translation", REQUEST)
    with pytest.raises(JobFailed) as caught:
        job.result(timeout=20)
    assert caught.value.exception_reason == "SOURCE_TOO_LONG"
    assert caught.value.task_id == job.task_id and caught.value.job is job
    assert job.state == "failed" and job.error is caught.value


def test_payment_required_trips_the_breaker(manager: JobManager, camb_sandbox: Any) -> None:
    """After PAYMENT_REQUIRED no further task is created; jobs already created still finish."""
    camb_sandbox.config.processing_time["translation"] = 0.5
    ok = manager.submit("translation", {**REQUEST, "texts": ["fine"]})
    wait_until(lambda: ok.task_id is not None, "the first job's task created")
    camb_sandbox.fail_next("payment_required", route="POST translate")
    broke = manager.submit("translation", {**REQUEST, "texts": ["broke"]})
    with pytest.raises(QuotaExceeded):
        broke.result(timeout=20)
    created = _created(camb_sandbox)
    later = manager.submit("translation", {**REQUEST, "texts": ["later"]})
    with pytest.raises(QuotaExceeded, match="not submitted"):
        later.result(timeout=20)
    assert _created(camb_sandbox) == created
    assert ok.result(timeout=20).texts == (pseudo_localize("fine", "fr-fr"),)
    manager.reset_breaker()
    assert manager.submit("translation", {**REQUEST, "texts": ["later"]}).result(timeout=20)


def test_cancel_stops_local_polling_and_says_the_task_keeps_running(
    manager: JobManager, camb_sandbox: Any
) -> None:
    """cancel() ends the job as cancelled at once; the error names the server task that keeps running."""
    camb_sandbox.config.processing_time["translation"] = 30.0
    job = manager.submit("translation", REQUEST)
    wait_until(lambda: job.task_id is not None, "the job's task created")
    assert job.cancel("changed my mind")
    assert job.state == "cancelled" and not job.cancel()
    with pytest.raises(JobCancelled, match=f"server task {job.task_id} keeps running"):
        job.result()
    assert manager.loop.run_sync(_get_row, manager, job.id).state == "cancelled"
    assert manager.resume() == []


def test_resume_reattaches_pending_jobs_without_creating(
    make_manager: Callable[..., JobManager], camb_sandbox: Any
) -> None:
    """A closed session's pending jobs are reattached by a new manager and finish with no new task."""
    camb_sandbox.config.processing_time["translation"] = 1.0
    first = make_manager()
    jobs = [first.submit("translation", {**REQUEST, "texts": [f"row {i}"]}) for i in range(4)]
    wait_until(lambda: all(j.task_id for j in jobs), "all 4 tasks created")
    first.close()
    assert {j.state for j in jobs} == {"cancelled"}
    created = _created(camb_sandbox)

    second = make_manager()
    resumed = second.resume()
    assert sorted(j.id for j in resumed) == sorted(j.id for j in jobs)
    second.wait(resumed, timeout=20)
    expected = [pseudo_localize(f"row {i}", "fr-fr") for i in range(4)]
    assert sorted(j.result().texts[0] for j in resumed) == expected
    assert _created(camb_sandbox) == created
    assert second.resume() == []
    second.close()

    third = make_manager()
    earlier = third.get(jobs[0].id[:6])
    assert earlier.id == jobs[0].id and earlier.state == "succeeded"
    assert earlier.result().texts[0] in expected


def test_resume_reports_intents_and_unsent_jobs_of_dead_kernels(manager: JobManager) -> None:
    """A row left in `creating` is reported as possibly existing; a `queued` row as never submitted."""
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    live = os.getppid()
    rows = [
        _row("intent01", "creating", pid),
        _row("queued01", "queued", pid),
        _row("otherkrn", "creating", live),  # a live kernel still owns this one
    ]
    manager.loop.run_sync(_insert, manager, rows)
    resumed = {j.id: j for j in manager.resume()}
    assert set(resumed) == {"intent01", "queued01"}
    with pytest.raises(
        AmbiguousSubmitError, match=r"may exist on the server \(created at .*no task_id recorded\)"
    ):
        resumed["intent01"].result()
    with pytest.raises(JobCancelled, match="never submitted"):
        resumed["queued01"].result()
    assert manager.resume() == []


def _row(job_id: str, state: str, pid: int) -> JobRecord:
    """A journal row as a dead or live kernel left it."""
    now = time.time()
    return JobRecord(
        id=job_id, family="translation", request_hash=job_id, request="{}", size=0, state=state,
        server_status=None, task_id=None, run_id=None, created_at=now, submitted_at=None, updated_at=now,
        finished_at=None, error=None, pid=pid,
    )  # fmt: skip


async def _insert(manager: JobManager, rows: list[JobRecord]) -> None:
    """Loop thread: write rows straight into the journal."""
    for row in rows:
        manager.journal.upsert(row)


def test_progress_uses_the_journal_history(manager: JobManager, camb_sandbox: Any) -> None:
    """Without history there is no estimate; with it the fraction stays below 1 until success."""
    camb_sandbox.config.processing_time["translation"] = 0.3
    first = manager.submit("translation", {**REQUEST, "texts": ["alpha"]})
    assert first.progress() == (None, None)
    first.result(timeout=20)
    assert first.progress() == (1.0, 0.0)
    second = manager.submit("translation", {**REQUEST, "texts": ["bravo"]})
    wait_until(lambda: second.task_id is not None, "the second job's task created")
    fraction, eta = second.progress()
    assert second.expected_duration is not None
    assert fraction is not None and 0.0 <= fraction < 1.0 and eta is not None
    second.result(timeout=20)
    assert second.progress() == (1.0, 0.0)


def test_journal_and_reprs_never_hold_the_key(
    make_manager: Callable[..., JobManager], camb_sandbox: Any
) -> None:
    """A canary key appears in no journal file, repr or error of a run that succeeded and failed."""
    canary = "CANARY-k3y-5ecret-0042"
    camb_sandbox.configure(api_keys=(canary,))
    engine = make_manager(api_key=canary)
    ok = engine.submit("translation", REQUEST)
    ok.result(timeout=20)
    camb_sandbox.fail_next("error=PROCESSING_ERROR", route="POST translate")
    bad = engine.submit("translation", {**REQUEST, "texts": ["x"]})
    engine.wait([bad], timeout=20)
    texts = [repr(engine), repr(ok), ok._repr_html_(), bad._repr_html_(), repr(bad.error), str(bad.error)]
    engine.close()
    assert not any(canary in t for t in texts)
    for path in engine.journal.home.iterdir():
        assert canary.encode() not in path.read_bytes()


def test_resume_leaves_jobs_of_an_open_manager_alone(
    make_manager: Callable[..., JobManager], camb_sandbox: Any
) -> None:
    """A second session in the same process does not reattach jobs another open session still polls."""
    camb_sandbox.config.processing_time["translation"] = 0.5
    first = make_manager()
    job = first.submit("translation", REQUEST)
    wait_until(lambda: job.task_id is not None, "the job's task created")
    assert make_manager().resume() == []
    assert job.result(timeout=20)


def test_blocking_on_a_job_from_the_engine_thread_is_refused(manager: JobManager) -> None:
    """job.result() on the loop thread raises instead of deadlocking the engine."""
    job = manager.submit("translation", REQUEST)

    async def block() -> str:
        try:
            job.result()
        except RuntimeError as exc:
            return str(exc)
        return "no error"

    assert "would deadlock" in manager.loop.run_sync(block)
    job.result(timeout=20)


class CountingApi:
    """Wraps the real ApiClient and counts the jobs holding a server task at once (create → final status)."""

    def __init__(self, api: Any) -> None:
        """Wrap `api`."""
        self.api, self.active, self.peak = api, 0, 0

    async def create(self, family: Any, request: Any) -> str:
        """Create, counting the job as in flight."""
        self.active += 1
        self.peak = max(self.peak, self.active)
        return str(await self.api.create(family, request))

    async def status(self, family: Any, task_id: str) -> Any:
        """Poll; a final status ends the job's flight (its result is fetched outside the limit)."""
        status = await self.api.status(family, task_id)
        if status.is_terminal:
            self.active -= 1
        return status

    async def result(self, family: Any, run_id: int) -> Any:
        """Fetch."""
        return await self.api.result(family, run_id)

    async def aclose(self) -> None:
        """Close the wrapped client."""
        await self.api.aclose()


def test_in_flight_limit_holds_and_can_be_resized(manager: JobManager, camb_sandbox: Any) -> None:
    """At most max_in_flight jobs hold a server task at once; raising the cap lets the window grow to it."""
    camb_sandbox.config.processing_time["translation"] = 0.2
    counting = CountingApi(manager.api)
    manager.api = counting
    manager.max_in_flight = 2
    first = [manager.submit("translation", {**REQUEST, "texts": [f"a{i}"]}) for i in range(6)]
    manager.wait(first, timeout=30)
    assert counting.peak == 2
    manager.max_in_flight = 5
    second = [manager.submit("translation", {**REQUEST, "texts": [f"b{i}"]}) for i in range(10)]
    manager.wait(second, timeout=30)
    assert counting.peak == 5
    assert all(j.state == "succeeded" for j in first + second)
    with pytest.raises(UsageError):
        manager.max_in_flight = 0


def test_wait_timeout_leaves_jobs_polling(manager: JobManager, camb_sandbox: Any) -> None:
    """wait(timeout) raises TimeoutError naming how many jobs keep polling; cancel_all stops them."""
    camb_sandbox.config.processing_time["translation"] = 30.0
    jobs = [manager.submit("translation", {**REQUEST, "texts": [f"c{i}"]}) for i in range(3)]
    with pytest.raises(TimeoutError, match="3 job"):
        manager.wait(jobs, timeout=0.2)
    assert manager.cancel_all("test over") == 3
    assert {j.state for j in jobs} == {"cancelled"}
