"""LimitMemory: the in-flight limit found for an API key and base URL, kept in the journal between sessions.

The next batch (in this kernel or the next) starts at what the last one found instead of discovering it
again. The scope is a hash of the key's hash and the base URL: the journal never holds the key or the URL.
Loop thread only (the journal's thread). Usage: `memory.recall(api, key_id)`; `memory.save(limit)`.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from typing import Any

from camb_notebook.jobs._journal import Journal
from camb_notebook.jobs._limit import InFlightLimit

__all__ = ["LimitMemory", "limit_scope"]

_SAVE_EVERY = 1.0  # seconds between two writes of a changing limit (a create's path stays cheap)


def limit_scope(key_id: str, endpoint: str) -> str:
    """The journal's name for one API key (by its hash) at one base URL."""
    return hashlib.sha256(f"camb-notebook-limit:{key_id}\n{endpoint}".encode()).hexdigest()[:16]


def endpoint_of(api: Any) -> str:
    """Where the client sends requests (a session's `endpoint`, a wire client's `base_url`), "" if unknown."""
    return str(getattr(api, "endpoint", None) or getattr(api, "base_url", None) or "")


class LimitMemory:
    """Loads the remembered limit into an `InFlightLimit` when the scope changes; writes what it learns."""

    def __init__(self, journal: Journal, limit: InFlightLimit) -> None:
        """Bind to the journal and the limit; nothing is read before the first job."""
        self._journal = journal
        self._limit = limit
        self.scope: str | None = None
        self._saved: tuple[int, bool] | None = None
        self._saved_at = -1e9

    def recall(self, api: Any, key_id: str) -> None:
        """Before a job: when the key or base URL changed, start the limit from what the journal remembers."""
        scope = limit_scope(key_id, endpoint_of(api))
        if scope == self.scope:
            return
        self.save(self._limit, force=True)  # what the old scope learned
        self.scope = scope
        try:
            found = self._journal.remembered_limit(scope)
        except sqlite3.Error:
            found = None
        self._saved = found
        if found is not None and self._limit.held == 0:
            self._limit.recall(*found)

    def save(self, limit: InFlightLimit, *, force: bool = False) -> None:
        """Write what the limit learned when it changed (at most once a second unless `force`)."""
        learned = limit.learned()
        if self.scope is None or learned is None or learned == self._saved:
            return
        now = time.monotonic()
        if not force and now - self._saved_at < _SAVE_EVERY:
            return
        try:
            self._journal.remember_limit(self.scope, *learned)
        except sqlite3.Error:
            return  # a busy or broken journal: the next change tries again
        self._saved, self._saved_at = learned, now
