"""camb.translate_dataset against the sandbox: formats in, Parquet out, cross-batch dedupe, bad input.

Small datasets with tiny batches so several batches, parts and the seen-texts store are exercised quickly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from suite_helpers import wait_until

from camb_notebook.api import UsageError
from camb_notebook.datasets import DatasetJob
from camb_notebook.jobs import BatchJob, PollPolicy
from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb

TEXTS = ["Hello", "World", None, "Hello", "  ", "Bye", "World", "New one", "Hello"]


@pytest.fixture
def camb(camb_sandbox: Sandbox, tmp_path: Path) -> Camb:
    """A session on the sandbox with quick polls."""
    session = Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url, home=tmp_path / "home")
    session.manager.policy = PollPolicy(first=0.02, cap=0.05, jitter=0.0)
    yield session
    session.close()


def _check(table: pa.Table, ids: list[int]) -> None:
    """Input columns first, then the df.camb.translate columns; every value is the sandbox's translation."""
    assert table.column_names == ["id", "text", "text_fr-fr", "text_de-de", "camb_status", "camb_error"]
    assert table.column("id").to_pylist() == ids
    for row in table.to_pylist():
        text = row["text"]
        if text is None or not text.strip():
            assert (row["text_fr-fr"], row["camb_status"]) == (None, "skipped")
        else:
            assert row["text_fr-fr"] == pseudo_localize(text, "fr-fr")
            assert row["text_de-de"] == pseudo_localize(text, "de-de")
            assert (row["camb_status"], row["camb_error"]) == ("ok", None)


def test_parquet_to_parquet_in_batches_dedupes_across_batches(
    camb: Camb, camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": list(range(len(TEXTS))), "text": TEXTS}), source, row_group_size=4)
    job = camb.translate_dataset(source, tmp_path / "out.parquet", to=["fr-fr", "de-de"], batch_rows=2)
    assert isinstance(job, DatasetJob) and isinstance(job, BatchJob)
    result = job.result(timeout=60)
    _check(pq.read_table(tmp_path / "out.parquet"), list(range(len(TEXTS))))
    assert (result.rows, job.done_count, job.total, job.progress()) == (9, 9, 9, (1.0, 0.0))
    # Hello/World/Bye/New one are sent once each; repeats in later batches come from the seen texts.
    assert (result.texts_sent, result.texts_reused) == (4, 3)
    assert not (tmp_path / "out.parquet.camb-partial").exists()
    # Memory per batch, not per row: no batch's handle, chunk jobs or request info stays in the session
    # (a handle kept per batch held its texts and translations: 700 MiB growth at 5M rows).
    registry = camb.manager.registry
    wait_until(lambda: not (registry.batches or registry.jobs or registry.infos), 10, "the session to forget")


def test_csv_and_jsonl_to_a_directory_of_parts(camb: Camb, tmp_path: Path) -> None:
    csv = tmp_path / "in.csv"
    csv.write_text("id,text\n" + "".join(f'{i},"{t or ""}"\n' for i, t in enumerate(TEXTS)), encoding="utf-8")
    camb.translate_dataset(csv, tmp_path / "csv_out", to=["fr-fr", "de-de"], batch_rows=4).result(timeout=60)
    assert sorted(p.name for p in (tmp_path / "csv_out").iterdir())[0] == "part-000000.parquet"
    _check(pq.read_table(tmp_path / "csv_out"), list(range(len(TEXTS))))

    lines = tmp_path / "in.jsonl"
    lines.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(TEXTS)), "utf-8")
    camb.translate_dataset(lines, tmp_path / "j.parquet", to=["fr-fr", "de-de"], batch_rows=5).result(
        timeout=60
    )
    _check(pq.read_table(tmp_path / "j.parquet"), list(range(len(TEXTS))))


def test_bad_input_fails_before_anything_starts(camb: Camb, tmp_path: Path) -> None:
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [1, 2], "text": ["a", "b"]}), source)
    with pytest.raises(UsageError, match="no column 'body'"):
        camb.translate_dataset(source, tmp_path / "o.parquet", column="body", to=["fr-fr"])
    with pytest.raises(UsageError, match="no such dataset"):
        camb.translate_dataset(tmp_path / "missing.parquet", tmp_path / "o.parquet", to=["fr-fr"])
    with pytest.raises(UsageError, match="cannot tell the format"):
        camb.translate_dataset(source.rename(tmp_path / "in.data"), tmp_path / "o.parquet", to=["fr-fr"])
    (tmp_path / "exists.parquet").write_bytes(b"x")
    with pytest.raises(UsageError, match="already exists"):
        camb.translate_dataset(
            tmp_path / "in.data", tmp_path / "exists.parquet", to=["fr-fr"], format="parquet"
        )


def test_non_string_values_fail_the_run_naming_rows_unless_coerced(camb: Camb, tmp_path: Path) -> None:
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"text": [1, 2, 3]}), source)
    job = camb.translate_dataset(source, tmp_path / "o.parquet", to=["fr-fr"])
    with pytest.raises(UsageError, match=r"3 non-string value\(s\) \(int\) at row\(s\) 0, 1, 2"):
        job.result(timeout=60)
    # The same call with errors="coerce" continues that run (errors= is not part of the call's identity).
    out = camb.translate_dataset(source, tmp_path / "o.parquet", to=["fr-fr"], errors="coerce").result(
        timeout=60
    )
    assert out.rows == 3
    assert pq.read_table(tmp_path / "o.parquet").column("camb_status").to_pylist() == ["skipped"] * 3


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"text_fr-fr": ["x", "y"]}, "'text_fr-fr'"),
        ({"camb_status": ["ok", "ok"]}, "'camb_status'"),
        ({"camb_error_de-de": [None, None], "camb_error": [None, None]}, "'camb_error_de-de', 'camb_error'"),
    ],
)
def test_input_with_an_output_column_is_refused_before_anything_is_written(
    camb: Camb, camb_sandbox: Sandbox, tmp_path: Path, extra: dict[str, list[str | None]], named: str
) -> None:
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [1, 2], "text": ["Hello", "World"], **extra}), source)
    created = camb_sandbox.stats.total_tasks
    dest = tmp_path / "out.parquet"
    with pytest.raises(UsageError, match=f"already has the output column\\(s\\) {named};") as caught:
        camb.translate_dataset(source, dest, to=["fr-fr", "de-de"])
    assert "\n" not in str(caught.value)
    assert not dest.exists() and not (tmp_path / "out.parquet.camb-partial").exists()
    assert camb_sandbox.stats.total_tasks == created
    # Another target has no collision with a translation column: the run goes through and reads back by name.
    if "text_fr-fr" in extra:
        camb.translate_dataset(source, dest, to=["de-de"]).result(timeout=60)
        table = pq.read_table(dest)
        assert table.column("text_de-de").to_pylist() == [
            pseudo_localize(t, "de-de") for t in ["Hello", "World"]
        ]
        assert table.column("text_fr-fr").to_pylist() == ["x", "y"]
