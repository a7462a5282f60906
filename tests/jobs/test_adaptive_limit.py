"""The in-flight window finds a server concurrency limit it is never told, from both sides, and remembers it.

Real sandbox over loopback: its per-key limit (`max_pending_per_key`) answers 429 with Retry-After; creates
and 429s are counted by the sandbox. No timing assertions: only counts, and the order of sends and the gate.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from camb_notebook.api import ApiClient, RateLimitedError
from camb_notebook.jobs import JobManager, PollPolicy
from camb_notebook.jobs._limit import START
from camb_notebook.jobs._limit_memory import endpoint_of, limit_scope
from camb_notebook.sandbox import Sandbox, pseudo_localize

POLLS = PollPolicy(first=0.05, cap=0.1, jitter=0.0)
REQUEST = {"source_language": 1, "target_language": 76}


def _engine(sandbox: Sandbox, home: Path, **kw: Any) -> JobManager:
    """A JobManager on the sandbox with quick polls and its own journal."""
    api = ApiClient(api_key=sandbox.api_key, base_url=sandbox.base_url)
    return JobManager(api, home=home, policy=POLLS, **kw)


def _run(manager: JobManager, count: int, tag: str) -> None:
    """Submit `count` one-text jobs at once and check every result."""
    texts = [f"{tag} {i}" for i in range(count)]
    jobs = [manager.submit("translation", {"texts": [text], **REQUEST}) for text in texts]
    results = [job.result(timeout=120) for job in jobs]
    assert [r.texts[0] for r in results] == [pseudo_localize(text, "fr-fr") for text in texts]


def _refused(sandbox: Sandbox, created: int) -> int:
    """Creates the sandbox answered 429 (create requests beyond the tasks it made)."""
    return sandbox.stats.requests.get("POST translate", 0) - created


def test_slow_start_grows_the_window_while_work_is_queued(camb_sandbox: Sandbox, tmp_path: Path) -> None:
    """No server limit: from START the window grows with accepted creates, without a single 429."""
    camb_sandbox.configure(max_pending_per_key=None, processing_time={"translation": 0.5})
    manager = _engine(camb_sandbox, tmp_path)
    try:
        assert manager.max_in_flight is None and manager.limit.total == START
        _run(manager, 60, "grow")
        stats = manager.limit.stats
    finally:
        manager.close()
    assert camb_sandbox.stats.tasks_created["translation"] == 60 and _refused(camb_sandbox, 60) == 0
    assert stats.throttled == 0 and manager.limit.found is None
    assert stats.peak_window >= 4 * START  # doubled, and doubled again, while jobs waited
    assert camb_sandbox.stats.peak_concurrent_tasks > 2 * START


@pytest.mark.parametrize("cap", [None, 1000], ids=["discover", "oversubscribed-cap"])
def test_a_429_shrinks_the_window_for_every_waiting_create_behind_one_gate(
    camb_sandbox: Sandbox, tmp_path: Path, cap: int | None
) -> None:
    """Server limit 4: the first 429 sets the window to what the server held, for every waiting create at
    once; the Retry-After holds all creates behind one gate, except one going into a slot that our own task
    freed after the 429 (the server has room for it); a refused create is first in line for such a slot
    (else waits the gate out); each task is created once, 429s stay few."""
    camb_sandbox.configure(max_pending_per_key=4, processing_time={"translation": 0.3})
    manager = _engine(camb_sandbox, tmp_path, max_in_flight=cap)
    sends: list[tuple[float, str]] = []
    refusals: list[tuple[float, str]] = []
    handed: list[tuple[float, float | None]] = []  # (create going out, when a finished task freed its slot)
    gates: list[tuple[float, float]] = []  # (429 answered, gate open again)
    limit = manager.limit
    create, throttled, sending = manager.api.create_or_429, limit.throttled, limit.sending  # type: ignore[attr-defined]

    async def counted(family: Any, request: Any) -> str:
        sends.append((time.monotonic(), request["texts"][0]))
        try:
            return str(await create(family, request))
        except RateLimitedError:
            refusals.append((time.monotonic(), request["texts"][0]))
            raise

    def gated(sent: float, retry_after: float | None) -> float:
        answered = time.monotonic()
        wait = throttled(sent, retry_after)
        gates.append((answered, time.monotonic() + wait))
        return wait

    def sent_in(freed: float | None = None) -> float:
        handed.append((time.monotonic(), freed))
        return sending(freed)

    manager.api.create_or_429 = counted  # type: ignore[attr-defined]
    limit.throttled = gated  # type: ignore[method-assign]
    limit.sending = sent_in  # type: ignore[method-assign]
    try:
        _run(manager, 24, "shrink")
    finally:
        manager.close()
    assert camb_sandbox.stats.tasks_created["translation"] == 24  # billed once: a 429 created nothing
    refused = _refused(camb_sandbox, 24)
    assert refused == limit.stats.throttled == len(gates) == len(refusals) >= 1
    assert refused <= 2 * START  # only creates already in flight when the first 429 came back
    # The window is what the server held at the first 429: 4, or a quarter less when answers come back so
    # late (a loaded machine) that a second 429 arrives with no create accepted in between.
    assert limit.found == limit.total and limit.found in (3, 4)
    assert camb_sandbox.stats.peak_concurrent_tasks <= 4 + START  # never far past the server's limit
    for answered, opened in gates:
        # While a gate was shut, a create went out only into a slot a task of ours freed after that 429.
        early = [(t, freed) for t, freed in handed if answered < t < opened - 1e-3]
        assert all(freed is not None and freed > answered - 1e-3 for _, freed in early)
        assert limit.stats.early >= len(early)
    taken_early = 0  # refused creates sent again before their gate opened (into a slot freed after the 429)
    for at, text in refusals:
        opened = min(o for a, o in gates if a >= at - 1e-3)
        for t, again in sends:
            if again != text or t <= at:
                continue
            # A refused create goes first in line: sent again once its gate opened, or before that only into
            # a slot a task of ours freed after its 429 (the server's room; Retry-After would leave it idle).
            freed = max((h for h in handed if h[0] <= t + 1e-3), key=lambda h: h[0])[1]
            assert t >= opened - 1e-3 or (freed is not None and freed > at - 1e-3)
            taken_early += t < opened - 1e-3
    assert taken_early >= 1  # tasks of 0.3 s free slots well before a whole-second Retry-After ends


def test_an_explicit_cap_is_a_ceiling_for_discovery(camb_sandbox: Sandbox, tmp_path: Path) -> None:
    """max_in_flight=5 with no server limit: slow start stops at 5, and 5 tasks at most are open at once."""
    camb_sandbox.configure(max_pending_per_key=None, processing_time={"translation": 0.3})
    manager = _engine(camb_sandbox, tmp_path, max_in_flight=5)
    try:
        assert manager.limit.total == 5
        _run(manager, 30, "cap")
    finally:
        manager.close()
    assert manager.limit.stats.peak_window == 5 and manager.limit.stats.throttled == 0
    assert camb_sandbox.stats.peak_concurrent_tasks <= 5


def test_the_found_limit_is_remembered_per_key_and_base_url(camb_sandbox: Sandbox, tmp_path: Path) -> None:
    """A second engine on the same journal, key and base URL starts at the limit the first one found: no
    429 at all; the journal holds a hash of the key and URL, never either of them."""
    # Tasks of 1.5 s: none ends while the first window's creates are answered, even on a loaded machine (a
    # task ending then lets one more create in, and the limit found would read 5).
    camb_sandbox.configure(max_pending_per_key=4, processing_time={"translation": 1.5})
    first = _engine(camb_sandbox, tmp_path)
    try:
        _run(first, 8, "first")  # START (8) creates at once: 4 accepted, the rest refused
    finally:
        first.close()
    assert first.limit.found == 4
    refused = _refused(camb_sandbox, 8)
    assert refused >= 1

    second = _engine(camb_sandbox, tmp_path)
    try:
        _run(second, 8, "second")
        assert second.limit.found == 4
    finally:
        second.close()
    assert _refused(camb_sandbox, 16) == refused  # the second engine was never refused
    assert second.limit.stats.throttled == 0 and second.limit.stats.peak_window == 4

    with sqlite3.connect(tmp_path / "journal.sqlite3") as db:
        rows = db.execute("SELECT scope, in_flight, exact FROM limits").fetchall()
    key_hash = first.registry.key_id
    assert rows == [(limit_scope(key_hash, endpoint_of(first.api)), 4, 1)]
    assert camb_sandbox.api_key not in repr(rows) and camb_sandbox.base_url not in repr(rows)
    assert limit_scope(key_hash, camb_sandbox.base_url + "/v2") != rows[0][0]  # another URL starts afresh
