"""Secret canary in notebook runs: the shipped notebooks executed with a canary key and DEBUG logging.

Each notebook of `notebooks/` that uses the embedded sandbox runs in a real kernel whose sandbox accepts only
the canary key (so every request carries it), with root DEBUG logging to a file and `%xmode Verbose` (locals
in tracebacks). A last cell adds failures on purpose: a rejected key, a failed job, and a plain Python error
whose verbose traceback lists the session in its locals. The canary must appear in none of: the saved .ipynb
(every output), the log file, the journal and cache files, or anything else written under the run's folders.
`resume_after_restart` is left out: it starts its own sandbox subprocess with the fixed key `sandbox`.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_core.utils import ensure_event_loop
from reliability_helpers import CANARY, REPO, load_module

pytestmark = pytest.mark.kernel

# The runner of tests/notebooks: nbclient that also keeps output sent under other cells' parents.
notebook_runner = load_module(
    "reliability_notebook_runner", REPO / "tests" / "notebooks" / "notebook_runner.py"
)

# The canary reaches the kernel through its environment, so no cell source (saved in the .ipynb) holds it.
PREAMBLE = """
import logging, os
import camb_notebook.sandbox as _sandbox

logging.basicConfig(filename="debug.log", level=logging.DEBUG, force=True)


class _CanarySandbox(_sandbox.Sandbox):
    def __init__(self, config=None, **kwargs):
        config = config or _sandbox.SandboxConfig()
        config.api_keys = (os.environ["RELIABILITY_CANARY"],)
        super().__init__(config, **kwargs)


_sandbox.Sandbox = _CanarySandbox
%xmode Verbose
"""
FAILURES = """
import camb_notebook
camb = camb_notebook.session()
print(repr(camb), camb.key_status())
camb_notebook.sessions._process._sandbox.fail_next("error=PROCESSING_ERROR", route="POST translate")
failed = camb.translate("this one fails", to="fr-fr")
camb.wait(failed)
other = camb_notebook.Camb(api_key=os.environ["RELIABILITY_CANARY"] + "-wrong", base_url=camb.base_url)
rejected = other.translate("rejected", to="fr-fr")
other.wait(rejected)
print(repr(failed.error), repr(rejected.error))
secret_holder = camb
1 / 0
"""


def _notebook(name: str, workdir: Path) -> Path:
    """A copy of `notebooks/<name>.ipynb` with the canary preamble first and the failure cell last."""
    nb = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PREAMBLE))
    nb.cells.append(nbformat.v4.new_code_cell(FAILURES))
    path = workdir / f"canary_{name}.ipynb"
    nbformat.write(nb, path)
    return path


NAMES = ("quickstart", "batch_translation", "speech")


def _run(name: str, workdir: Path, env: dict[str, str]) -> Any:
    """Execute the canary copy of one notebook and save it as `canary_<name>.out.ipynb`."""
    try:
        runner = notebook_runner.run_notebook(_notebook(name, workdir), workdir, env, allow_errors=True)
    finally:
        ensure_event_loop().close()  # nbclient's loop for this worker thread
    nbformat.write(runner.nb, workdir / f"canary_{name}.out.ipynb")
    return runner


def test_notebook_runs_never_show_the_key(tmp_path: Path) -> None:
    """The notebooks run (in parallel kernels) on a canary-keyed sandbox; no output, file or log has it."""
    workdir = tmp_path / "notebooks"
    shutil.copytree(
        REPO / "notebooks", workdir, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.out.*")
    )
    env = dict(os.environ, CAMB_SANDBOX="1", CAMB_SANDBOX_FAST="1", RELIABILITY_CANARY=CANARY)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.pop("JPY_PARENT_PID", None)
    with ThreadPoolExecutor(len(NAMES)) as pool:
        runners = list(pool.map(lambda name: _run(name, workdir, env), NAMES))
    for name, runner in zip(NAMES, runners, strict=True):
        cells = runner.nb.cells
        errors = [o for c in cells[:-1] for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert errors == [], f"{name} itself failed"
        text = "".join(o.get("text", "") for o in cells[-1].outputs if o.get("output_type") == "stream")
        assert "(…" + CANARY[-4:] + ")" in text  # the session really used the canary (shown masked)
        assert "JobFailed" in text and "AuthenticationError" in text
        [error] = [o for o in cells[-1].outputs if o.get("output_type") == "error"]
        assert error["ename"] == "ZeroDivisionError" and "secret_holder" in "".join(error["traceback"])
        assert CANARY not in "".join(runner.stray_errors)
    assert "httpcore" in (workdir / "debug.log").read_text(encoding="utf-8")  # DEBUG logging really ran
    home = Path(os.environ["CAMB_NOTEBOOK_HOME"])
    assert any(p.name == "journal.sqlite3" for p in home.rglob("*"))
    files = [p for root in (workdir, home) for p in root.rglob("*") if p.is_file()]
    assert len([p for p in files if p.name.endswith(".out.ipynb")]) == len(NAMES)
    assert [p for p in files if CANARY.encode() in p.read_bytes()] == []
