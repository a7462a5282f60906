"""Dataset dry runs and budgets against the sandbox: what a dry run says is what the run creates; a budget
stops the run at a batch boundary, keeps what it wrote, and the same call with a larger budget continues.

Small datasets, tiny batches and chunks, so several batches and chunks per target are exercised quickly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from camb_notebook.api import UsageError
from camb_notebook.datasets import DatasetEstimate, DatasetJob
from camb_notebook.jobs import PollPolicy
from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb

# 14 rows in batches of 3: repeats inside and across batches, missing and blank rows, 9 distinct texts.
TEXTS = ["Alpha", "Beta", "Alpha", "Gamma", None, "Beta", "  ", "Delta one", "Epsilon", "Zeta", "Eta"]
TEXTS += ["Theta", "Gamma", "Iota"]
TARGETS = ["fr-fr", "de-de"]


@pytest.fixture
def camb(camb_sandbox: Sandbox, tmp_path: Path) -> Any:
    """A session on the sandbox with quick polls."""
    session = Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url, home=tmp_path / "home")
    session.manager.policy = PollPolicy(first=0.02, cap=0.05, jitter=0.0)
    yield session
    session.close()


def _source(tmp_path: Path, name: str = "in.parquet") -> Path:
    path = tmp_path / name
    pq.write_table(pa.table({"id": list(range(len(TEXTS))), "text": TEXTS}), path)
    return path


def _billed(sandbox: Sandbox) -> dict[str, int]:
    """Characters the sandbox billed per target, for the sandbox's key."""
    return sandbox.stats.characters_billed(sandbox.api_key)


def _assert_complete(dest: Path) -> None:
    """Every row in order, each text's translation, ok or skipped."""
    table = pq.read_table(dest)
    assert table.column("id").to_pylist() == list(range(len(TEXTS)))
    for row in table.to_pylist():
        text = row["text"]
        if text is None or not text.strip():
            assert row["camb_status"] == "skipped"
        else:
            assert row["camb_status"] == "ok", row
            assert [row[f"text_{t}"] for t in TARGETS] == [pseudo_localize(text, t) for t in TARGETS]


def test_a_dry_run_sends_nothing_and_says_what_the_run_then_creates(
    camb: Camb, camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    source, dest = _source(tmp_path, "in<b>.parquet"), tmp_path / "out.parquet"
    requests = sum(camb_sandbox.stats.requests.values())
    est = camb.translate_dataset(source, dest, to=TARGETS, batch_rows=3, chunk_size=2, dry_run=True)
    assert isinstance(est, DatasetEstimate)
    assert sum(camb_sandbox.stats.requests.values()) == requests  # nothing sent
    assert not dest.exists() and not (tmp_path / "out.parquet.camb-partial").exists()
    assert (est.rows, est.text_rows, est.batches, est.distinct_texts) == (14, 12, 5, 9)
    assert est.per_target["fr-fr"]["texts"] == est.per_target["de-de"]["texts"] == 9
    assert est.free_texts == 0 and est.tasks > 2 * 5  # chunks of 2 texts per batch and target
    html = est._repr_html_()
    assert "in&lt;b&gt;.parquet" in html and "<b>.parquet" not in html and "9 (deduped" in html
    assert "nothing sent" in repr(est) and list(est.to_frame().index) == TARGETS

    job = est.run()
    assert isinstance(job, DatasetJob)
    result = job.result(timeout=60)
    _assert_complete(dest)
    assert result.tasks_created == est.tasks == camb_sandbox.stats.total_tasks
    assert result.characters_sent == est.billable_characters
    assert _billed(camb_sandbox) == {t: est.per_target[t]["billable_characters"] for t in TARGETS}
    assert (result.texts_sent, result.not_sent_rows, result.budget) == (9, 0, None)

    # The same call again: the result cache holds every chunk, so a run would create nothing.
    again = camb.translate_dataset(source, dest, to=TARGETS, batch_rows=3, chunk_size=2, dry_run=True)
    assert (again.tasks, again.billable_characters, again.free_texts) == (0, 0, 18)


def test_a_budget_stops_at_a_batch_boundary_and_a_larger_one_continues(
    camb: Camb, camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    source, dest = _source(tmp_path), tmp_path / "out.parquet"
    partial = tmp_path / "out.parquet.camb-partial"
    call: dict[str, Any] = {"to": TARGETS, "batch_rows": 3}
    # One chunk per batch and target (2 tasks a batch, 5 batches with new texts); 3 tasks reach into batch 1.
    est = camb.translate_dataset(source, dest, max_tasks=3, dry_run=True, **call)
    assert (est.tasks, est.budget.tasks, est.not_sent_rows) == (10, 3, 11)
    assert "3/3 tasks" in dict(est.lines())["budget"]

    job = camb.translate_dataset(source, dest, max_tasks=3, **call)
    result = job.result(timeout=60)
    assert job.state == "succeeded" and "not_sent" in repr(job)
    assert (result.rows, result.not_sent_rows, result.tasks_created) == (3, 11, 3)
    assert result.budget is not None and result.budget.startswith("not_sent: the budget max_tasks=3")
    shown = job._repr_html_()  # the static display says why the run stopped and how to continue
    assert "stopped" in shown and "larger budget continues" in shown and "11 rows not_sent" in shown
    assert camb_sandbox.stats.total_tasks == 3
    assert not dest.exists() and [p.name for p in (partial / "parts").iterdir()] == ["part-000000.parquet"]

    # The session's default budget applies when the call sets none; too small for the next chunk, it
    # sends nothing and keeps the written batch.
    camb.manager.max_characters = 1
    small = camb.translate_dataset(source, dest, **call).result(timeout=60)
    assert (small.tasks_created, small.not_sent_rows, small.resumed_rows) == (0, 11, 3)
    assert small.budget is not None and "max_characters=1 " in small.budget
    assert camb_sandbox.stats.total_tasks == 3
    camb.manager.max_characters = None

    # A larger budget continues: batch 1's chunk sent before the stop comes from the result cache.
    rest = camb.translate_dataset(source, dest, max_tasks=100, **call).result(timeout=60)
    assert (rest.resumed_rows, rest.rows, rest.not_sent_rows, rest.tasks_created) == (3, 14, 0, 7)
    assert camb_sandbox.stats.total_tasks == est.tasks
    _assert_complete(dest)
    assert not partial.exists()


def test_bad_budgets_are_refused_before_anything_is_written(camb: Camb, tmp_path: Path) -> None:
    source, dest = _source(tmp_path), tmp_path / "out.parquet"
    with pytest.raises(UsageError, match="max_tasks must be at least 1, not 0"):
        camb.translate_dataset(source, dest, to=TARGETS, max_tasks=0)
    with pytest.raises(UsageError, match="max_characters must be a whole number"):
        camb.translate_dataset(source, dest, to=TARGETS, max_characters=1.5)  # type: ignore[arg-type]
    assert not (tmp_path / "out.parquet.camb-partial").exists()
