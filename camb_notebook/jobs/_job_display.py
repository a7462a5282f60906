"""How a Job shows itself in IPython: the static HTML table, and the hook the widgets layer registers.

Importing the widgets layer registers a hook that turns a displayed Job into a live widget; without one, a
Job shows a static snapshot. Usage: `set_display_hook(make_widget)`.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["html_table", "set_display_hook", "show"]

_display_hook: Callable[[Any], object] | None = None


def set_display_hook(fn: Callable[[Any], object] | None) -> None:
    """Register the factory that turns a displayed Job into a live widget (None: static snapshot)."""
    global _display_hook
    _display_hook = fn


def html_table(rows: Sequence[tuple[str, str]]) -> str:
    """Label/value pairs as the static HTML snapshot of a job."""
    cells = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table class='camb-job'>{cells}</table>"


def show(job: Any, text: str, static_html: str) -> None:
    """Display a live widget through the registered hook, else the static snapshot (`text`, `static_html`)."""
    from IPython.display import display

    hook = _display_hook
    shown = hook(job) if hook is not None else None
    if hook is None:
        display({"text/plain": text, "text/html": static_html}, raw=True)
    elif shown is not None:
        display(shown)
