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


def notice(text: str) -> None:
    """Warn `text` once per process (one line: `camb_notebook: CambWarning: text`)."""
    with _lock:
        if text in _seen:
            return
        _seen.add(text)
    # warn_explicit with a module-less location: no source line is printed under the message.
    warnings.warn_explicit(text, CambWarning, filename="camb_notebook", lineno=0, module="camb_notebook")
