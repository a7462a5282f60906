"""Result blobs: large audio of cached results lives in files beside the journal, not as base64 rows.

A TTS clip of 5 MB would be 7 MB of base64 inside SQLite; here it is `<home>/results/<job id>.audio`
(mode 0600, written atomically) and the row holds `{"audio_file": name}`. A missing or unreadable file
makes that cache entry a miss (refetched from the server). Usage: `row = stash(home, job_id, result)`.
"""

from __future__ import annotations

import base64
import contextlib
import os
from pathlib import Path
from typing import Any

__all__ = ["INLINE_LIMIT", "remove", "restore", "stash"]

INLINE_LIMIT = 64 * 1024  # audio up to this many base64 characters stays in the row


def stash(home: Path, job_id: str, result: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The row form of `result` (large audio moved to a file) and the bytes it occupies on disk."""
    audio = result.get("audio")
    if not isinstance(audio, str) or len(audio) <= INLINE_LIMIT:
        return result, len(str(result))
    data = base64.b64decode(audio)
    folder = home / "results"
    folder.mkdir(mode=0o700, exist_ok=True)
    name = f"{job_id}.audio"
    temporary = folder / f".{name}.tmp"
    fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, folder / name)
    row = {k: v for k, v in result.items() if k != "audio"}
    row["audio_file"] = name
    return row, len(data)


def restore(home: Path, row: dict[str, Any]) -> dict[str, Any] | None:
    """The `to_dict()` form of a stored row (audio read back from its file); None if the file is gone."""
    name = row.get("audio_file")
    if name is None:
        return row
    if not isinstance(name, str) or "/" in name or name.startswith("."):
        return None  # a tampered row never points outside the results folder
    try:
        data = (home / "results" / name).read_bytes()
    except OSError:
        return None
    result = {k: v for k, v in row.items() if k != "audio_file"}
    result["audio"] = base64.b64encode(data).decode("ascii")
    return result


def remove(home: Path, job_id: str) -> None:
    """Delete a pruned result's audio file (if any)."""
    with contextlib.suppress(FileNotFoundError):
        (home / "results" / f"{job_id}.audio").unlink()
