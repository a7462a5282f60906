"""`ddf.camb.translate` on a real LocalCluster (4 worker processes): one limit for the whole cluster.

40 partitions, each one engine batch (2 tasks: one chunk × 2 targets) in its worker's own process; two
partitions run at once per worker, so without a shared limit 4 workers could hold 16 tasks open. Every
worker's engine takes a lease of one `distributed.Semaphore(max_leases=8)` per task in flight, so the sandbox
never sees more than 8 open at once. Results equal a single-process run's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dask
import dask.dataframe as dd
import pandas as pd
import pytest
from distributed import Client, LocalCluster

import camb_notebook.frames  # noqa: F401  (registers df.camb, and ddf.camb since dask.dataframe is loaded)
from camb_notebook.jobs import PollPolicy
from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb

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
