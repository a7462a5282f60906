"""Progress drawers on real Jobs against the sandbox: what the frontend receives for each transition."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import threading
from pathlib import Path

import ipywidgets as w
import pytest
from commlog import CommLog
from suite_helpers import hold_tasks, release_tasks, wait_until

from camb_notebook.jobs import Job
from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb
from camb_notebook.widgets import JobProgress, TextProgress, frontend

REPO = Path(__file__).resolve().parents[2]
TEXTS = ["Hello", "Good morning", "See you"]
LIFECYCLE = ["queued", "creating", "pending", "fetching", "succeeded"]
STATE = re.compile(r"camb-status camb-(\w+)")


def translate(camb: Camb) -> Job:
    """Submit one translation task (English to French)."""
    return camb.translate(TEXTS, to="fr-fr", cache=False)


def settle(camb: Camb, job: Job) -> None:
    """Wait for the job on the main thread, which also runs its queued callbacks (the drawer's redraws)."""
    camb.wait(job, timeout=20)


def statuses(log: CommLog, drawer: JobProgress) -> str:
    """Every status text the frontend received, joined (for `in` checks)."""
    return " | ".join(log.sent(drawer.status, "value"))


def test_success_draws_pending_then_done_with_the_result_table(
    comm_log: CommLog, camb_sandbox: Sandbox, camb: Camb
) -> None:
    """pending → succeeded: a full green bar, the task id in the label, Cancel hidden, the table shown."""
    hold_tasks(camb_sandbox, "translation")  # pending until released, however slow the machine
    gate = threading.Event()
    camb.manager.loop.call_soon(gate.wait, 20)  # the engine starts the job only after the drawer exists
    try:
        job = translate(camb)
        drawer = JobProgress(job)
    finally:
        gate.set()

    def drawn_so_far() -> list[str]:
        """The state classes the drawer sent so far, after running the queued redraws."""
        camb.manager.dispatcher.drain()
        return [m.group(1) for v in comm_log.sent(drawer.status, "value") if (m := STATE.search(v))]

    wait_until(lambda: "pending" in drawn_so_far(), 20, "the drawer to show the job pending")
    release_tasks(camb_sandbox)
    settle(camb, job)
    drawn = [m.group(1) for v in comm_log.sent(drawer.status, "value") if (m := STATE.search(v))]
    states = list(dict.fromkeys(drawn))  # each state once, in the order first drawn
    assert states[0] in ("queued", "creating") and "pending" in states and states[-1] == "succeeded"
    assert states == sorted(states, key=LIFECYCLE.index)
    assert comm_log.sent(drawer.bar, "bar_style")[1] == "info"  # queued/creating, before the task exists
    assert comm_log.latest(drawer.bar, "bar_style") == "success"
    assert comm_log.latest(drawer.bar, "value") == 1.0
    assert "done" in comm_log.latest(drawer.status, "value")
    assert job.task_id is not None and job.task_id[:8] in comm_log.latest(drawer.label, "value")
    assert comm_log.latest(drawer.cancel_button.layout, "display") == "none"
    (table,) = drawer.result_box.children
    assert isinstance(table, w.Output)
    html = table.outputs[0]["data"]["text/html"]
    assert all(pseudo_localize(text, "fr-fr") in html for text in TEXTS)
    assert table.outputs[1]["text"] == "3 rows\n"


@pytest.mark.parametrize(
    ("fault", "style", "words"),
    [
        ("error=SOURCE_NOT_FOUND", "danger", "failed: source not found"),
        ("timeout", "warning", "failed: timeout"),
        ("payment_required", "warning", "failed: payment required"),
    ],
)
def test_failures_show_the_reason_in_words_and_the_bar_style(
    comm_log: CommLog, camb_sandbox: Sandbox, camb: Camb, fault: str, style: str, words: str
) -> None:
    """ERROR shows exception_reason in words (danger); TIMEOUT and PAYMENT_REQUIRED are warnings."""
    camb_sandbox.fail_next(fault, route="POST translate")
    job = translate(camb)
    drawer = JobProgress(job)
    settle(camb, job)
    assert job.state == "failed"
    assert comm_log.latest(drawer.bar, "bar_style") == style
    assert words in comm_log.latest(drawer.status, "value")
    assert comm_log.latest(drawer.cancel_button.layout, "display") == "none"
    (message,) = drawer.result_box.children
    assert str(job.error) in message.value.replace("&#x27;", "'")


def test_cancel_button_cancels_a_long_job_and_marks_it_cancelled(
    comm_log: CommLog, camb_sandbox: Sandbox, camb: Camb
) -> None:
    """Clicking Cancel on a never-ending task cancels the job; the bar turns red and says cancelled."""
    camb_sandbox.fail_next("pending_forever", route="POST translate")
    job = translate(camb)
    drawer = JobProgress(job)
    drawer.cancel_button.click()
    assert comm_log.latest(drawer.cancel_button, "disabled") is True
    settle(camb, job)
    assert job.state == "cancelled"
    assert comm_log.latest(drawer.bar, "bar_style") == "danger"
    assert ">cancelled<" in comm_log.latest(drawer.status, "value")
    assert comm_log.latest(drawer.cancel_button.layout, "display") == "none"


def test_a_finished_job_is_drawn_final_at_once(comm_log: CommLog, camb: Camb) -> None:
    """A drawer made for a job that already succeeded shows the outcome and result without any callback."""
    job = translate(camb)
    settle(camb, job)
    drawer = JobProgress(job)
    assert comm_log.latest(drawer.bar, "bar_style") == "success"
    assert "pending" not in statuses(comm_log, drawer)
    assert len(drawer.result_box.children) == 1


def test_text_drawer_updates_one_line_and_ends_it(camb: Camb, camb_sandbox: Sandbox) -> None:
    """Without a widget frontend the job is one `\\r`-rewritten line, ended with a newline once final."""
    camb_sandbox.configure(processing_time={"translation": 0.3})
    stream = io.StringIO()
    job = translate(camb)
    drawer = TextProgress(job, stream=stream)
    settle(camb, job)
    written = stream.getvalue()
    assert written.startswith("\r") and written.endswith("\n")
    assert written.count("\n") == 1
    assert "done" in drawer.text and "|████████████████████|" in drawer.text


def test_text_drawer_appends_the_error_message(camb: Camb, camb_sandbox: Sandbox) -> None:
    """A failed job's final text line carries the reason in words and the one-line error."""
    camb_sandbox.fail_next("error=HARMFUL_CONTENT_DETECTED", route="POST translate")
    job = translate(camb)
    drawer = TextProgress(job, stream=io.StringIO())
    settle(camb, job)
    assert "failed: harmful content detected" in drawer.text
    assert drawer.text.endswith(str(job.error))


def test_frontend_is_text_outside_a_kernel() -> None:
    """pytest has no ipykernel shell, so the text drawer is chosen (as tqdm.autonotebook would)."""
    assert frontend() == "text"


def test_displaying_a_job_starts_a_live_drawer(camb: Camb, capsys: pytest.CaptureFixture[str]) -> None:
    """Importing the widgets registers the display hook: showing a Job draws it live (here as a text line)."""
    job = translate(camb)
    job._ipython_display_()
    settle(camb, job)
    err = capsys.readouterr().err
    assert err.startswith("\r" + job.family) and err.endswith("\n")
    assert "done" in err.splitlines()[-1]


def test_importing_the_widgets_loads_neither_ipywidgets_nor_pandas() -> None:
    """The display hook and text drawer work without ipywidgets: it is imported only when a widget is made."""
    code = "import sys, camb_notebook.widgets; print(sorted({'ipywidgets', 'pandas'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_a_batch_job_shown_as_a_cell_value_is_a_live_widget(
    comm_log: CommLog, camb: Camb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Via the display formatter `%load_ext` registers, a BatchJob is a live JobProgress ending in a table."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.io import capture_output

    from camb_notebook.widgets import _progress

    made: list[JobProgress] = []

    class Recorded(JobProgress):
        """A JobProgress that remembers being made."""

        def __init__(self, job: Job) -> None:
            """Build the drawer and record it."""
            super().__init__(job)
            made.append(self)

    monkeypatch.setattr(_progress, "frontend", lambda: "widgets")  # what a kernel with ipywidgets picks
    monkeypatch.setattr(_progress, "JobProgress", Recorded)
    shell = InteractiveShell.instance()  # the suite's shell (the magics tests' one, when they ran first)
    shell.extension_manager.load_extension("camb_notebook")
    try:
        batch = camb.translate(TEXTS, to=["fr-fr", "de-de"], cache=False)
        with capture_output() as captured:
            shell.display_formatter.format(batch)
    finally:
        shell.extension_manager.unload_extension("camb_notebook")
    [drawer] = made
    [shown] = [o.data["application/vnd.jupyter.widget-view+json"]["model_id"] for o in captured.outputs]
    assert drawer.job is batch and shown == drawer.widget.model_id
    camb.wait(batch, timeout=20)
    assert comm_log.latest(drawer.bar, "bar_style") == "success"
    assert "6/6" in statuses(comm_log, drawer)
    [table] = drawer.result_box.children
    assert isinstance(table, w.Output) and "3 rows" in str(table.outputs)
