"""IPython magics: `%camb SUBCOMMAND ...` and `%%camb_translate`, configurable as `CambMagics` traits.

This module only registers the magics and holds their settings; the subcommands (`_registry`, with their
parsers on their handlers) and the session plumbing (`_launch`) are imported on first use, so `%load_ext`
stays fast (the engine defaults, `camb_notebook.jobs.DEFAULTS`, load without the engine).
Main thread only. Usage: `%load_ext camb_notebook`, `%camb help`, `%config CambMagics.poll_cap = 10`.
"""

from __future__ import annotations

import sys
from typing import Any

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class, no_var_expand
from traitlets import Enum, Float, Int, Unicode, observe

from camb_notebook.jobs import DEFAULTS

__all__ = ["CambMagics", "load_ipython_extension", "unload_ipython_extension"]


@magics_class
class CambMagics(Magics):
    """`%camb` and `%%camb_translate`; set traits by `%config CambMagics.x = ...` or in ipython_config.py."""

    # The three engine settings default to the engine's own defaults (written once, in `jobs.Settings`).
    poll_cap = Float(
        DEFAULTS.poll_cap, min=0.1, help="Longest pause between two status polls of a job, in seconds."
    ).tag(config=True)
    max_in_flight = Int(
        DEFAULTS.max_in_flight,
        allow_none=True,
        min=1,
        help="Cap on tasks held on the server at once (None: discover the server's limit per key).",
    ).tag(config=True)
    deadline = Float(
        DEFAULTS.deadline,
        allow_none=True,
        min=1.0,
        help="Give up polling a job after this many seconds (None: never).",
    ).tag(config=True)
    max_characters = Int(
        None,
        allow_none=True,
        min=1,
        help="Default budget of every batch: stop creating tasks before this many billable characters.",
    ).tag(config=True)
    default_target = Unicode(
        "", help="Target language used when --to is omitted (e.g. 'fr-fr'); empty means --to is required."
    ).tag(config=True)
    default_source = Unicode("auto", help="Source language used when --from is omitted.").tag(config=True)
    progress = Enum(
        ["widget", "text"], "widget", help="How job progress is shown: a live widget, or one text line."
    ).tag(config=True)

    @observe("poll_cap", "max_in_flight", "deadline", "max_characters")
    def _engine_setting_changed(self, change: dict[str, Any]) -> None:
        """Apply a changed engine setting to the running session at once (new jobs and running ones).

        Only the changed setting is applied, and only here: commands never re-apply the traits, so what a user
        set from Python on the session stays until they change that same setting with `%config`.
        """
        if "camb_notebook.sessions" not in sys.modules:
            return  # no session yet (and none is started here): a magic that makes one gives it the traits
        from camb_notebook.magics._launch import apply_setting, existing_session

        current = existing_session()
        if current is not None and not current.manager.closed:
            apply_setting(current, change["name"], change["new"])

    @line_magic
    @no_var_expand
    def camb(self, line: str) -> Any:
        """Run a `%camb` subcommand; `%camb help` lists them and `%camb help SUBCOMMAND` shows its options."""
        from camb_notebook.magics._registry import run_line

        return run_line(self, line)

    @cell_magic
    @no_var_expand
    def camb_translate(self, line: str, cell: str) -> Any:
        """Translate the cell, one text per line: `%%camb_translate --to fr-fr,de-de [-o df] [--wait]`."""
        from camb_notebook.magics._translate import run_cell

        return run_cell(self, line, cell)


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics (the session, and the sandbox when `CAMB_SANDBOX=1`, start on first use)."""
    ipython.register_magics(CambMagics(shell=ipython))


def unload_ipython_extension(ipython: Any) -> None:
    """Remove the magics again (jobs keep running; `%load_ext` brings the magics back)."""
    registry = ipython.magics_manager.registry
    magics = registry.pop("CambMagics", None)
    if magics is None:
        return
    for kind in ("line", "cell"):
        table = ipython.magics_manager.magics[kind]
        for name in magics.magics[kind]:
            table.pop(name, None)
    if magics in ipython.configurables:
        ipython.configurables.remove(magics)
