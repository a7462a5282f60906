"""A real kernel killed (SIGKILL) in the middle of a 200-row batch TTS; a new kernel resumes and re-runs it.

Acceptance: 200 WAV files the stdlib `wave` module opens with duration > 0, and no task created twice
(the sandbox counts every create across both kernels).
"""

from __future__ import annotations

import json
import sqlite3
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from suite_helpers import hold_tasks, release_tasks, wait_until

from camb_notebook.jobs import default_home
from camb_notebook.sandbox import Sandbox

pytestmark = pytest.mark.kernel

ROWS = 200
SETUP = f"""
import json, pandas as pd
from camb_notebook import session
from camb_notebook.jobs import PollPolicy
camb = session()
camb.manager.policy = PollPolicy(first=0.05, cap=0.2, jitter=0.0)
df = pd.DataFrame({{"text": [f"Sentence number {{i}}." for i in range({ROWS})]}},
                  index=[f"line-{{i:03d}}" for i in range({ROWS})])
"""
CONCURRENCY = 20
RUN = f"batch = df.camb.tts('text', voice=20298, lang='en-us', out_dir='audio', concurrency={CONCURRENCY})"


def _states() -> list[tuple[str, str | None]]:
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


def _quiet() -> bool:
    """Every slot holds a held (pending) task and nothing else is under way: no create can start now."""
    rows = _states()
    pending = sum(s == "pending" for s, _ in rows)
    return pending == CONCURRENCY and all(s in ("pending", "succeeded") for s, _ in rows)


def test_kill_mid_batch_tts_then_resume_creates_nothing_twice_and_writes_every_file(
    start_kernel: Callable[[], Any], camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    """SIGKILL mid-batch; resume() in a new kernel and the re-run cell: 200 files, 200 creates in total."""
    audio = tmp_path / "audio"
    camb_sandbox.config.processing_time["tts"] = 0.2
    first = start_kernel()
    first.run(SETUP + RUN)
    wait_until(lambda: len(list(audio.glob("*.wav"))) >= 40, timeout=60, what="40 files written")
    hold_tasks(camb_sandbox, "tts")  # tasks created from now on stay PENDING: the batch stops midway
    wait_until(_quiet, timeout=60, what="every slot holding a pending task")
    first.kill()
    created = camb_sandbox.stats.tasks_created["tts"]
    written = len(list(audio.glob("*.wav")))
    assert created < ROWS and written < ROWS

    release_tasks(camb_sandbox)  # the dead kernel's pending tasks finish on the server meanwhile
    second = start_kernel()
    out = second.run(
        SETUP + "resumed = camb.resume()\n" + RUN + "\nframe = batch.result(timeout=120)\n"
        "print(json.dumps([len(resumed), frame['camb_status'].value_counts().to_dict(),"
        " frame['audio_path'].tolist()]))",
        timeout=150,
    )
    resumed, statuses, paths = json.loads(out.stdout.strip().splitlines()[-1])
    assert resumed == CONCURRENCY and statuses == {"ok": ROWS}
    # Every text was created exactly once across both kernels: nothing the dead kernel created was re-created.
    assert camb_sandbox.stats.tasks_created["tts"] == ROWS
    assert paths == [f"audio/line-{i:03d}.wav" for i in range(ROWS)]
    for path in paths:
        with wave.open(str(tmp_path / path)) as reader:
            assert reader.getnframes() / reader.getframerate() > 0
    assert len(list(audio.glob("*.wav"))) == ROWS
    print(f"\nkernel kill: {created} created and {written} written before the kill, {resumed} resumed")
