"""Suite-wide isolation (own journal/cache home, no ambient key or endpoint) and the `slow` tier.

Bounded waits and sandbox task holds live in suite_helpers.py (`from suite_helpers import wait_until`).
Tests marked `kernel` or `browser` (real kernels, JupyterLab) are marked `slow` too; `make test-fast` runs
`-m "not slow and not browser"`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the journal and cache at a temp dir and clear CAMB_* variables so tests never share state."""
    home = tmp_path / "camb-home"
    home.mkdir()
    monkeypatch.setenv("CAMB_NOTEBOOK_HOME", str(home))
    for name in ("CAMB_API_KEY", "CAMB_API_BASE", "CAMB_SANDBOX"):
        monkeypatch.delenv(name, raising=False)
    yield


# Tests over ~2 s that are neither `kernel` nor `browser` tests (measured with --durations on a 2-core
# machine), by node id prefix: listed here so files owned elsewhere need no edits. Add new ones here.
SLOW = (
    "tests/test_extension.py::test_load_ext_defers_pandas_and_df_camb_works_in_the_importing_cell",
    "tests/sandbox/test_sandbox_server.py::test_burst_of_10000_tasks_counts_and_cleans_up",
    "tests/jobs/test_adaptive_limit.py::test_a_429_shrinks_the_window_for_every_waiting_create_behind_one_gate",
    "tests/jobs/test_adaptive_limit.py::test_the_found_limit_is_remembered_per_key_and_base_url",
    "tests/jobs/test_shutdown.py::test_exit_with_running_jobs_is_prompt_clean_and_resumable",
    "tests/reliability/test_canary.py::test_canary_appears_nowhere",
    "tests/reliability/test_chaos.py",
    "tests/datasets/test_resume_after_kill.py",
    "tests/datasets/test_dask_global_limit.py",
    "tests/reliability/test_bad_inputs.py::test_bad_input_fails_the_cell_with_one_line_and_keeps_done_work[server-down]",
)
KERNEL_DIR = Path(__file__).parent / "kernel"  # tests/kernel/conftest.py marks these `kernel` (later hook)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects anything
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `slow`: real-kernel and browser tests, and the SLOW list (the fast tier deselects them)."""
    for item in items:
        kernel = item.get_closest_marker("kernel") or KERNEL_DIR in Path(str(item.fspath)).parents
        if kernel or item.get_closest_marker("browser") or item.nodeid.startswith(SLOW):
            item.add_marker(pytest.mark.slow)
