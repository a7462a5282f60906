"""A batch is one job to the user (issue 16, items 13 and 14): ids, board, bar text, cancelled rows, colours.

Real batches on the sandbox (several chunks each); the board and the bar are read as a frontend gets them.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from commlog import CommLog

from camb_notebook.sandbox import Sandbox
from camb_notebook.sessions import Camb
from camb_notebook.widgets._board import PAGE, PILL_RUNNING, PILL_TEXT, PILLS, JobsBoard
from camb_notebook.widgets._snapshot import take_snapshot

TEXTS = [f"Row number {i}" for i in range(8)]


def _batch(camb: Camb, **options: Any) -> Any:
    """An 8-row, 2-target batch cut into 4 chunks per target."""
    return camb.translate(TEXTS, to=["fr-fr", "de-de"], chunk_size=2, **options)


def _until(condition: Any, timeout: float = 20.0) -> None:
    """Poll `condition()` until true (a test deadline, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.02)


def test_the_bars_id_is_the_batch_everywhere(comm_log: CommLog, camb: Camb) -> None:
    """`get_job` (what %camb result/cancel/wait use) finds the batch by the bar's id; lists show it once."""
    batch = _batch(camb)
    assert take_snapshot(batch).short_id == batch.id
    assert camb.get_job(batch.id) is batch and camb.get_job(batch.id[:6]) is batch
    camb.wait(camb.get_job(batch.id), timeout=30)
    assert len(batch.jobs) == 8  # the chunks exist, inside the batch
    assert list(camb.jobs()["id"]) == [batch.id]
    board = JobsBoard(camb)
    assert [row.id for row in board.collect()] == [batch.id]
    assert camb.get_job(batch.id).result() is batch.result()


def test_board_is_newest_first_this_kernel_first_and_paginated(
    comm_log: CommLog, camb: Camb, camb_sandbox: Sandbox
) -> None:
    """Another kernel's newer job comes after this kernel's; pages of PAGE rows, newest first."""
    mine = [camb.translate(f"Text {i}", to="fr-fr") for i in range(PAGE + 3)]
    camb.wait(mine, timeout=30)
    with Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url) as other:
        theirs = other.translate("From another kernel", to="fr-fr")
        other.wait(theirs, timeout=30)
    board = JobsBoard(camb)
    ids = [row.id for row in board.collect()]
    assert ids[: len(mine)] == [job.id for job in reversed(mine)] and ids[-1] == theirs.id
    assert len(board.table.children) == 7 * (PAGE + 1)  # header + one page of rows, 7 cells each
    assert board.page_label.value == "page 1/2" and board.prev_button.disabled
    board.next_button.click()
    assert len(board.table.children) == 7 * (1 + len(ids) - PAGE) and board.next_button.disabled
    assert board.filter.style.button_width == "auto"  # "succeeded" is not cut to a fixed width


def test_a_running_batch_shows_progress_and_an_eta(
    comm_log: CommLog, camb: Camb, camb_sandbox: Sandbox
) -> None:
    """Once a chunk is done, the bar's words carry a percentage and an ETA, not just `0/16 · pending`."""
    camb_sandbox.configure(processing_time={"translation": 0.4})
    batch = _batch(camb, concurrency=1)
    _until(lambda: batch.done_count > 0 or batch.done())
    snap = take_snapshot(batch)
    assert not batch.done(), "the batch finished before it could be read running"
    assert "%" in snap.status and "ETA" in snap.status, snap.status
    batch.cancel()
    camb.wait(batch, timeout=30)


def test_cancelled_rows_are_called_cancelled(comm_log: CommLog, camb: Camb, camb_sandbox: Sandbox) -> None:
    """Cancelling a batch counts its stopped rows as cancelled, never as failed."""
    camb_sandbox.configure(processing_time={"translation": 30.0})
    batch = _batch(camb, concurrency=1)
    _until(lambda: len(batch.jobs) >= 1)
    camb.cancel(batch.id)
    camb.wait(batch, timeout=30)
    snap = take_snapshot(batch)
    assert batch.state == "cancelled" and batch.failed_count == 0 and batch.cancelled_count == batch.total
    assert "cancelled" in snap.counts and "failed" not in snap.line()


def _luminance(colour: str) -> float:
    """WCAG relative luminance of `#rrggbb`."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("background", [*PILLS.values(), PILL_RUNNING])
def test_status_colours_reach_4_5_to_1(background: str) -> None:
    """Each status pill's text/background contrast (WCAG), the same in the dark and the light theme."""
    light, dark = sorted((_luminance(PILL_TEXT), _luminance(background)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5


def test_an_earlier_sessions_batch_is_one_board_row_with_its_chunks_as_detail(
    comm_log: CommLog, camb: Camb, camb_sandbox: Sandbox
) -> None:
    """Chunk rows carry their batch id: another session's board folds them into one row; Result lists them."""
    with Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url) as earlier:
        batch = _batch(earlier)
        earlier.wait(batch, timeout=30)
    board = JobsBoard(camb)
    [row] = board.collect()
    assert (row.id, row.state, len(row.chunks), row.rows) == (batch.id, "succeeded", 8, 16)
    board.show_result(row)
    title, detail = board.result.children
    assert "a batch of 8 chunks" in title.value
    assert all(chunk.id in detail.value for chunk in batch.jobs)


def test_an_earlier_sessions_unfinished_batch_is_one_job(
    comm_log: CommLog, camb: Camb, camb_sandbox: Sandbox
) -> None:
    """get_job(batch id) from another session's journal: one unfinished job over its 8 chunks."""
    camb_sandbox.configure(processing_time={"translation": 30.0})
    earlier = Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url)
    batch = _batch(earlier)
    _until(lambda: sum(job.task_id is not None for job in batch.jobs) == 8)
    earlier.close()  # its rows stay resumable, as after a kernel restart
    again = camb.get_job(batch.id[:8])
    assert again.id == batch.id and len(again.jobs) == 8 and not again.done()
    assert [row.id for row in JobsBoard(camb).collect()] == [batch.id]
    assert list(camb.jobs()["id"]) == [batch.id]
