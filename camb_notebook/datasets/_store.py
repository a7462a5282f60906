"""SeenTexts: the disk-backed set of texts already translated in this dataset run, with their translations.

Dedupe inside one batch is the engine's (each distinct text is sent once); across batches this SQLite table
(keyed by a 16-byte BLAKE2b of the text, per target) answers "translated before?" without holding the
dataset's texts in memory. It lives in the run's state directory and goes away with it. One thread (the
dataset driver). Usage: `seen = SeenTexts(path)`; `seen.lookup("fr-fr", texts)`; `seen.add({"fr-fr": pairs})`.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

__all__ = ["SeenTexts"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    target TEXT NOT NULL,
    key BLOB NOT NULL,
    translation TEXT NOT NULL,
    PRIMARY KEY (target, key)
) WITHOUT ROWID;
"""
_PARAMS = 900  # keys per IN (...) query, under SQLite's default limit on bound parameters


def text_key(text: str) -> bytes:
    """The 16-byte key of a text (collisions are negligible at 2**-64 for billions of texts)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class SeenTexts:
    """Per target: text key → translation, on disk; lookups in batches of keys."""

    def __init__(self, path: Path) -> None:
        """Open (or create) the table at `path`."""
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def lookup(self, target: str, texts: Sequence[str]) -> list[str | None]:
        """Per text, its stored translation into `target`, or None."""
        keys = [text_key(text) for text in texts]
        found: dict[bytes, str] = {}
        for start in range(0, len(keys), _PARAMS):
            part = keys[start : start + _PARAMS]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT key, translation FROM seen WHERE target = ? AND key IN ({marks})", [target, *part]
            )
            found.update(rows.fetchall())
        return [found.get(key) for key in keys]

    def add(self, pairs: Mapping[str, Iterable[tuple[str, str]]]) -> None:
        """Store (text, translation) pairs per target, all in one transaction."""
        self._db.execute("BEGIN")
        for target, rows in pairs.items():
            self._db.executemany(
                "INSERT OR REPLACE INTO seen (target, key, translation) VALUES (?, ?, ?)",
                ((target, text_key(text), translation) for text, translation in rows),
            )
        self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        self._db.close()
