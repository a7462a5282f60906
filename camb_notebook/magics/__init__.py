"""IPython magics: `%camb SUBCOMMAND ...` and `%%camb_translate`, configurable as `CambMagics` traits.

Subcommands, their parsers and handlers are imported on first use so `%load_ext` stays fast.
Usage: `%load_ext camb_notebook`, `%camb help`, `%config CambMagics.poll_cap = 10`.
"""

from __future__ import annotations

from camb_notebook.magics._magics import CambMagics, load_ipython_extension, unload_ipython_extension

__all__ = ["CambMagics", "load_ipython_extension", "unload_ipython_extension"]
