"""Journal durability: a process killed at any step of a job leaves a journal resume() fully accounts for.

`journal_victim.py` runs one job in a subprocess and SIGKILLs itself before the create, right after the
create's answer, mid-poll, after SUCCESS, or with the result in hand. A fresh JobManager then resumes: every
job is either recovered (its result fetched, nothing created again) or, when no task_id reached the journal,
reported as "may exist on the server (created at …, no task_id recorded)". Nothing is silently forgotten.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from journal_victim import TEXT
from reliability_helpers import wait_until

from camb_notebook.api import AmbiguousSubmitError
from camb_notebook.jobs import JobManager, default_home
from camb_notebook.jobs._journal import Journal
from camb_notebook.sandbox import Sandbox, pseudo_localize

VICTIM = Path(__file__).with_name("journal_victim.py")
STATUS = "GET translate/{id}"


def _kill_at(step: str, sandbox: Sandbox) -> None:
    """Run the victim until it kills itself at `step`."""
    done = subprocess.run(
        [sys.executable, str(VICTIM), step, sandbox.base_url, sandbox.api_key],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr


def _journal_states() -> list[tuple[str, str | None]]:
    """(state, task_id) of every journal row."""
    journal = Journal(default_home())
    try:
        return [(row.state, row.task_id) for row in journal.recent()]
    finally:
        journal.close()


@pytest.mark.parametrize(
    ("step", "created", "journaled"),
    [
        ("before-create", 0, ("creating", False)),
        ("after-create", 1, ("creating", False)),
        ("mid-poll", 1, ("pending", True)),
        ("after-success", 1, ("pending", True)),
        ("mid-result", 1, ("fetching", True)),
    ],
)
def test_kill_at_each_step_then_resume_accounts_for_the_job(
    make_manager: Callable[..., JobManager],
    camb_sandbox: Sandbox,
    step: str,
    created: int,
    journaled: tuple[str, bool],
) -> None:
    """After a kill at `step`, resume() recovers the job (no new task) or reports it may exist."""
    camb_sandbox.config.processing_time["translation"] = 0.3
    _kill_at(step, camb_sandbox)
    [(state, task_id)] = _journal_states()
    assert (state, task_id is not None) == journaled  # the intent is journaled before the create
    assert camb_sandbox.stats.tasks_created.get("translation", 0) == created
    polls = camb_sandbox.stats.requests.get(STATUS, 0)

    manager = make_manager(home=default_home())
    [job] = manager.resume()
    if task_id is None:
        assert isinstance(job.error, AmbiguousSubmitError)
        assert re.search(
            r"may exist on the server \(created at \d{4}-\d\d-\d\dT[\d:]+\+00:00, no task_id", str(job.error)
        )
    else:
        assert job.result(timeout=10).texts == (pseudo_localize(TEXT, "fr-fr"),)
        assert job.task_id == task_id
    assert camb_sandbox.stats.tasks_created.get("translation", 0) == created  # resume never creates
    if step == "mid-result":  # the run_id was journaled: resume fetches without polling again
        assert camb_sandbox.stats.requests.get(STATUS, 0) == polls
    final = ["failed" if task_id is None else "succeeded"]
    wait_until(lambda: [s for s, _ in _journal_states()] == final, what="final journal state")
    assert manager.resume() == []  # accounted for once, not again
