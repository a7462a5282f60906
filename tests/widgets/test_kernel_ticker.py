"""In a real ipykernel: a job's bar keeps updating (iopub comm messages) while another cell sleeps."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from camb_notebook.sandbox import Sandbox

pytestmark = pytest.mark.kernel

REPO = Path(__file__).resolve().parents[2]
SETUP = """\
import camb_notebook, camb_notebook.widgets as cw
camb = camb_notebook.session()
camb.translate(["one two"], to="fr-fr").result()  # history, so the single task gets an ETA-based bar
job = camb.translate(["three four"], to="de-de", cache=False)
drawer = cw.JobProgress(job)
print(drawer.bar.model_id)"""
TEXT = """\
other = camb.translate(["five six"], to="it-it", cache=False)
line = cw.TextProgress(other, in_output=True)
other.result()"""

# A synchronous cell that sleeps (the main thread never yields to the kernel's loop) until the ticker has
# turned the bar green from its own thread: bounded, but never shorter than a loaded machine needs.
SLEEP_UNTIL_GREEN = """\
import time
deadline = time.monotonic() + 60
while drawer.bar.bar_style != "success" and time.monotonic() < deadline:
    time.sleep(0.1)
time.sleep(0.3)"""


@pytest.fixture
def client(camb_sandbox_env: Sandbox, tmp_path: Path) -> Iterator[Any]:
    """A started kernel (this checkout importable, the sandbox in its env) and its blocking client."""
    from jupyter_client.manager import start_new_kernel

    camb_sandbox_env.configure(processing_time={"translation": 2.5})  # several ticks even when loaded
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    manager, kernel_client = start_new_kernel(startup_timeout=60, env=env, cwd=str(tmp_path))
    yield kernel_client
    kernel_client.stop_channels()
    manager.shutdown_kernel(now=True)


def execute(client: Any, code: str) -> list[dict[str, Any]]:
    """Run a cell; return every iopub message from its busy to its idle status (whatever their parent)."""
    msg_id = client.execute(code)
    seen: list[dict[str, Any]] = []
    started = False
    deadline = time.monotonic() + 120
    while True:
        assert time.monotonic() < deadline, f"cell did not go idle within 120 s:\n{code}"
        msg = client.get_iopub_msg(timeout=60)
        mine = msg["parent_header"].get("msg_id") == msg_id
        state = msg["content"].get("execution_state") if msg["msg_type"] == "status" else None
        started = started or (mine and state == "busy")
        if started:
            seen.append(msg)
        if mine and state == "idle":
            return seen


def test_bar_moves_while_a_sync_cell_sleeps_and_text_line_updates(client: Any) -> None:
    """The ticker sends bar updates during `time.sleep` (forwards, green before the cell ends); the text
    drawer keeps one output that later updates replace."""
    setup = execute(client, SETUP)
    bar_id = next(m["content"]["text"].strip() for m in setup if m["msg_type"] == "stream")
    during = execute(client, SLEEP_UNTIL_GREEN)
    updates = [
        m["content"]["data"]["state"]
        for m in during
        if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == bar_id
    ]
    values = [u["value"] for u in updates if "value" in u]
    assert len(values) >= 3 and values == sorted(values), json.dumps(updates)
    assert values[-1] == 1.0 and {"bar_style": "success"} in updates

    text = execute(client, TEXT)
    (shown,) = [m for m in text if m["msg_type"] == "display_data"]
    display_id = shown["content"]["transient"]["display_id"]
    lines = [
        m["content"]["data"]["text/plain"]
        for m in text
        if m["msg_type"] == "update_display_data" and m["content"]["transient"]["display_id"] == display_id
    ]
    assert "done" not in shown["content"]["data"]["text/plain"]
    assert len(lines) >= 2 and "done" in lines[-1] and lines[-1].startswith("translation")
