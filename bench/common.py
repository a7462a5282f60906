"""Shared benchmark helpers: the synthetic texts, percentiles, a Camb session on a fresh journal, timing.

Usage: `texts = make_texts(10_000, duplicates=0.3)`; `with session(sb, max_in_flight=64) as camb: ...`.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import re
import statistics
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sandbox_proc import API_KEY, SandboxProcess

from camb_notebook import Camb
from camb_notebook.jobs import PollPolicy

__all__ = ["describe", "make_texts", "percentile", "publish", "session", "summary"]

_WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "seven", "bright"]
_WORDS += ["owls", "watch", "from", "an", "old", "oak", "tree", "near", "the", "quiet", "river", "at", "dawn"]


def make_texts(rows: int, *, duplicates: float = 0.3, seed: int = 7) -> list[str]:
    """`rows` sentences (about 50 characters) of which a `duplicates` share repeat an earlier distinct one."""
    rng = random.Random(seed)
    distinct = rows - round(rows * duplicates)
    unique = [f"Row {i}: " + " ".join(rng.choices(_WORDS, k=7)) + "." for i in range(distinct)]
    texts = unique + [rng.choice(unique) for _ in range(rows - distinct)]
    rng.shuffle(texts)
    return texts


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank (no interpolation: p99 is always a real sample)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, p95, p99, max and count of a sample."""
    return {
        "median": statistics.median(values),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values),
        "n": float(len(values)),
    }


def describe(policy: PollPolicy | None) -> str:
    """A poll schedule's no-history waits in a few words (None: the engine's default, so labelled)."""
    shown = policy or PollPolicy()
    waits = f"max({shown.first:g} s, {shown.factor - 1:g} × elapsed) ≤ {shown.cap:g} s"
    return f"default: {waits}" if policy is None else waits


@contextlib.contextmanager
def session(
    sb: SandboxProcess, *, max_in_flight: int | None = None, policy: PollPolicy | None = None
) -> Iterator[Camb]:
    """A Camb session on the sandbox process with its own empty journal (no cache hits across runs).

    `max_in_flight=None` keeps the session's own default; `policy` replaces the engine's poll schedule
    (what-if runs only; the product default otherwise).
    """
    limit = {} if max_in_flight is None else {"max_in_flight": max_in_flight}
    with (
        tempfile.TemporaryDirectory(prefix="camb-bench-") as home,
        Camb(api_key=API_KEY, base_url=sb.base_url, home=home, **limit) as camb,
    ):
        if policy is not None:
            camb.manager.policy = policy
        yield camb


def publish(here: Path, json_name: str, result: dict[str, Any], section: str, begin: str, end: str) -> None:
    """Write a scenario's JSON beside RESULTS.md and put its section there (replaced in place if present)."""
    (here / json_name).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    page = (here / "RESULTS.md").read_text(encoding="utf-8")
    if begin in page:
        page = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: section, page, flags=re.S)
    else:
        page = page.rstrip("\n") + "\n\n" + section + "\n"
    (here / "RESULTS.md").write_text(page, encoding="utf-8")
