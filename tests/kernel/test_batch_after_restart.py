"""An earlier kernel's batch is one job after a restart (issue #16 item 13), in real kernels.

Chunk rows are journaled with their batch's id: the next kernel's board shows the batch as one row (its chunks
as detail), `%camb result/wait <batch id>` find it, and `resume()` after a kill leaves `jobs()` with one row.
"""

from __future__ import annotations

import json
from typing import Any

from suite_helpers import hold_tasks, release_tasks, wait_until

from camb_notebook.jobs import Journal, default_home

SETUP = "%load_ext camb_notebook\nfrom camb_notebook import session\ncamb = session()\nimport json\n"
BATCH = (
    "batch = camb.translate([f'Row number {i}' for i in range(8)], to=['fr-fr', 'de-de'], chunk_size=2)\n"
    "print(batch.id)\n"
)
BOARD = (
    "from camb_notebook.widgets import JobsBoard\n"
    "rows = JobsBoard(camb).collect()\n"
    "print(json.dumps([[r.id, r.state, len(r.chunks), r.rows] for r in rows]))\n"
)


def _last_json(stdout: str) -> Any:
    """The JSON value printed on the cell's last line."""
    return json.loads(stdout.strip().splitlines()[-1])


def _batch_rows(batch_id: str) -> list[Any]:
    """The journal's chunk rows of `batch_id` (read in this process, the kernels' home)."""
    journal = Journal(default_home())
    try:
        return journal.batch_rows(batch_id)
    finally:
        journal.close()


def test_a_finished_batch_is_one_row_and_one_job_in_the_next_kernel(start_kernel: Any) -> None:
    """8 chunks journaled under the bar's id; the next kernel shows one board row and finds the batch."""
    first = start_kernel()
    batch_id = first.run(SETUP + BATCH + "camb.wait(batch, timeout=60)").stdout.split()[0]
    first.shutdown()
    assert len(_batch_rows(batch_id)) == 8

    second = start_kernel()
    board = _last_json(second.run(SETUP + BOARD).stdout)
    assert board == [[batch_id, "succeeded", 8, 16]]  # one row: 8 chunks of 2 texts
    out = second.run(
        f"%camb wait {batch_id}\n"
        f"earlier = camb.get_job('{batch_id[:8]}')\n"
        "print(json.dumps([earlier.id, earlier.state, len(earlier.jobs), len(list(earlier.rows()))]))"
    )
    assert _last_json(out.stdout) == [batch_id, "succeeded", 8, 16]
    table = second.run(f"%camb result {batch_id}").data("text/html")[0]  # its texts, as a table
    assert "Row number 7" in table and "fr-fr" in table and "de-de" in table
    assert second.run("print(list(camb.jobs()['id']))").stdout.strip() == repr([batch_id])


def test_after_a_kill_resume_shows_the_batch_as_one_job_to_cancel(
    start_kernel: Any, camb_sandbox: Any
) -> None:
    """Killed with every chunk pending: resume() reattaches the 8 chunks, jobs() lists the batch once, and
    `%camb cancel <batch id>` stops them all; nothing is created again."""
    hold_tasks(camb_sandbox, "translation")
    first = start_kernel()
    batch_id = first.run(SETUP + BATCH).stdout.split()[0]
    wait_until(lambda: sum(r.task_id is not None for r in _batch_rows(batch_id)) == 8, 60, "8 chunks created")
    first.kill()
    second = start_kernel()
    out = second.run(
        SETUP + "resumed = camb.resume()\n"
        "print(json.dumps([len(resumed), list(camb.jobs()['id']), list(camb.jobs()['state'])]))"
    )
    resumed, ids, states = _last_json(out.stdout)
    assert resumed == 8 and ids == [batch_id] and states == ["pending"]
    second.run(f"%camb cancel {batch_id}")
    out = second.run("camb.wait(timeout=30)\nprint(json.dumps(list(camb.jobs()['state'])))")
    assert _last_json(out.stdout) == ["cancelled"]
    assert {r.state for r in _batch_rows(batch_id)} == {"cancelled"}
    release_tasks(camb_sandbox)
    assert camb_sandbox.stats.tasks_created["translation"] == 8  # nothing created again
