"""The journal under stress and over years (issue 15): locked, full, corrupt, unwritable, tampered, old.

A write refused after a create keeps the task in memory, says so in one line and lands later; a broken
journal gives one line and work goes on in memory; a tampered cache row is refetched; a journal written by
the first schema opens and migrates; ids are 64-bit and no row of another job is overwritten; pruning
shrinks the file; large audio lives beside it; a stored error re-raised keeps its traceback length.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import subprocess
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from journal_victim import REQUEST, TEXT
from reliability_helpers import wait_until

from camb_notebook.api import JobFailed
from camb_notebook.jobs import JobManager, JobRecord, Journal
from camb_notebook.jobs._prune import prune
from camb_notebook.jobs._schema import CURRENT, SCHEMA_V1
from camb_notebook.sandbox import Sandbox, pseudo_localize

EXPECTED = (pseudo_localize(TEXT, "fr-fr"),)


@pytest.fixture
def caught() -> Iterator[list[str]]:
    """Every warning text raised meanwhile (from any thread)."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        texts: list[str] = []
        yield texts
        texts.extend(str(w.message) for w in seen)


def _row_state(path: Path, job_id: str) -> str | None:
    """The state of one journal row, read from another connection."""
    db = sqlite3.connect(path)
    try:
        row = db.execute("SELECT state FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else str(row[0])
    finally:
        db.close()


def test_a_locked_journal_keeps_the_task_in_memory_and_writes_it_when_free(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """Item 3: another process holds the lock during create: the job succeeds, one line, written later."""
    manager = make_manager()
    manager.submit("translation", {**REQUEST, "texts": ["warm up"]}).result(timeout=10)
    locker = sqlite3.connect(manager.journal.path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        job = manager.submit("translation", REQUEST)
        assert job.result(timeout=30).texts == EXPECTED
    lines = [str(w.message) for w in seen if job.id in str(w.message)]
    assert len(lines) == 1 and str(job.task_id) in lines[0] and str(manager.journal.path) in lines[0]
    assert "\n" not in lines[0]
    assert _row_state(manager.journal.path, job.id) is None  # not written while locked
    locker.execute("ROLLBACK")
    locker.close()
    wait_until(lambda: _row_state(manager.journal.path, job.id) == "succeeded", timeout=15, what="row")
    assert camb_sandbox.stats.tasks_created["translation"] == 2


FULL_DISK = """
import json, os, resource, signal, sys
from camb_notebook.api import ApiClient
from camb_notebook.jobs import JobManager, PollPolicy
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
api = ApiClient(api_key=sys.argv[2], base_url=sys.argv[1])
manager = JobManager(api, policy=PollPolicy(first=0.02, cap=0.05))
request = {"texts": ["Durable hello"], "source_language": 1, "target_language": 76}
manager.submit("translation", {**request, "texts": ["warm up"]}).result(timeout=10)
home = manager.journal.home
limit = max(p.stat().st_size for p in home.iterdir())
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
job = manager.submit("translation", {**request, "texts": ["full disk " + "x" * 5000]})
print(json.dumps([job.result(timeout=30).texts[0][:30], job.task_id]))
"""


def test_a_full_disk_hands_the_paid_result_to_the_user(camb_sandbox: Sandbox) -> None:
    """Item 3: the journal cannot grow (RLIMIT_FSIZE in a child): the result still reaches the user."""
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, camb_sandbox.base_url, camb_sandbox.api_key],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    text, task_id = json.loads(done.stdout.strip().splitlines()[-1])
    assert text == pseudo_localize("full disk " + "x" * 5000, "fr-fr")[:30]
    assert task_id in done.stderr and "kept in memory" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("broken", ["corrupt", "unwritable"])
def test_a_broken_journal_gives_one_line_and_work_goes_on(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox, tmp_path: Path, broken: str
) -> None:
    """Item 7: a truncated file or a home that cannot be made: one line naming the file and the fix."""
    home = tmp_path / "home"
    if broken == "corrupt":
        home.mkdir()
        (home / "journal.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x17" * 700)
    else:
        (tmp_path / "file").write_text("not a folder")
        home = tmp_path / "file" / "home"
    manager = make_manager(home=home)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert manager.submit("translation", REQUEST).result(timeout=30).texts == EXPECTED
    [line] = [str(w.message) for w in seen]
    assert str(home / "journal.sqlite3") in line and "--repair" in line and "CAMB_NOTEBOOK_HOME" in line
    if broken == "corrupt":
        moved = manager.repair_journal()
        assert moved is not None and moved.exists() and not (home / "journal.sqlite3").exists()
        assert manager.submit("translation", {**REQUEST, "texts": ["after"]}).result(timeout=30)
        assert (home / "journal.sqlite3").exists()


def test_a_tampered_cache_row_is_ignored_and_refetched(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """Item 7: `{"texts": 5}` in the cache: one line, the result fetched again by run id, no new task."""
    manager = make_manager()
    manager.submit("translation", REQUEST).result(timeout=10)
    db = sqlite3.connect(manager.journal.path)
    db.execute("UPDATE results SET result = ?", (json.dumps({"texts": 5}),))
    db.commit()
    db.close()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        for _ in range(2):
            assert manager.submit("translation", REQUEST).result(timeout=10).texts == EXPECTED
    assert ["unreadable" in str(w.message) for w in seen] == [True]
    assert camb_sandbox.stats.tasks_created["translation"] == 1


def test_a_journal_written_by_the_first_schema_opens_and_migrates(tmp_path: Path) -> None:
    """Item 8: a v1 journal (no user_version) opens: its rows and results read, the version is stamped."""
    path = tmp_path / "journal.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_V1)
    db.execute(
        "INSERT INTO jobs VALUES ('a1b2c3d4', 'translation', 'h', '{}', 3, 'pending', 'PENDING', 't-1', NULL,"
        " 1.0, 2.0, 3.0, NULL, NULL, 4242)"
    )
    db.execute("INSERT INTO results VALUES ('a1b2c3d4', 'translation', 'h', '{\"texts\": [\"x\"]}', 5.0)")
    db.commit()
    db.close()
    journal = Journal(tmp_path)
    row = journal.get("a1b2c3d4")
    assert row is not None and (row.task_id, row.pid, row.key_id, row.heartbeat) == ("t-1", 4242, "", 0.0)
    assert journal.load_result("a1b2c3d4") == {"texts": ["x"]}
    assert journal.db.execute("PRAGMA user_version").fetchone()[0] == CURRENT
    journal.close()
    assert Journal(tmp_path).unfinished()[0].id == "a1b2c3d4"  # opening again migrates nothing


def test_job_ids_are_64_bit_and_another_jobs_row_is_never_overwritten(
    make_manager: Callable[..., JobManager], tmp_path: Path
) -> None:
    """Item 8: 16 hex digits; an upsert of the same id for a different job is refused, not replaced."""
    job = make_manager().submit("translation", REQUEST)
    assert len(job.id) == 16 and int(job.id, 16) >= 0
    journal = Journal(tmp_path / "ids")
    fields = ("translation", "h", "{}", 1, "queued", None, None, None, 1.0, None, 1.0, None, None, 1)
    mine = JobRecord("abc", *fields)
    journal.upsert(mine)
    with pytest.raises(sqlite3.IntegrityError):
        journal.upsert(JobRecord(**{**mine.__dict__, "created_at": 2.0, "family": "tts"}))
    assert journal.get("abc") == mine


def test_prune_drops_old_jobs_and_caps_the_cache_and_audio_lives_in_files(tmp_path: Path) -> None:
    """Item 8: old finished jobs go (unfinished stay); results over the cap go oldest first; big audio
    is a file beside the journal, read back whole; URL results expire."""
    journal = Journal(tmp_path)
    audio = base64.b64encode(bytes(range(256)) * 1024).decode()  # 256 KB
    journal.store_result("tts1", "tts", "h1", {"audio": audio, "content_type": "audio/wav"})
    assert (tmp_path / "results" / "tts1.audio").stat().st_size == 256 * 1024
    assert journal.load_result("tts1") == {"audio": audio, "content_type": "audio/wav"}
    row = journal.db.execute("SELECT length(result) FROM results WHERE job_id = 'tts1'").fetchone()
    assert row[0] < 200
    now = time.time()
    for i, (state, age) in enumerate([("succeeded", 40), ("pending", 40), ("failed", 1)]):
        done = None if state == "pending" else now - age * 86400
        base = ("translation", "h", "{}", 1, state, None, None, None, 1.0, None, 1.0, done, None, 1)
        journal.upsert(JobRecord(f"j{i}", *base))
    report = prune(journal, max_cache_bytes=1)  # default age: 30 days
    assert (report.jobs, report.results, {r.id for r in journal.recent()}) == (1, 1, {"j1", "j2"})
    assert not (tmp_path / "results" / "tts1.audio").exists()
    journal.url_ttl = -1.0
    journal.store_result("dub", "dubbing", "h2", {"audio_url": "https://x/a.wav"})
    assert journal.cached_result("dubbing", "h2") == ("dub", None)  # expired: fetched again


def test_re_raising_a_stored_error_does_not_grow_its_traceback(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """Item 9: result() of a failed job 200 times: the traceback is as long the last time as the first."""
    camb_sandbox.fail_next("error=BAD_INPUT", route="POST translate")
    failed = make_manager().submit("translation", REQUEST)
    lengths = []
    for _ in range(200):
        with pytest.raises(JobFailed) as raised:
            failed.result(timeout=10)
        lengths.append(len(traceback.extract_tb(raised.value.__traceback__)))
    assert lengths[0] == lengths[-1] < 20, lengths[:3]
