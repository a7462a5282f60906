"""Shutdown and failure hygiene: a process exits promptly with jobs running; task errors land on Jobs."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from camb_notebook.jobs import Dispatcher, JobManager, Journal

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import time
from camb_notebook import Camb
camb = Camb()
job = camb.translate("still running at exit", to="fr-fr")
while job.task_id is None:
    time.sleep(0.01)
print(job.task_id, flush=True)
"""

# stderr lines that mean the exit was not clean (other stderr, e.g. an unrelated library notice, is fine)
_ALARMING = re.compile(
    r"Traceback|Exception ignored|ResourceWarning|RuntimeWarning|never awaited|never retrieved"
    r"|Task was destroyed|Unclosed|unclosed|Error\b"
)


def test_exit_with_running_jobs_is_prompt_clean_and_resumable(camb_sandbox: Any) -> None:
    """A script ending while a job polls exits in seconds, with no asyncio noise; the job stays resumable."""
    camb_sandbox.config.processing_time["translation"] = 30.0
    env = dict(os.environ, CAMB_API_BASE=camb_sandbox.base_url, CAMB_API_KEY=camb_sandbox.api_key)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    noise = [line for line in done.stderr.splitlines() if _ALARMING.search(line)]
    assert not noise, done.stderr
    assert elapsed < 20
    task_id = done.stdout.strip()
    journal = Journal()
    rows = journal.unfinished()
    journal.close()
    assert [(r.state, r.task_id) for r in rows] == [("pending", task_id)]


class BrokenApi:
    """An API whose create raises a programming error (what no server can produce)."""

    async def create(self, family: Any, request: Any) -> str:
        """Fail like a bug would."""
        raise RuntimeError("bug in a transport")

    async def status(self, family: Any, task_id: str) -> Any:
        """Never reached."""
        raise AssertionError

    async def result(self, family: Any, run_id: int) -> Any:
        """Never reached."""
        raise AssertionError


def test_unexpected_task_errors_land_on_the_job(caplog: pytest.LogCaptureFixture) -> None:
    """An unexpected exception fails its Job with that exception; asyncio never logs a lost task error."""
    engine = JobManager(BrokenApi(), dispatcher=Dispatcher())
    try:
        with caplog.at_level(logging.ERROR):
            job = engine.submit("translation", {"texts": ["x"], "source_language": 1, "target_language": 76})
            with pytest.raises(RuntimeError, match="bug in a transport"):
                job.result(timeout=10)
        assert job.state == "failed"
    finally:
        engine.close()
    assert "never retrieved" not in caplog.text


LOOP_FIRST = """
import time
from camb_notebook import Camb
camb = Camb()
job = camb.translate("loop stopped first", to="fr-fr")
deadline = time.monotonic() + 30
while job.state != "pending" and time.monotonic() < deadline:
    time.sleep(0.01)
camb.manager.loop.stop()  # what the loop thread's atexit hook does when it runs before the manager's
print(job.task_id, job.state, "resume()" in str(job.error), flush=True)
"""


def test_loop_stopped_before_the_manager_closes_keeps_jobs_resumable(camb_sandbox: Any) -> None:
    """At exit the loop's atexit hook may run before the manager's: running jobs must stay resumable.

    The engine's own shutdown cancels the job's task; that is not a user's cancel, so the journal row
    stays `pending` with its task id (the next kernel's resume() reattaches it) instead of `cancelled`.
    """
    camb_sandbox.config.processing_time["translation"] = 30.0
    env = dict(os.environ, CAMB_API_BASE=camb_sandbox.base_url, CAMB_API_KEY=camb_sandbox.api_key)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    done = subprocess.run(
        [sys.executable, "-c", LOOP_FIRST], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    task_id, state, says_resume = done.stdout.split()
    assert (state, says_resume) == ("cancelled", "True")
    journal = Journal()
    rows = journal.unfinished()
    journal.close()
    assert [(r.state, r.task_id) for r in rows] == [("pending", task_id)]
