"""A sandbox process shared by a user's kernels (`CAMB_SANDBOX=shared`, what `make demo` uses).

The in-process sandbox dies with its kernel, and with it every task a resumed job would poll. This one is a
detached `python -m camb_notebook.sandbox` process (its own session, so a kernel restart does not stop it),
recorded in `<CAMB_NOTEBOOK_HOME>/sandbox.json` (pid, URL, key; mode 0600): the next kernel finds it there,
checks that it answers, and uses it, so its tasks are still there for `resume()`. A file lock makes two
kernels starting at once share one process. Usage: `base_url, key = shared_sandbox()`.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from camb_notebook.api import UsageError
from camb_notebook.jobs import default_home

__all__ = ["shared_sandbox", "stop_shared_sandbox"]

_START_TIMEOUT = 30.0  # seconds a new sandbox process may take to print its URL


def shared_sandbox() -> tuple[str, str]:
    """(base URL, key) of this user's sandbox process, started if none answers."""
    home = default_home()
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    with (home / "sandbox.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one kernel starts it; the others wait and find it
        found = _running(home / "sandbox.json")
        if found is not None:
            return found
        return _start(home)


def stop_shared_sandbox() -> bool:
    """Stop this user's sandbox process (False if none was recorded or it was gone)."""
    state = default_home() / "sandbox.json"
    try:
        pid = int(json.loads(state.read_text())["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    state.unlink(missing_ok=True)
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        return False
    return True


def _running(state: Path) -> tuple[str, str] | None:
    """The recorded sandbox if its process still answers."""
    try:
        data = json.loads(state.read_text())
        base_url, key = str(data["base_url"]), str(data["key"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        probe = urllib.request.Request(f"{base_url}/__sandbox__/stats", headers={"x-api-key": key})
        with urllib.request.urlopen(probe, timeout=2.0) as answer:
            return (base_url, key) if answer.status == 200 else None
    except OSError:
        return None


def _start(home: Path) -> tuple[str, str]:
    """Start a detached sandbox process, wait for its URL, record it."""
    key = f"sandbox-{secrets.token_hex(8)}"
    log = home / "sandbox.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "camb_notebook.sandbox", "--port", "0", "--key", key],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # not in the kernel's process group: a kernel restart leaves it running
        )
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        for line in log.read_text().splitlines():
            if line.startswith("CAMB.AI sandbox listening at "):
                base_url = line.rsplit(" ", 1)[1]
                state = home / "sandbox.json"
                fd = os.open(state, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w") as handle:
                    json.dump({"pid": process.pid, "base_url": base_url, "key": key}, handle)
                return base_url, key
        time.sleep(0.05)
    raise UsageError(
        f"the shared sandbox did not start (see {log})", hint="pip install 'camb-notebook[sandbox]'"
    )
