"""Run a notebook of `notebooks/` in a real kernel with nbclient, as CI does, keeping every widget update.

nbclient only reads iopub messages whose parent is the running cell, so the comm messages that job callbacks
send under an earlier cell's parent (a bar finishing, a result view appearing) never reach the stored widget
state. `NotebookRunner` also applies those, records error output from any
parent, drains iopub after the last cell, and can restart the kernel at a cell tagged `restart-kernel`.
Usage: `nb = run_notebook(path, workdir, env)`, then inspect `nb.cells` and `nb.metadata.widgets`.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async

__all__ = ["NAMES", "NOTEBOOKS", "REPO", "RESTART_TAG", "NotebookRunner", "run_notebook"]

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
NAMES = (
    "quickstart",
    "batch_translation",
    "speech",
    "resume_after_restart",
    "subtitles",
    "localization_files",
    "large_datasets",
)
RESTART_TAG = "restart-kernel"


class NotebookRunner(NotebookClient):  # type: ignore[misc]
    """An nbclient that sees what a browser sees: comm messages and errors under any cell's parent."""

    def __init__(
        self,
        nb: Any,
        before_restart: Callable[[], None] | None = None,
        after_restart: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        """Store widget state; collect stray error output; call `before_restart()` before restarting and
        `after_restart()` once the new kernel is ready (before the tagged cell runs)."""
        super().__init__(nb, store_widget_state=True, **kwargs)
        self.before_restart = before_restart
        self.after_restart = after_restart
        self.stray_errors: list[str] = []
        self.restarts = 0
        self.seconds = 0.0

    def _stray(self, msg: dict[str, Any], cell_index: int) -> None:
        """Handle an iopub message that is not from the running cell (the browser would still show it)."""
        kind, content = msg["msg_type"], msg["content"]
        if kind in ("comm_open", "comm_msg"):
            self.handle_comm_msg([], msg, cell_index)
        elif kind == "error":
            self.stray_errors.append(f"{content['ename']}: {content['evalue']}")
        elif kind == "stream" and content.get("name") == "stderr":
            self.stray_errors.append(content["text"])

    async def _async_poll_output_msg(self, parent_msg_id: str, cell: Any, cell_index: int) -> None:
        """nbclient's output loop, plus `_stray` for messages of other parents (pinned nbclient 0.10/0.11)."""
        assert self.kc is not None
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                self._stray(msg, cell_index)
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                return

    async def _drain(self, cell_index: int, quiet: float = 0.5, limit: float = 10.0) -> None:
        """Apply late iopub messages (callbacks after the last cell) until the kernel is quiet a while."""
        assert self.kc is not None
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=quiet))
            except queue.Empty:
                return
            self._stray(msg, cell_index)

    async def _restart(self, cell_index: int) -> None:
        """Restart the kernel as the Restart button does (graceful shutdown, same connection), then wait."""
        assert self.km is not None and self.kc is not None
        await self._drain(cell_index, limit=1.0)
        if self.before_restart is not None:
            self.before_restart()
        await ensure_async(self.km.restart_kernel(now=False))
        await ensure_async(self.kc.wait_for_ready(timeout=self.startup_timeout))
        self.restarts += 1
        if self.after_restart is not None:
            self.after_restart()

    async def async_run(self, **kwargs: Any) -> Any:
        """Execute every cell (restarting at a `restart-kernel` cell), drain, store the widget state."""
        self.reset_execution_trackers()
        async with self.async_setup_kernel(**kwargs):
            for index, cell in enumerate(self.nb.cells):
                if RESTART_TAG in cell.metadata.get("tags", []):
                    await self._restart(index)
                await self.async_execute_cell(cell, index, execution_count=self.code_cells_executed + 1)
            await self._drain(len(self.nb.cells) - 1)
            self.set_widgets_metadata()
        return self.nb

    run = run_sync(async_run)


def run_notebook(path: Path, workdir: Path, env: dict[str, str], **options: Any) -> NotebookRunner:
    """Execute the notebook at `path` with cwd `workdir` and kernel environment `env`; return the runner."""
    nb = nbformat.read(path, as_version=4)
    runner = NotebookRunner(
        nb,
        timeout=120,
        kernel_name="python3",
        record_timing=True,
        resources={"metadata": {"path": str(workdir)}},
        **options,
    )
    started = time.monotonic()
    runner.run(env=env)
    runner.seconds = time.monotonic() - started
    return runner
