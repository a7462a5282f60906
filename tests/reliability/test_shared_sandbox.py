"""Item 10 of issue 15: the demo's sandbox outlives a kernel restart, and a 404 on a resumed task says why.

`CAMB_SANDBOX=shared` (what `make demo` sets) runs one sandbox process per user, found again by the next
kernel through `sandbox.json` beside the journal; a job pending when its kernel is killed is resumed and
finishes in the next kernel. A task the server does not know (a sandbox that restarted) fails its resume in
one line that says so, naming the task once, instead of "Check your network".
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from batch_victim import journal_rows
from reliability_helpers import wait_until

from camb_notebook.api import PollFailedError
from camb_notebook.jobs import JobManager, default_home
from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions._shared_sandbox import stop_shared_sandbox

HERE = Path(__file__).parent
FIRST = """
import json, urllib.request
from camb_notebook import session
camb = session()
patch = json.dumps({"processing_time": {"translation": 4.0}}).encode()
urllib.request.urlopen(urllib.request.Request(
    camb.base_url + "/__sandbox__/config", data=patch,
    headers={"content-type": "application/json", "x-api-key": camb.api.api_key.reveal()}))
job = camb.translate("Hello world", to="fr-fr")
"""
SECOND = """
import json
from camb_notebook import session
camb = session()
jobs = camb.resume()
print(json.dumps([camb.base_url, [j.result(timeout=30).texts[0] for j in jobs]]))
"""


@pytest.mark.kernel
def test_the_demo_sandbox_outlives_a_kernel_restart(
    start_kernel: Callable[[], Any], kernel_env: dict[str, str]
) -> None:
    """Kill the kernel while its job is pending: the next kernel finds the same sandbox and resumes it."""
    kernel_env["CAMB_SANDBOX"] = "shared"
    for name in ("CAMB_API_BASE", "CAMB_API_KEY"):
        kernel_env.pop(name, None)
    try:
        first = start_kernel()
        first.run(FIRST)
        wait_until(lambda: any(t is not None for _, t in journal_rows()), timeout=30, what="task created")
        url = json.loads((default_home() / "sandbox.json").read_text())["base_url"]
        first.kill()
        out = start_kernel().run(SECOND, timeout=60)
        base_url, texts = json.loads(out.stdout.strip().splitlines()[-1])
        assert base_url == url and texts == [pseudo_localize("Hello world", "fr-fr")]
    finally:
        stop_shared_sandbox()


def test_a_404_on_a_resumed_task_says_what_it_means(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """The server forgot the task (a restarted sandbox): one line, the task named once, no network hint."""
    camb_sandbox.config.processing_time["translation"] = 5.0
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "journal_victim.py"),
            "mid-poll",
            camb_sandbox.base_url,
            camb_sandbox.api_key,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    camb_sandbox.reset()  # the sandbox restarted: it knows no task any more
    [job] = make_manager(home=default_home()).resume()
    with pytest.raises(PollFailedError) as raised:
        job.result(timeout=30)
    text = str(raised.value)
    assert "does not know this task (404)" in text and "Check your network" not in text
    assert text.count(str(job.task_id)) == 1
