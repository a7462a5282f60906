"""The df.camb / series.camb accessors: registered cheaply, engine loaded only on use."""

from __future__ import annotations

import subprocess
import sys


def test_registering_the_accessors_does_not_load_the_engine() -> None:
    """Importing camb_notebook.frames._accessors gives df.camb without importing the job engine or httpx."""
    code = (
        "import sys, pandas as pd, camb_notebook.frames._accessors\n"
        "assert hasattr(pd.DataFrame().camb, 'translate')\n"
        "assert hasattr(pd.Series(dtype=str).camb, 'translate')\n"
        "print(sorted(m for m in ('httpx', 'camb_notebook.jobs', 'camb_notebook.api') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
