"""The top-level extension hooks: `%load_ext camb_notebook` stays light and `df.camb` still works."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    from IPython.testing.globalipapp import start_ipython
    ip = start_ipython()
    ip.run_line_magic("load_ext", "camb_notebook")
    print("pandas-after-load", "pandas" in sys.modules)
    first = ip.run_cell("import pandas as pd; acc = pd.DataFrame({'t': ['a']}).camb")
    print("same-cell", first.success)
    later = ip.run_cell("acc2 = pd.Series(['x']).camb")
    print("later-cell", later.success, type(ip.user_ns['acc2']).__name__)
    """
)


def test_load_ext_defers_pandas_and_df_camb_works_in_the_importing_cell() -> None:
    """Loading imports no pandas; a cell that imports pandas and uses `.camb` works, and so do later cells."""
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = dict(
        line.split(" ", 1)
        for line in out.stdout.splitlines()
        if line.split(" ", 1)[0].endswith("-cell") or line.startswith("pandas-after-load")
    )
    assert lines["pandas-after-load"] == "False"
    assert lines["same-cell"] == "True"
    assert lines["later-cell"] == "True CambSeriesAccessor"
