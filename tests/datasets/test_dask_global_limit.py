"""`ddf.camb.translate` on a real LocalCluster (4 worker processes): one limit for the whole cluster.

40 partitions, each one engine batch (2 tasks: one chunk × 2 targets) in its worker's own process; two
partitions run at once per worker, so without a shared limit 4 workers could hold 16 tasks open. Every
worker's engine takes a lease of one `distributed.Semaphore(max_leases=8)` per task in flight, so the sandbox
never sees more than 8 open at once. Results equal a single-process run's. A partition that Dask runs again
(its worker died with the partition's tasks in flight, or the graph is computed twice) creates no task twice:
the workers share one journal, so the rerun adopts the dead worker's tasks and reuses finished results.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import dask
import dask.dataframe as dd
import pandas as pd
import pytest
from distributed import Client, LocalCluster
from suite_helpers import hold_tasks, release_tasks, wait_until

from camb_notebook.frames import register_dask_accessor
from camb_notebook.jobs import PollPolicy
from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb

# Importing camb_notebook.frames registers ddf.camb only if dask.dataframe was loaded first; a module of the
# same pytest process may have imported frames before dask (then this import is a no-op), so register here.
register_dask_accessor()

LIMIT = 8


@pytest.fixture(scope="module")
def cluster() -> Iterator[Client]:
    """Four worker processes, two threads each (forkserver: one clean interpreter forks the workers)."""
    with (
        dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"}),
        LocalCluster(n_workers=4, threads_per_worker=2, processes=True, dashboard_address=":0") as local,
        Client(local) as client,
    ):
        yield client


def test_forty_partitions_on_four_workers_stay_under_one_limit(
    cluster: Client, camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    camb_sandbox.config.processing_time["translation"] = 0.2  # tasks overlap, so a missing limit would show
    camb = Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url, home=tmp_path / "home")
    camb.manager.policy = PollPolicy(first=0.05, cap=0.1, jitter=0.0)
    try:
        frame = pd.DataFrame({"id": range(800), "text": [f"review {i % 560}" for i in range(800)]})
        ddf = dd.from_pandas(frame, npartitions=40)
        lazy = ddf.camb.translate(
            "text", to=["fr-fr", "de-de"], session=camb, max_in_flight=LIMIT, chunk_size=10
        )
        assert isinstance(lazy, dd.DataFrame) and camb_sandbox.stats.total_tasks == 0  # nothing ran yet
        out = lazy.compute()
        stats = camb_sandbox.stats
        assert 1 < stats.peak_concurrent_tasks <= LIMIT, stats
        assert len(cluster.run(lambda: 1)) == 4  # the work ran in four worker processes

        camb_sandbox.reset()
        single = ddf.compute().camb.translate("text", to=["fr-fr", "de-de"], session=camb, cache=False)
        pd.testing.assert_frame_equal(out, single.result(timeout=120))
        assert out["text_fr-fr"].tolist() == [pseudo_localize(t, "fr-fr") for t in frame["text"]]
    finally:
        camb.close()


def _journaled_tasks(home: Path) -> int:
    """Journal rows holding a task_id (read while the workers run: SQLite WAL allows it)."""
    db = sqlite3.connect(home / "journal.sqlite3", timeout=10)
    try:
        return int(db.execute("SELECT count(*) FROM jobs WHERE task_id IS NOT NULL").fetchone()[0])
    finally:
        db.close()


def test_partitions_rerun_after_their_workers_died_create_no_task_twice(
    cluster: Client, camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    """Kill every worker while the partitions' tasks are in flight: Dask runs those partitions again on the
    restarted workers, and the sandbox still sees one create per distinct chunk (then none on a recompute)."""
    home = tmp_path / "home"
    camb = Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url, home=home)
    camb.manager.policy = PollPolicy(first=0.05, cap=0.1, jitter=0.0)
    try:
        # 6 partitions of 10 rows; the last three repeat the first three: 6 distinct chunks x 2 targets.
        frame = pd.DataFrame({"id": range(60), "text": [f"comment {i % 30}" for i in range(60)]})
        ddf = dd.from_pandas(frame, npartitions=6, sort=False)
        lazy = ddf.camb.translate(
            "text", to=["fr-fr", "de-de"], session=camb, max_in_flight=LIMIT, chunk_size=10
        )
        hold_tasks(camb_sandbox, "translation")
        future = cluster.compute(lazy)
        distinct = 6  # 3 distinct partitions x 2 targets, one chunk each: held PENDING by the sandbox
        wait_until(
            lambda: camb_sandbox.stats.total_tasks == distinct and _journaled_tasks(home) == distinct,
            120,
            "every distinct chunk created and journaled",
        )
        dead = set(cluster.run(os.getpid).values())
        for pid in dead:  # fault timing: every worker dies mid-partition; the nannies start new ones
            os.kill(pid, signal.SIGKILL)
        release_tasks(camb_sandbox)
        out = future.result(timeout=180)
        assert not dead & set(cluster.run(os.getpid).values())  # the partitions ran again, elsewhere
        assert camb_sandbox.stats.total_tasks == distinct  # the reruns adopted the dead workers' tasks
        assert out["text_de-de"].tolist() == [pseudo_localize(t, "de-de") for t in frame["text"]]
        assert (out["camb_status"] == "ok").all()

        again = lazy.compute()  # the whole graph computed a second time: every chunk from the shared cache
        assert camb_sandbox.stats.total_tasks == distinct
        pd.testing.assert_frame_equal(again, out)
    finally:
        release_tasks(camb_sandbox)
        camb.close()


def test_a_recomputed_partition_does_not_resend_an_ambiguous_chunk(
    cluster: Client, camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    """A create the server made whose answer was cut: running the cell again creates it only when asked."""
    camb = Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url, home=tmp_path / "home")
    camb.manager.policy = PollPolicy(first=0.05, cap=0.1, jitter=0.0)
    try:
        frame = pd.DataFrame({"id": range(40), "text": [f"cut partition row {i}" for i in range(40)]})
        ddf = dd.from_pandas(frame, npartitions=4)  # 4 partitions, one chunk each
        camb_sandbox.fail_next("cut", route="POST translate")
        lazy = ddf.camb.translate("text", to="fr-fr", session=camb, chunk_size=10, qa=False)
        held = cluster.compute(lazy)  # the first run's partitions stay in the cluster during the rerun
        assert (held.result(timeout=180)["camb_status"] == "failed").sum() == 10
        assert camb_sandbox.stats.total_tasks == 4  # the cut create made its task too
        rerun = ddf.camb.translate(
            "text", to="fr-fr", session=camb, chunk_size=10, qa=False
        )  # the cell again
        again = rerun.compute()
        failed = again[again["camb_status"] == "failed"]
        assert len(failed) == 10 and failed["camb_error"].str.contains("resend_ambiguous=True").all()
        assert camb_sandbox.stats.total_tasks == 4  # not sent again unasked
        del held
        sent = ddf.camb.translate(
            "text", to="fr-fr", session=camb, chunk_size=10, qa=False, resend_ambiguous=True
        )
        out = sent.compute()
        assert out["text_fr-fr"].tolist() == [pseudo_localize(t, "fr-fr") for t in frame["text"]]
        assert camb_sandbox.stats.total_tasks == 5
    finally:
        camb.close()
