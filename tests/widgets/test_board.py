"""The jobs board on real sessions: live rows, earlier sessions' journal rows, filters, totals, buttons."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w
from commlog import CommLog
from suite_helpers import hold_tasks, release_tasks

from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb
from camb_notebook.widgets import JobsBoard, jobs_board


def cells(board: JobsBoard) -> list[list[str]]:
    """The table's text cells, row by row (header first), as the frontend shows them."""
    values = [c.value if isinstance(c, w.HTML) else c.description for c in board.table.children]
    return [values[i : i + 7] for i in range(0, len(values), 7)]


def test_rows_follow_jobs_live_with_totals(comm_log: CommLog, camb: Camb, camb_sandbox: Sandbox) -> None:
    """A running job's row turns succeeded/failed as it ends; totals count chars sent and failures."""
    camb_sandbox.fail_next("error=SOURCE_NOT_FOUND", route="POST translate")
    bad = camb.translate("Broken", to="fr-fr", cache=False)
    camb.wait(bad, timeout=20)
    hold_tasks(camb_sandbox)  # both stay running until released, however slow the machine
    good = camb.translate(["Hello", "Bye"], to="de-de", cache=False)
    speech = camb.translated_tts("Say hi", voice=20298, to="de-de")
    board = jobs_board(camb)
    assert "2 running" in board.totals.value and "1 failed" in board.totals.value
    release_tasks(camb_sandbox)
    camb.wait([good, speech], timeout=20)
    (failed_row, ok_row) = board._widgets[bad.id], board._widgets[good.id]
    assert "failed" in comm_log.latest(failed_row.status, "value")
    assert str(bad.error)[:20] in failed_row.status.value.replace("&#x27;", "'")
    assert "succeeded" in comm_log.latest(ok_row.status, "value")
    assert comm_log.latest(ok_row.rows, "value") == "2"
    assert comm_log.latest(ok_row.cancel_button, "disabled") is True
    totals = comm_log.latest(board.totals, "value")
    assert (
        "0 running" in totals
        and "1 failed" in totals
        and f"{len('Broken') + len('HelloBye') + len('Say hi')} chars sent" in totals
    )
    camb.tts("Spoken whole", voice=20298, cache=False).result(timeout=20)  # a direct job (tts-stream)
    again = jobs_board(camb).totals.value
    assert f"{len('Broken') + len('HelloBye') + len('Say hi') + len('Spoken whole')} chars sent" in again


def test_filters_show_only_matching_rows(camb: Camb, camb_sandbox: Sandbox) -> None:
    """The status filter keeps the header plus the rows in that state."""
    camb_sandbox.fail_next("timeout", route="POST translate")
    camb.translate("One", to="fr-fr", cache=False)
    camb.translate("Two", to="fr-fr", cache=False)
    camb.wait(timeout=20)
    board = JobsBoard(camb)
    assert len(cells(board)) == 3
    board.filter.value = "failed"
    assert len(cells(board)) == 2 and "failed" in cells(board)[1][2]
    board.filter.value = "running"
    assert len(cells(board)) == 1


def test_result_button_shows_the_result_under_the_table(camb: Camb) -> None:
    """Result shows the finished job's table below the board."""
    job = camb.translate(["Hello"], to="it-it", cache=False)
    camb.wait(job, timeout=20)
    board = JobsBoard(camb)
    board._widgets[job.id].result_button.click()
    title, table = board.result.children
    assert job.id in title.value
    assert pseudo_localize("Hello", "it-it") in table.outputs[0]["data"]["text/html"]


def test_cancel_button_cancels_a_running_job(comm_log: CommLog, camb: Camb, camb_sandbox: Sandbox) -> None:
    """Cancel on a running row cancels that job, and the row says cancelled."""
    camb_sandbox.fail_next("pending_forever", route="POST translate")
    job = camb.translate("Forever", to="fr-fr", cache=False)
    board = JobsBoard(camb)
    row = board._widgets[job.id]
    row.cancel_button.click()
    camb.wait(job, timeout=20)
    assert job.state == "cancelled"
    assert "cancelled" in comm_log.latest(row.status, "value")


def test_earlier_sessions_come_from_the_journal(camb_sandbox: Sandbox, tmp_path: Path) -> None:
    """Jobs of a closed session appear as journal rows whose Result loads from the result cache."""
    home = tmp_path / "shared-home"
    with Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url, home=home) as before:
        old = before.translate("Yesterday", to="es-es", cache=False)
        before.wait(old, timeout=20)
    with Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url, home=home) as now:
        board = JobsBoard(now)
        row = board._widgets[old.id]
        assert row.row.job is None and "succeeded" in row.status.value and row.rows.value == "1"
        assert "9 chars sent" in board.totals.value
        row.result_button.click()
        assert (
            pseudo_localize("Yesterday", "es-es") in board.result.children[1].outputs[0]["data"]["text/html"]
        )
