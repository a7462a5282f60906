"""Journal: file mode and WAL, rows, result cache lookups and the ETA history."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

from camb_notebook.jobs import JobRecord, Journal, default_home
from camb_notebook.jobs._durable import Writes


def _record(job_id: str, **kw: object) -> JobRecord:
    """A journal row with sensible defaults."""
    base: dict[str, object] = {
        "id": job_id,
        "family": "translation",
        "request_hash": "h1",
        "request": "{}",
        "size": 10,
        "state": "pending",
        "server_status": None,
        "task_id": None,
        "run_id": None,
        "created_at": 100.0,
        "submitted_at": None,
        "updated_at": 100.0,
        "finished_at": None,
        "error": None,
        "pid": 1,
    }
    base.update(kw)
    return JobRecord(**base)  # type: ignore[arg-type]


def test_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    """The journal and its WAL files are created 0600 (WAL mode) under the given home."""
    journal = Journal(tmp_path / "home")
    journal.upsert(_record("a1"))
    assert journal.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    files = sorted(p.name for p in journal.home.iterdir())
    assert files == ["journal.sqlite3", "journal.sqlite3-shm", "journal.sqlite3-wal"]
    assert {stat.S_IMODE(p.stat().st_mode) for p in journal.home.iterdir()} == {0o600}
    journal.close()


def test_home_follows_the_environment() -> None:
    """CAMB_NOTEBOOK_HOME (set per test by the suite's conftest) is the default home."""
    assert Journal().home == default_home()
    assert str(default_home()).endswith("camb-home")


def test_rows_round_trip_and_prefix_lookup(tmp_path: Path) -> None:
    """Upserted rows come back whole; find() matches id prefixes; unfinished() skips final states."""
    journal = Journal(tmp_path)
    journal.upsert(_record("abc1", task_id="t-1"))
    journal.upsert(_record("abd2", state="succeeded"))
    journal.upsert(_record("abc1", task_id="t-1", state="fetching", run_id=7))
    row = journal.get("abc1")
    assert row is not None and row.state == "fetching" and row.run_id == 7
    assert {r.id for r in journal.find("ab")} == {"abc1", "abd2"}
    assert [r.id for r in journal.unfinished()] == ["abc1"]
    assert journal.find("a%") == []
    journal.close()


def test_result_cache_returns_the_newest_result_per_request(tmp_path: Path) -> None:
    """cached_result finds stored results by (family, request hash) only."""
    journal = Journal(tmp_path)
    journal.store_result("j1", "translation", "h1", {"texts": ["one"]})
    journal.store_result("j2", "translation", "h1", {"texts": ["two"]})
    assert journal.cached_result("translation", "h1") == ("j2", {"texts": ["two"]})
    assert journal.cached_result("tts", "h1") is None
    assert journal.load_result("j1") == {"texts": ["one"]}
    journal.close()


def test_median_duration_uses_the_same_size_bucket(tmp_path: Path) -> None:
    """The ETA history is the median of finished jobs of the family with a similar input size."""
    journal = Journal(tmp_path)
    for i, seconds in enumerate([2.0, 4.0, 9.0]):
        journal.upsert(_record(f"s{i}", state="succeeded", size=10, submitted_at=0.0, finished_at=seconds))
    journal.upsert(_record("big", state="succeeded", size=5000, submitted_at=0.0, finished_at=100.0))
    journal.upsert(_record("failed", state="failed", size=10, submitted_at=0.0, finished_at=1.0))
    assert journal.median_duration("translation", 12) == 4.0
    assert journal.median_duration("translation", 4500) == 100.0
    assert journal.median_duration("translation", 100) is None
    assert journal.median_duration("tts", 10) is None
    journal.close()


def test_writes_of_one_loop_iteration_share_a_commit_and_a_request_is_written_once(
    tmp_path: Path,
) -> None:
    """Rows written `soon` (and results) commit together at the end of the loop iteration; a later row with
    an empty request keeps the stored one, also when both wait in memory for the same commit."""
    journal = Journal(tmp_path)
    commits: list[str] = []
    journal.db.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    writes = Writes(journal)

    async def burst() -> None:
        for i in range(20):
            writes.upsert(_record(f"j{i}", request='{"texts": ["a"]}'), soon=True)
        writes.upsert(_record("j0", request="", state="creating"), soon=True)
        writes.store_result("j1", "translation", "h1", {"texts": ["b"]})
        assert journal.get("j0") is None  # nothing is written before the iteration ends
        await writes.written()

    asyncio.run(burst())
    assert commits == ["COMMIT"] and writes.pending == 0
    row = journal.get("j0")
    assert row is not None and (row.state, row.request) == ("creating", '{"texts": ["a"]}')
    writes.upsert(_record("j0", request="", state="succeeded"))  # at once, outside any loop
    row = journal.get("j0")
    assert row is not None and (row.state, row.request) == ("succeeded", '{"texts": ["a"]}')
    assert journal.load_result("j1") == {"texts": ["b"]}
