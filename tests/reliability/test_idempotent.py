"""Billed once across kernels: request fingerprints, ambiguous creates, leases, honest cancel (issue 15).

A process killed after its creates leaves tasks in the journal: the same request in a new process adopts
them (0 new creates); `retry_failed()` never resends a create whose outcome is unknown unless asked; a job
another process owns is followed, a dead owner's is taken over; cancel during a create says the task may
exist and resume() reports it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from batch_victim import CHUNKS, TARGETS, TEXTS
from journal_victim import REQUEST
from reliability_helpers import FAST_POLL, wait_until

from camb_notebook.api import AmbiguousSubmitError, JobCancelled
from camb_notebook.jobs import JobManager, Journal, default_home, translation_batch
from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb

HERE = Path(__file__).parent


def _run_victim(script: str, *args: str) -> None:
    """Run a victim script until it SIGKILLs itself."""
    done = subprocess.run(
        [sys.executable, str(HERE / script), *args], capture_output=True, text=True, timeout=90
    )
    assert done.returncode == -signal.SIGKILL, done.stderr


def test_rerun_after_a_killed_batch_adopts_its_40_tasks_and_creates_none(camb_sandbox: Sandbox) -> None:
    """Item 1: the same batch in a new process after a SIGKILL: 0 new creates, every row translated."""
    camb_sandbox.configure(max_pending_per_key=None)
    camb_sandbox.config.processing_time["translation"] = 60.0
    _run_victim("batch_victim.py", camb_sandbox.base_url, camb_sandbox.api_key)
    assert camb_sandbox.stats.tasks_created["translation"] == CHUNKS
    camb_sandbox.finish_pending()
    camb = Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url, max_in_flight=64)
    camb.manager.policy = FAST_POLL
    try:
        batch = camb.translate(TEXTS, to=TARGETS, chunk_size=10, concurrency=CHUNKS)
        out = batch.result(timeout=60)
    finally:
        camb.close()
    assert out == {t: [pseudo_localize(text, t) for text in TEXTS] for t in TARGETS}
    assert camb_sandbox.stats.tasks_created["translation"] == CHUNKS  # 0 new creates


def test_two_managers_sending_the_same_batch_at_once_create_each_task_once(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """Item 1, two owners at once (a second manager stands for a second kernel): one task per chunk."""
    camb_sandbox.configure(max_pending_per_key=None)
    camb_sandbox.config.processing_time["translation"] = 0.3
    first, second = make_manager(max_in_flight=64), make_manager(max_in_flight=64)
    texts = [f"twin row {i}" for i in range(100)]
    batches = [translation_batch(m, texts, to="fr-fr", chunk_size=10) for m in (first, second)]
    outs = [b.result(timeout=60) for b in batches]
    assert outs[0] == outs[1] == {"fr-fr": [pseudo_localize(t, "fr-fr") for t in texts]}
    assert camb_sandbox.stats.tasks_created["translation"] == 10


def test_retry_failed_holds_an_ambiguous_create_until_asked(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """Item 2: a create cut mid-answer may exist: retry_failed() does not resend it without saying so."""
    manager = make_manager()
    camb_sandbox.fail_next("cut", route="POST translate")
    batch = translation_batch(manager, ["one", "two"], to="fr-fr")
    assert batch.result(timeout=30) == {"fr-fr": [None, None]}
    assert isinstance(batch.error, AmbiguousSubmitError)
    created = camb_sandbox.stats.tasks_created["translation"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        held = batch.retry_failed()
        assert held.result(timeout=30) == {"fr-fr": [None, None]}
    assert camb_sandbox.stats.tasks_created["translation"] == created  # nothing resent silently
    assert held.failed_count == 2 and isinstance(held.error, AmbiguousSubmitError)
    [message] = [str(w.message) for w in caught]
    assert "not resent" in message and "resend_ambiguous=True" in message
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sent = held.retry_failed(resend_ambiguous=True)
        assert sent.result(timeout=30) == {"fr-fr": [pseudo_localize(t, "fr-fr") for t in ("one", "two")]}
    assert "may be duplicates" in str(caught[0].message)
    assert camb_sandbox.stats.tasks_created["translation"] == created + 1


def test_retry_failed_polls_a_known_task_again_instead_of_creating(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """Item 2: a chunk whose polls failed has a task: the retry polls it, creating nothing."""
    manager = make_manager()
    camb_sandbox.config.processing_time["translation"] = 30.0
    batch = translation_batch(manager, ["slow"], to="fr-fr")
    wait_until(lambda: bool(batch.jobs) and batch.jobs[0].task_id is not None, timeout=10, what="task")
    batch.cancel("test")
    batch.result(timeout=10)
    camb_sandbox.finish_pending()
    retry = batch.retry_failed()
    assert retry.result(timeout=30) == {"fr-fr": [pseudo_localize("slow", "fr-fr")]}
    assert camb_sandbox.stats.tasks_created["translation"] == 1


def test_get_of_a_dead_processs_pending_job_polls_it_to_the_end(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """Item 4: get(id) of a killed process's pending job: its lease taken, polled to the end (not pending)."""
    camb_sandbox.config.processing_time["translation"] = 0.3
    _run_victim("journal_victim.py", "mid-poll", camb_sandbox.base_url, camb_sandbox.api_key)
    manager = make_manager(home=default_home())
    [row] = manager.journal.recent()
    job = manager.get(row.id)
    assert job.result(timeout=30).texts == (pseudo_localize(REQUEST["texts"][0], "fr-fr"),)
    assert manager.resume() == []  # taken already: nothing polled twice
    assert camb_sandbox.stats.tasks_created["translation"] == 1


