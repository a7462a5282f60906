"""Run one translation job and SIGKILL this process at a chosen step (for the journal durability tests).

Usage: `python journal_victim.py STEP BASE_URL KEY`; the journal goes to `CAMB_NOTEBOOK_HOME`. STEP is one of
`before-create`, `after-create`, `mid-poll`, `after-success`, `mid-result`. The process never exits normally:
the kill lands inside the engine's loop thread exactly where a crash would.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import Any

from camb_notebook.api import ApiClient, TaskStatus
from camb_notebook.jobs import JobManager, PollPolicy

TEXT = "Durable hello"
REQUEST = {"texts": [TEXT], "source_language": 1, "target_language": 76}


def die() -> None:
    """Kill this process at once (no atexit, no finally, no flush), as a crash or SIGKILL would."""
    os.kill(os.getpid(), signal.SIGKILL)


class KillingApi:
    """The real client, except that the process dies at `step`."""

    def __init__(self, api: ApiClient, step: str) -> None:
        self.api, self.step = api, step

    async def create(self, family: Any, request: Any) -> str:
        """Die before sending, or right after the task_id arrived (before the engine can journal it)."""
        if self.step == "before-create":
            die()
        task_id = await self.api.create(family, request)
        if self.step == "after-create":
            die()
        return task_id

    async def status(self, family: Any, task_id: str) -> TaskStatus:
        """Die after the first PENDING poll, or when SUCCESS arrives (before the engine acts on it)."""
        status = await self.api.status(family, task_id)
        if (self.step == "mid-poll" and status.status == "PENDING") or (
            self.step == "after-success" and status.status == "SUCCESS"
        ):
            die()
        return status

    async def result(self, family: Any, run_id: int) -> Any:
        """Die after the result arrived but before it is stored."""
        result = await self.api.result(family, run_id)
        if self.step == "mid-result":
            die()
        return result


def main(step: str, base_url: str, key: str) -> None:
    """Submit the job and wait (the kill ends the process first)."""
    api = ApiClient(api_key=key, base_url=base_url)
    manager = JobManager(KillingApi(api, step), policy=PollPolicy(first=0.05, cap=0.05, jitter=0.0))
    manager.submit("translation", REQUEST)
    time.sleep(30)
    sys.exit(f"step {step} never happened")


if __name__ == "__main__":
    main(*sys.argv[1:4])
