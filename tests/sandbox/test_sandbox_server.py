"""The thread server: lifecycle, isolated instances, keep-alive counting, a 10,000-task burst, the CLI."""

from __future__ import annotations

import gc
import http.client
import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sandbox_helpers import TRANSLATE, create, finish

from camb_notebook.sandbox import Sandbox, SandboxConfig, pseudo_localize

BURST = 10_000
WORKERS = 8


def _open_fds() -> int:
    """Count this process's open file descriptors (after a collection, so garbage left by earlier tests
    cannot close a descriptor between two counts)."""
    gc.collect()
    return len(os.listdir("/proc/self/fd"))


def _burst_worker(sandbox: Sandbox, start: int) -> list[str]:
    """Create BURST/WORKERS translation tasks on one keep-alive connection, then poll each once.

    Uses the stdlib client: at ~0.5 ms per request it keeps the burst's client CPU below the server's.
    """
    url = httpx.URL(sandbox.base_url)
    connection = http.client.HTTPConnection(url.host, url.port)
    headers = {"x-api-key": sandbox.api_key, "content-type": "application/json"}

    def call(method: str, path: str, body: object = None) -> dict[str, Any]:
        connection.request(method, f"{url.path}/{path}", json.dumps(body) if body else None, headers)
        response = connection.getresponse()
        assert response.status == 200
        payload: dict[str, Any] = json.loads(response.read())
        return payload

    count = BURST // WORKERS
    rows = range(start, start + count)
    body = {"source_language": 1, "target_language": "it-it"}
    ids = [call("POST", "translate", {**body, "texts": [f"row {i}"]})["task_id"] for i in rows]
    statuses = [call("GET", f"translate/{task_id}") for task_id in ids]
    last = call("GET", f"translation-result/{statuses[-1]['run_id']}")
    assert last["texts"] == [pseudo_localize(f"row {rows[-1]}", "it-it")]
    connection.close()
    return [status["status"] for status in statuses]


def test_burst_of_10000_tasks_counts_and_cleans_up() -> None:
    """10,000 creates and polls on 8 keep-alive clients give exact counters and leak no threads or sockets."""
    threads, fds = threading.active_count(), _open_fds()
    with Sandbox(
        SandboxConfig.fast(max_pending_per_key=None, processing_time={"translation": 0.0})
    ) as sandbox:
        with ThreadPoolExecutor(WORKERS) as pool:
            statuses = [
                s
                for chunk in pool.map(_burst_worker, [sandbox] * WORKERS, range(0, BURST, BURST // WORKERS))
                for s in chunk
            ]
        stats = sandbox.stats
    assert statuses.count("SUCCESS") == BURST
    assert stats.tasks_created == {"translation": BURST}
    assert stats.requests["POST translate"] == BURST
    assert stats.requests["GET translate/{id}"] == BURST
    assert stats.requests["GET translation-result/{id}"] == WORKERS
    assert stats.connections_opened == WORKERS
    assert threading.active_count() == threads
    assert _open_fds() == fds


def test_instances_are_independent_and_stop_cleanly() -> None:
    """Two sandboxes run side by side on their own ports with their own counters, and stop without leaks."""
    threads, fds = threading.active_count(), _open_fds()
    first, second = Sandbox(SandboxConfig.fast()).start(), Sandbox(SandboxConfig.fast(api_keys=("k2",)))
    with second:
        assert first.base_url != second.base_url
        assert httpx.get(second.base_url + "/list-voices", headers={"x-api-key": "k2"}).status_code == 200
        assert httpx.get(first.base_url + "/list-voices", headers={"x-api-key": "k2"}).status_code == 401
        assert first.stats.requests == second.stats.requests == {"GET list-voices": 1}
    first.stop()
    first.stop()
    assert not first.running
    assert threading.active_count() == threads
    assert _open_fds() == fds


def test_keep_alive_polls_share_one_connection(camb_sandbox: Sandbox) -> None:
    """Fifty polls on one httpx client open a single TCP connection, as the counter shows."""
    with httpx.Client(
        base_url=camb_sandbox.base_url + "/", headers={"x-api-key": camb_sandbox.api_key}
    ) as client:
        task_id = client.post(
            "translate", json={"texts": ["x"], "source_language": 1, "target_language": 54}
        ).json()["task_id"]
        for _ in range(50):
            client.get(f"translate/{task_id}")
    assert camb_sandbox.stats.connections_opened == 1
    assert camb_sandbox.stats.requests["GET translate/{id}"] == 50


def test_reset_restores_the_initial_config(camb_sandbox: Sandbox) -> None:
    """reset() undoes runtime config changes and scripted faults, keeping the same config object."""
    config = camb_sandbox.config
    camb_sandbox.configure(max_pending_per_key=1, credits={"sandbox": 0})
    camb_sandbox.fail_next("503x4")
    camb_sandbox.reset()
    assert camb_sandbox.config is config
    assert (config.max_pending_per_key, config.credits, config.faults) == (64, {}, [])


def test_repr_never_shows_the_key() -> None:
    """The repr shows the URL and state but not the accepted key."""
    sandbox = Sandbox(SandboxConfig(api_keys=("SECRET-CANARY",)))
    assert "SECRET-CANARY" not in repr(sandbox)
    assert "not started" in repr(sandbox)


def test_cli_prints_url_and_keys() -> None:
    """`python -m camb_notebook.sandbox --port 0 --key K1` prints its base URL and key, then serves."""
    process = subprocess.Popen(
        [sys.executable, "-m", "camb_notebook.sandbox", "--port", "0", "--key", "K1", "--fast"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url_line, key_line = process.stdout.readline(), process.stdout.readline()
        base_url = url_line.rsplit(" ", 1)[1].strip()
        assert key_line.strip() == "accepted API key(s): K1"
        assert httpx.get(base_url + "/list-voices", headers={"x-api-key": "K1"}).status_code == 200
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def test_finish_pending_releases_held_tasks_but_not_endless_ones(
    camb_sandbox: Sandbox, api: httpx.Client
) -> None:
    """A test can hold tasks (long processing time) and finish them at once; pending_forever stays pending."""
    camb_sandbox.configure(processing_time={"translation": 3600.0})
    held = create(api, "translate", json=TRANSLATE)
    endless = create(api, "translate", json=TRANSLATE, headers={"x-sandbox-fault": "pending_forever"})
    assert api.get(f"translate/{held}").json()["status"] == "PENDING"
    assert camb_sandbox.finish_pending() == 1
    finish(api, f"translate/{held}")
    assert api.get(f"translate/{endless}").json()["status"] == "PENDING"
