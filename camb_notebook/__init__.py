"""camb-notebook: the CAMB.AI API native in Jupyter (magics, widgets, DataFrames, and a local sandbox).

Public names are imported lazily so `%load_ext camb_notebook` stays fast and `import camb_notebook.api`
never pulls in pandas or ipywidgets. Usage: `%load_ext camb_notebook`, then `%camb help`.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it (imported on first access)
_EXPORTS: dict[str, str] = {
    "ApiClient": "camb_notebook.api",
    "BatchJob": "camb_notebook.jobs",
    "Camb": "camb_notebook.sessions",
    "CambError": "camb_notebook.api",
    "Job": "camb_notebook.jobs",
    "panel": "camb_notebook.widgets",
    "session": "camb_notebook.sessions",
    "SpeechStream": "camb_notebook.sessions",
    "TranslationStream": "camb_notebook.sessions",
    "use_sandbox": "camb_notebook.sessions",
}

__all__ = sorted([*_EXPORTS, "__version__", "load_ipython_extension", "unload_ipython_extension"])

# Job's and LiveStream's module and class: `%load_ext` makes a displayed Job (or BatchJob) a live widget and a
# displayed stream a player, without importing either before one is displayed.
_JOB_TYPE = ("camb_notebook.jobs._job", "Job")
_STREAM_TYPE = ("camb_notebook.sessions._streams", "LiveStream")

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (keeps the extension's load time low)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'camb_notebook' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    if module == "camb_notebook.sessions":
        importlib.import_module("camb_notebook.streams")  # displayed streams play / grow in place
    return value


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """Register `%camb`, `%%camb_translate`, `df.camb` and live Job display (`%load_ext camb_notebook`)."""
    from camb_notebook.magics import load_ipython_extension as load

    load(ipython)
    _register_accessors_when_pandas_loads(ipython)
    _register_dask_accessor_when_dask_loads(ipython)

    # By name, so nothing is imported until a Job is actually displayed.
    ipython.display_formatter.ipython_display_formatter.for_type_by_name(*_JOB_TYPE, _display_job)
    ipython.display_formatter.ipython_display_formatter.for_type_by_name(*_STREAM_TYPE, _display_stream)


def _register_accessors_when_pandas_loads(ipython: InteractiveShell) -> None:
    """Make `df.camb` work without importing pandas at load time (that alone would blow the load budget).

    Registers as soon as pandas is imported (checked after each cell) or a cell mentions `.camb` (checked
    before it runs, so `import pandas as pd; pd.DataFrame(...).camb` works in one cell).
    """
    if "pandas" in sys.modules:
        import camb_notebook.frames._accessors  # noqa: F401  (registers df.camb / series.camb)

        return

    def register() -> None:
        ipython.events.unregister("pre_run_cell", before)
        ipython.events.unregister("post_run_cell", after)
        import camb_notebook.frames._accessors  # noqa: F401

    def before(info: Any) -> None:
        if ".camb" in (getattr(info, "raw_cell", "") or ""):
            register()

    def after(*_: Any) -> None:
        if "pandas" in sys.modules:
            register()

    ipython.events.register("pre_run_cell", before)
    ipython.events.register("post_run_cell", after)


def _register_dask_accessor_when_dask_loads(ipython: InteractiveShell) -> None:
    """`ddf.camb` from the cell after the one importing dask.dataframe (a dict lookup per cell until then)."""

    def after(*_: Any) -> None:
        if "dask.dataframe" in sys.modules:
            ipython.events.unregister("post_run_cell", after)
            from camb_notebook.frames._accessors import register_dask_accessor

            register_dask_accessor()

    ipython.events.register("post_run_cell", after)


def _display_job(job: Any) -> None:
    """Show a displayed Job as its live progress widget (importing the widgets registers that display)."""
    import camb_notebook.widgets  # noqa: F401

    job._ipython_display_()


def _display_stream(stream: Any) -> None:
    """Show a displayed stream live (importing the streams front registers that display)."""
    import camb_notebook.streams  # noqa: F401

    stream._ipython_display_()


def unload_ipython_extension(ipython: InteractiveShell) -> None:
    """Undo `load_ipython_extension` (called by `%unload_ext camb_notebook`)."""
    from camb_notebook.magics import unload_ipython_extension as unload

    unload(ipython)
    for type_name in (_JOB_TYPE, _STREAM_TYPE):
        ipython.display_formatter.ipython_display_formatter.pop(".".join(type_name), None)


if "pandas" in sys.modules:  # `import pandas; import camb_notebook` is enough for df.camb
    import camb_notebook.frames._accessors  # noqa: F401
