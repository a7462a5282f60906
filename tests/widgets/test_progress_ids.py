"""Progress drawers on real sandbox jobs: the local job id on the bar, and a partly failed batch's rows."""

from __future__ import annotations

import io

import ipywidgets as w
import pandas as pd
from commlog import CommLog

from camb_notebook.frames import translate_frame
from camb_notebook.sandbox import Sandbox
from camb_notebook.sessions import Camb
from camb_notebook.widgets import JobProgress, TextProgress

TEXTS = ["Hello", "Good morning", "See you"]


def test_the_label_shows_the_local_job_id_and_the_server_task_id_only_on_hover(
    comm_log: CommLog, camb: Camb
) -> None:
    """The bar shows the id `%camb wait/jobs/cancel/result` take; the server task id is its tooltip."""
    job = camb.translate(TEXTS, to="fr-fr", cache=False)
    drawer = JobProgress(job)
    camb.wait(job, timeout=20)
    assert job.task_id is not None and job.task_id != job.id
    label = comm_log.latest(drawer.label, "value")
    assert f'title="server task {job.task_id}">{job.id}</code>' in label
    shown = label.split(">")[-2].removesuffix("</code")  # what a user copies from the bar
    assert camb.get_job(shown) is job
    stream = io.StringIO()
    TextProgress(job, stream=stream)
    assert stream.getvalue().startswith(f"\rtranslation {job.id} |") and job.task_id not in stream.getvalue()


def test_a_batch_with_a_failed_chunk_shows_its_rows_a_summary_and_the_retry_hint(
    comm_log: CommLog, camb: Camb, camb_sandbox: Sandbox
) -> None:
    """One of three chunks fails: an amber bar over the table (failed row marked) and a one-line summary."""
    camb_sandbox.fail_next("error=PROCESSING_ERROR", route="POST translate")
    frame = pd.DataFrame({"text": TEXTS})
    batch = translate_frame(frame, "text", to="fr-fr", chunk_size=1, cache=False, session=camb)
    drawer = JobProgress(batch)
    camb.wait(batch, timeout=20)
    assert batch.state == "failed" and batch.done_count == 2 and batch.failed_count == 1
    assert comm_log.latest(drawer.bar, "bar_style") == "warning"
    assert "2/3 (1 failed)" in comm_log.latest(drawer.status, "value")

    table, summary = drawer.result_box.children
    assert isinstance(table, w.Output) and isinstance(summary, w.HTML)
    shown = table.outputs[0]["data"]["text/html"]
    # ok: two rows' camb_status_fr-fr, camb_status and QA status (qa_fr-fr); the failed row has no QA
    assert shown.count(">ok<") == 6 and shown.count(">failed<") == 2 and "JobFailed" in shown
    note = comm_log.latest(summary, "value")
    assert note.startswith("<code>1 of 3 row-translations failed (JobFailed: ") and "PROCESSING_ERROR" in note
    assert note.endswith("); .retry_failed() re-sends only those rows</code>") and "submit again" not in note

    stream = io.StringIO()
    TextProgress(batch, stream=stream)
    assert stream.getvalue().rstrip("\n").endswith(".retry_failed() re-sends only those rows")


def test_a_batch_where_every_chunk_failed_is_red_and_still_lists_its_rows(
    comm_log: CommLog, camb: Camb, camb_sandbox: Sandbox
) -> None:
    """With no row translated the bar is danger, and the table still shows each row's error."""
    camb_sandbox.fail_next("error=PROCESSING_ERROR", route="POST translate", times=3)
    batch = translate_frame(pd.DataFrame({"text": TEXTS}), "text", to="fr-fr", chunk_size=1, session=camb)
    drawer = JobProgress(batch)
    camb.wait(batch, timeout=20)
    assert batch.state == "failed" and batch.done_count == 0
    assert comm_log.latest(drawer.bar, "bar_style") == "danger"
    table, summary = drawer.result_box.children
    assert table.outputs[0]["data"]["text/html"].count(">failed<") == 6  # camb_status_fr-fr and camb_status
    assert "3 of 3 row-translations failed" in comm_log.latest(summary, "value")
