"""The committed notebooks are clean teaching material: no outputs, valid nbformat, all of them tested.

Outputs would go stale against the product and bloat diffs; `make demo` and CI produce them fresh. Every
notebook must also be one that `test_notebooks_run.py` executes, so a new notebook cannot go untested.
"""

from __future__ import annotations

import nbformat
import pytest
from notebook_runner import NAMES, NOTEBOOKS


def test_every_notebook_is_executed_by_the_tests() -> None:
    """The notebooks folder holds exactly the notebooks that test_notebooks_run.py runs."""
    assert sorted(path.stem for path in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_without_outputs(name: str) -> None:
    """A notebook validates, has no outputs, counts or widget state, and starts by loading the extension."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert "widgets" not in nb.metadata
    assert nb.metadata.kernelspec.name == "python3"
    assert any("%load_ext camb_notebook" in cell.source for cell in code[:2])
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
