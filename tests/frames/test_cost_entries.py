"""Dry runs and budgets through the session's and the frame's batch entries (the engine's options)."""

from __future__ import annotations

import pandas as pd
import pytest

import camb_notebook.frames  # noqa: F401  (registers df.camb)
from camb_notebook.api import UsageError
from camb_notebook.jobs import Estimate
from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb


def _requests(sandbox: Sandbox) -> int:
    """Every API request the sandbox saw."""
    return sum(sandbox.stats.requests.values())


def test_camb_translate_list_dry_run_is_an_estimate_and_run_starts_it(
    camb: Camb, camb_sandbox: Sandbox
) -> None:
    """`camb.translate(list, to=[...], dry_run=True)` sends nothing; `.run()` bills what it said."""
    texts = ["Hello", "Hello", "Good morning", None]
    estimate = camb.translate(texts, to=["fr-fr", "de-de"], dry_run=True)
    assert isinstance(estimate, Estimate) and _requests(camb_sandbox) == 0
    assert (estimate.rows, estimate.distinct_texts, estimate.tasks) == (4, 2, 2)
    assert estimate.billable_characters == 2 * len("HelloGood morning")
    result = estimate.run().result(timeout=30)
    assert result["de-de"] == [pseudo_localize(t, "de-de") if t else None for t in texts]
    assert camb_sandbox.stats.characters_billed(camb_sandbox.api_key) == {"fr-fr": 17, "de-de": 17}


def test_single_target_translate_refuses_batch_options(camb: Camb) -> None:
    """dry_run and budgets belong to batches: a one-target call says so in one line."""
    with pytest.raises(UsageError, match="dry_run apply to batches"):
        camb.translate("Hello", to="fr-fr", dry_run=True)
    with pytest.raises(UsageError, match="max_characters apply to batches"):
        camb.translate("Hello", to="fr-fr", max_characters=10)


def test_frame_dry_run_then_a_budget_marks_unsent_rows_not_sent(camb: Camb, camb_sandbox: Sandbox) -> None:
    """df.camb.translate: dry run first; then a budget leaves rows `not_sent`, in wide and long frames."""
    frame = pd.DataFrame({"text": [f"sentence number {i:02d}" for i in range(20)]})  # 18 characters each
    estimate = frame.camb.translate("text", to=["fr-fr"], chunk_size=5, session=camb, dry_run=True)
    assert isinstance(estimate, Estimate) and _requests(camb_sandbox) == 0
    assert estimate.billable_characters == 360 and estimate.tasks == 4

    wide = frame.camb.translate("text", to=["fr-fr"], chunk_size=5, session=camb, max_characters=200)
    out = wide.result(timeout=30)
    assert list(out["camb_status"]) == ["ok"] * 10 + ["not_sent"] * 10
    message = "fr-fr: not_sent: the budget max_characters=200 stopped the batch"
    assert out["camb_error"].iloc[-1].startswith(message)
    assert camb_sandbox.stats.characters_billed(camb_sandbox.api_key) == {"fr-fr": 180}
    assert wide.summary().characters == (180, 180)

    long = frame.camb.translate(
        "text", to=["fr-fr", "de-de"], chunk_size=5, shape="long", session=camb, max_tasks=3
    )
    statuses = long.result(timeout=30)["camb_status"].value_counts().to_dict()
    # In send order: fr c0 (cached), de c0, fr c1 (cached), de c1, fr c2: three creates; then the cap.
    assert statuses == {"ok": 25, "not_sent": 15}


def test_frame_dry_run_with_into_is_one_line(camb: Camb) -> None:
    """A dry run has no frame to store: `into=` with it is refused."""
    frame = pd.DataFrame({"text": ["a"]})
    with pytest.raises(UsageError, match="into="):
        frame.camb.translate("text", to=["fr-fr"], session=camb, dry_run=True, into="out")
