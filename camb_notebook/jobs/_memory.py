"""Give the C heap's free pages back to the system after a batch's big transients (glibc's `malloc_trim`).

Hand-written (no library exposes it). glibc raises its mmap threshold after a large buffer is freed, so later
big buffers (JSON answers, Arrow takes, UTF-8 arenas growing) come from the heap and their pages stay resident
once freed: at 300k rows × 2 targets that slack was ~40 % of a batch's peak growth. Trimming returns them.
A no-op off glibc. Callable from any thread (glibc locks its arenas); it takes milliseconds, so the frame
layer calls it before and while it builds a batch's columns.
Usage: `release_free_memory()`.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

__all__ = ["release_free_memory"]


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim(pad)`, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim  # type: ignore[no-any-return]


_TRIM = _malloc_trim()


def release_free_memory() -> None:
    """Return the C heap's free pages to the system (glibc); nothing elsewhere."""
    if _TRIM is not None:
        _TRIM(0)