def test_cancel_during_create_says_the_task_may_exist_and_resume_reports_it(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """Item 6: cancel while the create is in flight: no false "no task was created"; resume() says it may."""
    manager = make_manager()
    camb_sandbox.fail_next("stall=3", route="POST translate")
    job = manager.submit("translation", REQUEST)
    wait_until(lambda: job.state == "creating", timeout=10, what="create in flight")
    job.cancel("test")
    with pytest.raises(JobCancelled) as raised:
        job.result(timeout=10)
    assert "may have created the task" in str(raised.value) and "no server task" not in str(raised.value)
    manager.close()
    [resumed] = make_manager().resume()
    assert isinstance(resumed.error, AmbiguousSubmitError) and "may exist" in str(resumed.error)


class _CountingApi:
    """The wire client, counting the status polls this process sends."""

    def __init__(self, api: Any) -> None:
        self.api, self.polls = api, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.api, name)

    async def status(self, family: Any, task_id: str) -> Any:
        self.polls += 1
        return await self.api.status(family, task_id)


def test_a_job_another_live_process_polls_is_followed_here_not_polled(
    make_manager: Callable[..., JobManager], make_api: Callable[..., Any], camb_sandbox: Sandbox
) -> None:
    """Item 4: get(id) of a live process's job follows its row: finished here when it finishes there,
    resume() returns the same handle, and this process sends no poll for it."""
    camb_sandbox.config.processing_time["translation"] = 1.5
    owner = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "journal_victim.py"),
            "never",
            camb_sandbox.base_url,
            camb_sandbox.api_key,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        journal = Journal(default_home())
        wait_until(lambda: any(r.task_id for r in journal.recent()), timeout=30, what="the owner's task")
        [row] = journal.recent()
        journal.close()
        api = _CountingApi(make_api())
        manager = make_manager(home=default_home(), api=api)
        job = manager.get(row.id)
        assert not job.done() and manager.resume() == [job]  # the same handle, not a second one
        assert job.result(timeout=30).texts == (pseudo_localize(REQUEST["texts"][0], "fr-fr"),)
        assert api.polls == 0 and camb_sandbox.stats.tasks_created["translation"] == 1
    finally:
        owner.kill()
        owner.wait()
