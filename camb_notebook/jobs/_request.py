"""Request normalization: the cache key, the journal's JSON-safe summary and the input size of one request.

Uploads never enter the journal: bytes and files are replaced by their size and SHA-256, so two requests with
the same content share a cache entry. Reading files blocks, so the engine runs `describe` in a worker thread.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["RequestInfo", "describe"]

_CHUNK = 1 << 20


@dataclass(frozen=True)
class RequestInfo:
    """What the engine records about a request: hash (cache key), JSON summary, and input size for ETAs."""

    hash: str
    summary: dict[str, Any]
    size: int


def describe(family: str, request: Mapping[str, Any]) -> RequestInfo:
    """Normalize `request` (wire field names; `*_path`/`*_bytes` uploads) into a RequestInfo."""
    summary = {str(k): _normalize(str(k), v) for k, v in request.items() if v is not None}
    blob = json.dumps([family, summary], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return RequestInfo(hashlib.sha256(blob.encode()).hexdigest(), summary, _size(summary))


def _normalize(name: str, value: Any) -> Any:
    """One JSON-safe field: bytes and files become {size, sha256}; containers recurse."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if isinstance(value, Path) or (name.endswith("_path") and isinstance(value, str)):
        return _file(Path(value))
    if isinstance(value, Mapping):
        return {str(k): _normalize(str(k), v) for k, v in value.items()}
    if isinstance(value, list) and all(type(v) is str for v in value):
        return value  # a chunk's texts: the summary shares the request's list (read only), no second list
    if isinstance(value, (list, tuple)):
        return [_normalize(name, v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _file(path: Path) -> dict[str, Any]:
    """Absolute path, size and content hash of an upload."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"path": str(path.resolve()), "bytes": size, "sha256": digest.hexdigest()}


def _size(summary: Mapping[str, Any]) -> int:
    """Input size: characters of text fields plus bytes of uploads."""
    total = 0
    for key, value in summary.items():
        if key in ("text", "texts"):
            texts = value if isinstance(value, list) else [value]
            total += sum(len(t) for t in texts if isinstance(t, str))
        elif isinstance(value, dict) and isinstance(value.get("bytes"), int):
            total += value["bytes"]
    return total
