"""JupyterLab + Debian chromium for the browser tests (Playwright never downloads a browser).

One JupyterLab server per session in its own process group (killed on teardown), with private config and
runtime dirs, pointed at a sandbox running in this process. Playwright drives /usr/bin/chromium; it never
downloads a browser.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from labserver import REPO, TOKEN, Lab
from playwright.sync_api import Browser, Page, sync_playwright

from camb_notebook.sandbox import Sandbox, SandboxConfig

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll /api/status until the server answers; fail fast (with its log) if it died."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"jupyter lab did not start in 60 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """Start the sandbox and JupyterLab (private config/runtime/home dirs); kill the server's group after."""
    base = tmp_path_factory.mktemp("lab")
    root, config, runtime, home = (base / name for name in ("root", "config", "runtime", "camb-home"))
    for folder in (root, config / "labconfig", runtime, home):
        folder.mkdir(parents=True)
    page_config = {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}
    (config / "labconfig" / "page_config.json").write_text(json.dumps(page_config))
    # every cell in the DOM (JupyterLab 4 detaches off-screen cells by default): tests read all outputs
    tracker = config / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    processing = {"translation": 2.0, "dubbing": 600.0}
    with Sandbox(SandboxConfig.fast(processing_time=processing)) as sandbox:
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(config),
            "JUPYTER_RUNTIME_DIR": str(runtime),
            "CAMB_NOTEBOOK_HOME": str(home),
            "CAMB_API_BASE": sandbox.base_url,
            "CAMB_API_KEY": sandbox.api_key,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        }
        env.pop("CAMB_SANDBOX", None)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log = base / "lab.log"
        command = [
            sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]  # fmt: skip
        if os.getuid() == 0:
            command.append("--allow-root")
        with log.open("wb") as out:
            proc = subprocess.Popen(command, env=env, stdout=out, stderr=out, start_new_session=True)
        try:
            _wait_ready(proc, url, log)
            yield Lab(url, root, sandbox)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian chromium through Playwright."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page, sized for a readable screenshot."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
    tab = context.new_page()
    yield tab
    context.close()
