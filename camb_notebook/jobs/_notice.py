"""Notices: one-line warnings about the journal and the cache (a broken file, a failed write, a tampered row).

Shown once per distinct text as a `CambWarning` without a source line (the line of our code that warned
helps no one), from whichever thread noticed. Usage: `notice("journal ... is read-only; ...")`.
"""

from __future__ import annotations

import threading
import warnings

from camb_notebook.api import CambWarning

__all__ = ["notice"]

_seen: set[str] = set()
_lock = threading.Lock()


def notice(text: str, *, once: bool = True) -> None:
    """Warn `text` once per process (one line: `camb_notebook: CambWarning: text`); `once=False`: every time
    (the answer to a user's own call, e.g. `retry_failed()`, is said whenever they call it)."""
    with _lock:
        if once and text in _seen:
            return
        _seen.add(text)
    # warn_explicit with a module-less location: no source line is printed under the message.
    warnings.warn_explicit(text, CambWarning, filename="camb_notebook", lineno=0, module="camb_notebook")
