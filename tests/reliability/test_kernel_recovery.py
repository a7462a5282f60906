"""Real kernels: a batch survives its kernel being killed, and bad input fails a cell in one line.

Extends `tests/kernel/test_engine.py::test_kill_mid_batch_then_resume_recovers_every_result` (20 single jobs)
to a real `translate_frame` batch: kill the kernel mid-batch, resume in a new kernel, re-run the cell; every
chunk the dead kernel created is recovered, none is created twice, and the frame comes back complete.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from reliability_helpers import wait_until

from camb_notebook.jobs import default_home
from camb_notebook.sandbox import Sandbox, pseudo_localize

pytestmark = pytest.mark.kernel

ROWS, CHUNK = 2_000, 100
BATCH = f"""
import json, pandas as pd
from camb_notebook import session
from camb_notebook.frames import translate_frame
camb = session()
frame = pd.DataFrame({{"text": [f"kernel row {{i}}" for i in range({ROWS})]}})
"""
RUN = f"batch = translate_frame(frame, 'text', 'de-de', chunk_size={CHUNK}, concurrency=5)"


def _rows() -> list[tuple[str, str | None]]:
    """(state, task_id) of every journal row the kernels wrote."""
    path = default_home() / "journal.sqlite3"
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT state, task_id FROM jobs").fetchall()
    except sqlite3.OperationalError:  # the schema is not there yet
        return []
    finally:
        db.close()


def _created_and_settled() -> bool:
    """Five chunks hold a task_id and no create is in flight (so the kill cannot split a create)."""
    rows = _rows()
    return sum(t is not None for _, t in rows) >= 5 and not any(s == "creating" for s, _ in rows)


def test_kernel_killed_mid_batch_resume_recovers_all_with_no_resubmit(
    start_kernel: Callable[[], Any], camb_sandbox: Sandbox
) -> None:
    """Kill mid-batch; a new kernel's resume() recovers every created chunk; the re-run creates the rest."""
    camb_sandbox.config.processing_time["translation"] = 3.0
    first = start_kernel()
    first.run(BATCH + RUN)
    wait_until(_created_and_settled, timeout=30, what="five chunks created")
    first.kill()
    created = camb_sandbox.stats.tasks_created["translation"]
    in_flight = [t for s, t in _rows() if t is not None and s != "succeeded"]
    assert created == len({t for _, t in _rows() if t is not None}) and in_flight

    camb_sandbox.config.processing_time["translation"] = 0.05
    second = start_kernel()
    out = second.run(
        BATCH + "resumed = camb.resume()\ncamb.wait(resumed, timeout=60)\n"
        "print(json.dumps([[j.task_id, j.state] for j in resumed]))",
        timeout=90,
    )
    resumed = dict(json.loads(out.stdout.strip().splitlines()[-1]))
    assert {t: resumed[t] for t in in_flight} == dict.fromkeys(in_flight, "succeeded")  # 100 % recovered
    assert camb_sandbox.stats.tasks_created["translation"] == created  # resume created nothing

    rerun = second.run(
        RUN + "\nout = batch.result(timeout=60)\n"
        "ok = bool(out['camb_status'].eq('ok').all())\n"
        "print(json.dumps([ok, out['text_de-de'].tolist()[:3], batch.done_count]))",
        timeout=90,
    )
    all_ok, head, done = json.loads(rerun.stdout.strip().splitlines()[-1])
    assert all_ok and done == ROWS
    assert head == [pseudo_localize(f"kernel row {i}", "de-de") for i in range(3)]
    # Every chunk was created exactly once across both kernels: 0 resubmits.
    assert camb_sandbox.stats.tasks_created["translation"] == ROWS // CHUNK
    print(f"\nkernel kill: {len(in_flight)} chunks in flight recovered of {created} created, 0 resubmits")


def test_bad_input_in_a_real_kernel_fails_the_cell_in_one_line(
    start_kernel: Callable[[], Any], camb_sandbox: Sandbox
) -> None:
    """Representative catalog cases in a real kernel: error reply, a one-line traceback, `done` kept."""
    kernel = start_kernel()
    kernel.run('%load_ext camb_notebook\n%config CambMagics.progress = "text"')
    kernel.run('%camb translate "Hello world" --to fr-fr -o done --wait')
    cases = [
        ("%camb translate hi --to klingon", "LanguageError", "klingon"),
        ("%camb transcribe /nonexistent/talk.wav --lang en-us", "UsageError", "file not found"),
        (
            "import camb_notebook; camb_notebook.session().set_key('wrong-key-0123456789')\n"
            "%camb translate hi --to fr-fr --wait",
            "AuthenticationError",
            "rejected the API key",
        ),
    ]
    for cell, ename, words in cases:
        result = kernel.run(cell, allow_error=True)
        assert (result.status, result.ename) == ("error", ename)
        assert len(result.traceback) == 1 and result.traceback[0].startswith(f"{ename}: ")
        assert words in result.traceback[0] and "Traceback" not in result.stdout + result.stderr
    kept = kernel.run("print(done)")
    assert kept.stdout.strip() == pseudo_localize("Hello world", "fr-fr")


def test_interrupt_mid_batch_then_cancel_reports_task_ids_and_closes_cleanly(
    start_kernel: Callable[[], Any], camb_sandbox: Sandbox
) -> None:
    """Fault case 7.23 in a kernel: an interrupt stops only the wait; cancel() names server tasks."""
    camb_sandbox.config.processing_time["translation"] = 30.0
    kernel = start_kernel()
    kernel.run(
        "import json, warnings\nfrom camb_notebook import session\ncamb = session()\n"
        "texts = [f'slow {i}' for i in range(40)]\n"
        "batch = camb.translate(texts, to=['fr-fr'], chunk_size=10, concurrency=2)"
    )
    msg_id = kernel.submit("batch.result()")
    wait_until(lambda: sum(s == "pending" for s, _ in _rows()) == 2, timeout=20, what="two chunks pending")
    kernel.interrupt()
    stopped = kernel.collect(msg_id, timeout=30)
    assert stopped.ename == "KeyboardInterrupt" and "keeps running in the background" in str(stopped.evalue)
    out = kernel.run(
        "print(batch.state)\nprint(batch.cancel('test'))\nbatch.result(timeout=10)\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    camb.close()\n"
        "    import gc; gc.collect()\n"
        "print(json.dumps([[j.task_id, str(j.error)] for j in batch.jobs]))\n"
        "print(json.dumps([str(w.message) for w in caught]))"
    )
    state, cancelled, chunks, caught = out.stdout.strip().splitlines()[-4:]
    assert (state, cancelled) == ("pending", "True")
    submitted = [(task_id, error) for task_id, error in json.loads(chunks) if task_id]
    assert len(submitted) == camb_sandbox.stats.tasks_created["translation"] == 2
    assert all(task_id in error and "keeps running" in error for task_id, error in submitted)
    assert json.loads(caught) == []
    requests = camb_sandbox.stats.requests
    kernel.run("import time; time.sleep(0.3)")
    assert camb_sandbox.stats.requests == requests  # nothing polls after close()
