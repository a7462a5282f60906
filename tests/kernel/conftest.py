"""Real-kernel helpers: start ipykernels wired to the in-process sandbox and run cells with jupyter_client.

`kernel` gives one started `KernelSession` (env: sandbox base URL and key, the test's CAMB_NOTEBOOK_HOME, this
checkout on PYTHONPATH); `start_kernel()` starts more (e.g. a second kernel after killing the first).
`KernelSession.run(code)` executes a cell and returns its `CellResult` (stdout, errors, outputs); it keeps
*every* iopub message in `.iopub`, including comm messages that background tasks send under an older cell's
parent header (nbclient drops those from stored widget state).
Each kernel start costs ~2 s, so keep kernel tests few and put several checks in one kernel.
"""

from __future__ import annotations

import os
import queue
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


@dataclass
class CellResult:
    """What one executed cell produced."""

    status: str
    stdout: str = ""
    stderr: str = ""
    outputs: list[dict[str, Any]] = field(default_factory=list)
    ename: str | None = None
    evalue: str | None = None
    traceback: list[str] = field(default_factory=list)

    def data(self, mime: str = "text/plain") -> list[Any]:
        """The `mime` payloads of display_data / execute_result outputs, in order."""
        return [o["data"][mime] for o in self.outputs if mime in o.get("data", {})]


class KernelSession:
    """A started ipykernel with a blocking client; run cells, interrupt, kill."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        """Start the kernel (native python3 spec, so it runs this venv's interpreter) and wait until ready."""
        from jupyter_client.manager import start_new_kernel

        self.km, self.kc = start_new_kernel(startup_timeout=60, env=env, cwd=str(cwd))
        self.iopub: list[dict[str, Any]] = []

    def run(self, code: str, *, timeout: float = 60.0, allow_error: bool = False) -> CellResult:
        """Execute `code` as a cell and wait for it; fails the test on an error unless `allow_error`."""
        msg_id = self.kc.execute(code)
        result = self.collect(msg_id, timeout=timeout)
        if result.status != "ok" and not allow_error:
            tb = "\n".join(result.traceback)
            pytest.fail(f"cell failed: {result.ename}: {result.evalue}\n{tb}\n--- code ---\n{code}")
        return result

    def submit(self, code: str) -> str:
        """Start executing `code` without waiting; returns the msg_id for `collect`."""
        return str(self.kc.execute(code))

    def collect(self, msg_id: str, *, timeout: float = 60.0) -> CellResult:
        """Gather the iopub output of cell `msg_id` until it is idle, then its execute_reply."""
        result = CellResult(status="ok")
        deadline = time.monotonic() + timeout
        while True:
            msg = self._next_iopub(deadline, msg_id)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content["execution_state"] == "idle":
                break
            if kind == "stream":
                if content["name"] == "stdout":
                    result.stdout += content["text"]
                else:
                    result.stderr += content["text"]
            elif kind in ("display_data", "execute_result", "update_display_data"):
                result.outputs.append(content)
            elif kind == "error":
                result.ename, result.evalue = content["ename"], content["evalue"]
                result.traceback = content["traceback"]
        reply = self._reply(msg_id, deadline)
        result.status = reply["content"]["status"]
        if result.status == "error" and result.ename is None:
            result.ename, result.evalue = reply["content"]["ename"], reply["content"]["evalue"]
        return result

    def _next_iopub(self, deadline: float, msg_id: str) -> dict[str, Any]:
        """The next iopub message (all of them are kept in `.iopub`)."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"cell {msg_id} did not finish in time")
        try:
            msg: dict[str, Any] = self.kc.get_iopub_msg(timeout=min(remaining, 1.0))
        except queue.Empty:
            return {"parent_header": {}, "msg_type": "none", "content": {}}
        self.iopub.append(msg)
        return msg

    def _reply(self, msg_id: str, deadline: float) -> dict[str, Any]:
        """The execute_reply for `msg_id` (skipping replies to other requests)."""
        while True:
            try:
                reply: dict[str, Any] = self.kc.get_shell_msg(timeout=max(deadline - time.monotonic(), 0.1))
            except queue.Empty:
                pytest.fail(f"no execute_reply for cell {msg_id} in time")
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def comm_messages(
        self, predicate: Callable[[dict[str, Any]], bool] = lambda m: True
    ) -> list[dict[str, Any]]:
        """Every comm_open / comm_msg seen so far (under any cell's parent) matching `predicate`."""
        return [m for m in self.iopub if m["msg_type"] in ("comm_open", "comm_msg") and predicate(m)]

    def interrupt(self) -> None:
        """Send a kernel interrupt (SIGINT), as the notebook's stop button does."""
        self.km.interrupt_kernel()

    def kill(self) -> None:
        """Kill the kernel process at once (no atexit, no cleanup), as a crash would."""
        self.kc.stop_channels()
        self.km.signal_kernel(signal.SIGKILL)
        deadline = time.monotonic() + 10
        while self.km.is_alive():
            assert time.monotonic() < deadline, "the kernel survived SIGKILL"
            time.sleep(0.05)
        self.km.cleanup_resources()

    def shutdown(self) -> None:
        """Stop the kernel if it still runs."""
        self.kc.stop_channels()
        if self.km.is_alive():
            self.km.shutdown_kernel(now=True)


@pytest.fixture
def kernel_env(camb_sandbox: Any) -> dict[str, str]:
    """Kernel environment: sandbox endpoint and key, this test's journal home, this checkout importable."""
    env = dict(os.environ)
    env["CAMB_API_BASE"] = camb_sandbox.base_url
    env["CAMB_API_KEY"] = camb_sandbox.api_key
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.pop("JPY_PARENT_PID", None)
    return env


@pytest.fixture
def start_kernel(kernel_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[[], KernelSession]]:
    """Factory starting kernels against the sandbox (cwd = the test's tmp dir); all are stopped afterwards."""
    started: list[KernelSession] = []

    def start() -> KernelSession:
        session = KernelSession(kernel_env, tmp_path)
        started.append(session)
        return session

    yield start
    for session in started:
        session.shutdown()


@pytest.fixture
def kernel(start_kernel: Callable[[], KernelSession]) -> KernelSession:
    """One started kernel wired to the sandbox."""
    return start_kernel()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in tests/kernel with the `kernel` marker (deselect them with `-m "not kernel"`)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.kernel)
