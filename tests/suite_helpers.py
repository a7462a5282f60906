"""Test helpers shared by the suite (tests/ is on sys.path through its conftest.py).

`wait_until(predicate, timeout, what)` is the one bounded wait for tests (fails with `what` on timeout).
`hold_tasks(sandbox)` / `release_tasks(sandbox)` keep sandbox tasks PENDING until the test says so, so a test
that needs a job still running never races the fast sandbox's ~50 ms tasks on a loaded machine.
`suite_shell()` is the one in-process IPython shell every test module shares, set up as a kernel's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

__all__ = [
    "HOLD_SECONDS",
    "hold_tasks",
    "protected_translation",
    "release_tasks",
    "suite_shell",
    "wait_until",
]

HOLD_SECONDS = 3600.0  # "processing time" of held tasks: longer than any test, finite (JSON-safe)


def suite_shell() -> Any:
    """The process's IPython shell (started if none is), history off, formatting every MIME type.

    `globalipapp.start_ipython()` makes a *terminal* shell, whose display formatter is text/plain only, and it
    is the `InteractiveShell` singleton the widget tests' `Output` captures use afterwards. A kernel formats
    every type, so the shared shell does too, whichever test module starts it first (else a later widget test
    finds no `text/html` in its outputs).
    """
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.testing import globalipapp

    if InteractiveShell.initialized():  # a widget test that formatted a table made the singleton first
        shell = InteractiveShell.instance()
    else:
        shell = globalipapp.start_ipython() or globalipapp.get_ipython()
    shell.history_manager.enabled = False
    shell.display_formatter.active_types = shell.display_formatter.format_types
    return shell


def wait_until(predicate: Callable[[], Any], timeout: float = 20.0, what: str = "the condition") -> Any:
    """Poll `predicate` until it returns a truthy value (returned); fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)


def hold_tasks(sandbox: Any, *families: str) -> None:
    """Make new tasks of `families` (default: all) stay PENDING until `release_tasks`."""
    times = sandbox.config.processing_time
    for family in families or tuple(times):
        times[family] = HOLD_SECONDS


def release_tasks(sandbox: Any, processing_time: float = 0.05) -> int:
    """Finish every held task now (pending_forever ones stay) and set new tasks back to `processing_time`.

    Returns how many tasks were released.
    """
    times = sandbox.config.processing_time
    for family, seconds in list(times.items()):
        if seconds >= HOLD_SECONDS:
            times[family] = processing_time
    released: int = sandbox.finish_pending()
    return released


def protected_translation(text: str, locale: str) -> str:
    """What a protected translate path returns from the sandbox: placeholders and tags masked (so the
    sandbox keeps them), the rest pseudo-localized, then restored."""
    from camb_notebook.quality import Protector
    from camb_notebook.sandbox import pseudo_localize

    masked = Protector().prepare(text)
    return masked.restore([pseudo_localize(t, locale) for t in masked.texts])
