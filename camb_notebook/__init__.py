"""camb-notebook: the CAMB.AI API native in Jupyter (magics, widgets, DataFrames, and a local sandbox).

Usage: `%load_ext camb_notebook`, then `%camb help`.
"""

from __future__ import annotations

__version__ = "0.1.0"
