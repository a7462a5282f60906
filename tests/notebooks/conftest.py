"""Fixtures executing the notebooks of `notebooks/` against the embedded sandbox, like `make demo`.

Each notebook runs in a fresh kernel in a temporary copy of `notebooks/` with `CAMB_SANDBOX=1` (what
`make demo` sets; the notebooks also say `%camb sandbox start`) and `CAMB_SANDBOX_FAST=1` (~50 ms tasks, so a
notebook takes seconds), its own journal home, and this checkout importable.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from notebook_outputs import cell_errors
from notebook_runner import NOTEBOOKS, REPO, NotebookRunner, run_notebook


@pytest.fixture
def notebook_env(tmp_path: Path) -> dict[str, str]:
    """The kernel environment: embedded fast sandbox, this test's journal home, this checkout importable."""
    env = dict(os.environ)
    env.update(CAMB_SANDBOX="1", CAMB_SANDBOX_FAST="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.pop("JPY_PARENT_PID", None)
    return env


@pytest.fixture
def execute(tmp_path: Path, notebook_env: dict[str, str]) -> Callable[..., NotebookRunner]:
    """Run `notebooks/<name>.ipynb` top to bottom in a copy of the folder; fails on any error output."""

    def execute(name: str, **options: Any) -> NotebookRunner:
        workdir = tmp_path / "notebooks"
        shutil.copytree(NOTEBOOKS, workdir, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        runner = run_notebook(workdir / f"{name}.ipynb", workdir, notebook_env, **options)
        problems = [*runner.stray_errors, *cell_errors(runner.nb)]
        assert not problems, f"{name}: error output:\n" + "\n".join(problems)
        print(f"{name}: executed in {runner.seconds:.1f} s")
        return runner

    return execute
