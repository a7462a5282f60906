"""A cancelled frame batch: rows its cancel stopped are `cancelled`, never `failed` (the user chose it)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from suite_helpers import wait_until

import camb_notebook.frames  # noqa: F401  (registers df.camb)
from camb_notebook.sandbox import Sandbox, pseudo_localize


def test_rows_a_cancel_stopped_are_cancelled_and_finished_ones_stay_ok(
    camb: Any, camb_sandbox: Sandbox
) -> None:
    """The first chunk finishes, then the cancel: its rows are ok, every other row is cancelled."""
    camb_sandbox.configure(processing_time={"translation": 0.05})
    df = pd.DataFrame({"text": [f"row {i}" for i in range(30)]})
    batch = df.camb.translate("text", to="fr-fr", chunk_size=10, concurrency=1, session=camb)
    wait_until(lambda: batch.done_count >= 10, what="the first chunk")
    camb_sandbox.configure(processing_time={"translation": 30.0})
    wait_until(lambda: len(batch.jobs) >= 2, what="the second chunk created")
    batch.cancel()
    out = batch.result(timeout=30)
    counts = out["camb_status"].value_counts().to_dict()
    assert counts.get("failed", 0) == 0 and counts.get("cancelled", 0) >= 10, counts
    done = out[out["camb_status"] == "ok"]
    assert (done["text_fr-fr"] == [pseudo_localize(t, "fr-fr") for t in done["text"]]).all()
    assert out.loc[out["camb_status"] == "cancelled", "camb_error"].str.contains("JobCancelled").all()
    long = df.camb.translate("text", to="fr-fr", shape="long", session=camb)
    long.cancel()
    assert set(long.result(timeout=30)["camb_status"]) <= {"ok", "cancelled"}
