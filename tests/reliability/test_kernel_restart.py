"""Real kernels (issue 15 acceptance): Restart & Run All bills nothing again; two kernels, one cell, one task.

1. A kernel runs a 200-row × 2-target batch (40 chunks), all 40 tasks are created, the kernel is SIGKILLed;
   a new kernel runs the same cell (no resume): 0 new creates, every row translated.
2. Two kernels run the same new cell at once while a third calls `resume()`: 40 creates in all, and no
   server task is polled by two kernels (each kernel records the task ids its engine polled).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from batch_victim import journal_rows
from reliability_helpers import wait_until

from camb_notebook.sandbox import Sandbox, pseudo_localize

pytestmark = pytest.mark.kernel

SETUP = """
import json
from camb_notebook import session
camb = session()
camb.manager.max_in_flight = 64
camb.manager.policy = camb.manager.policy.__class__(first=0.05, cap=0.2)
polled = set()

class Recording:
    '''The engine's wire client, recording the task ids this kernel polls.'''
    def __init__(self, api):
        self._api = api
    def __getattr__(self, name):
        return getattr(self._api, name)
    async def status(self, family, task_id):
        polled.add(task_id)
        return await self._api.status(family, task_id)

camb.manager.api = Recording(camb.manager.api)
"""


def _cell(prefix: str) -> str:
    """The notebook cell: 200 rows into two targets, chunks of 10 (40 tasks)."""
    return (
        f"texts = [f'{prefix} {{i}}' for i in range(200)]\n"
        "batch = camb.translate(texts, to=['fr-fr', 'de-de'], chunk_size=10, concurrency=40)"
    )


REPORT = (
    "out = batch.result(timeout=120)\n"
    "print(json.dumps([out['fr-fr'][:2], sum(v is None for t in out for v in out[t]), sorted(polled)]))"
)


def _report(kernel: Any, **kw: Any) -> tuple[list[str], int, set[str]]:
    """(first two fr-fr rows, untranslated rows, task ids this kernel polled)."""
    head, missing, polled = json.loads(kernel.run(REPORT, **kw).stdout.strip().splitlines()[-1])
    return head, missing, set(polled)


def test_restart_and_run_all_then_two_kernels_and_a_resume(
    start_kernel: Callable[[], Any], camb_sandbox: Sandbox
) -> None:
    """Restart & Run All after SIGKILL: 0 new creates; two kernels + a resume: 40 creates, no twin polls."""
    camb_sandbox.configure(max_pending_per_key=None)
    camb_sandbox.config.processing_time["translation"] = 60.0
    first = start_kernel()
    first.run(SETUP + _cell("restart row"))
    wait_until(
        lambda: (
            sum(t is not None for _, t in journal_rows()) >= 40
            and not any(s == "creating" for s, _ in journal_rows())
        ),
        timeout=60,
        what="40 tasks created",
    )
    first.kill()
    assert camb_sandbox.stats.tasks_created["translation"] == 40
    camb_sandbox.finish_pending()
    camb_sandbox.config.processing_time["translation"] = 1.0

    again = start_kernel()  # Restart & Run All: the same cells, no %camb resume
    again.run(SETUP + _cell("restart row"))
    head, missing, _ = _report(again)
    assert missing == 0 and head == [pseudo_localize(f"restart row {i}", "fr-fr") for i in range(2)]
    assert camb_sandbox.stats.tasks_created["translation"] == 40  # 0 new creates

    other, third = start_kernel(), start_kernel()
    for kernel in (again, other, third):
        kernel.run(SETUP)
    cell = _cell("twin row")
    running = [kernel.submit(cell) for kernel in (again, other)]  # the same cell in two kernels at once
    for kernel, msg_id in zip((again, other), running, strict=True):
        assert kernel.collect(msg_id, timeout=60).status == "ok"
    wait_until(lambda: len(journal_rows()) >= 80 + 1, timeout=30, what="both kernels' chunks journaled")
    resumed = third.run("jobs = camb.resume()\nprint(len(jobs))").stdout.strip()
    reports = [_report(k, timeout=150) for k in (again, other)]
    third.run("camb.wait(jobs, timeout=120)")
    by_third = set(json.loads(third.run("print(json.dumps(sorted(polled)))").stdout.strip().splitlines()[-1]))
    assert all(missing == 0 for _, missing, _ in reports)
    assert camb_sandbox.stats.tasks_created["translation"] == 40 + 40  # 40 creates in all for both kernels
    a, b = reports[0][2], reports[1][2]
    assert not (a & b) and not (a & by_third) and not (b & by_third)  # no task polled by two kernels
    print(
        f"\nrestart: 0 new creates; twins: 40 creates, polled {len(a)} + {len(b)} + {len(by_third)} "
        f"(resume took {resumed})"
    )
