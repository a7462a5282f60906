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

# The output columns after the input's, in df.camb.translate's order.
OUTPUTS = [
    "text_fr-fr",
    "text_de-de",
    "camb_status_fr-fr",
    "camb_error_fr-fr",
    "camb_status_de-de",
    "camb_error_de-de",
    "camb_status",
    "camb_error",
]
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
    assert table.column_names == ["id", "text", *OUTPUTS]
    assert table.column("id").to_pylist() == ids
    for row in table.to_pylist():
        text = row["text"]
        if text is None or not text.strip():
            assert (row["text_fr-fr"], row["camb_status"]) == (None, "skipped")
            assert (row["camb_status_fr-fr"], row["camb_status_de-de"]) == ("skipped", "skipped")
        else:
            assert row["text_fr-fr"] == pseudo_localize(text, "fr-fr")
            assert row["text_de-de"] == pseudo_localize(text, "de-de")
            assert (row["camb_status"], row["camb_error"]) == ("ok", None)
            assert (row["camb_status_fr-fr"], row["camb_error_de-de"]) == ("ok", None)


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


def test_status_columns_equal_the_frames_on_the_same_data_with_a_failed_chunk(
    camb: Camb, camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    import pandas as pd

    import camb_notebook.frames  # noqa: F401  (registers df.camb)

    texts = [*TEXTS, "Ünïcode ✓", "Last"]
    frame = pd.DataFrame({"id": list(range(len(texts))), "text": texts})
    source = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), source)
    # One chunk per target, one at a time, no cache: the first create (fr-fr) of each run fails. (A dataset
    # writes no QA columns: the frame's are left out.)
    options = {"to": ["fr-fr", "de-de"], "cache": False, "concurrency": 1}
    camb_sandbox.fail_next("error=SOURCE_NOT_FOUND", route="POST translate", times=1)
    expected = frame.camb.translate("text", session=camb, qa=False, **options).result(timeout=60)
    camb_sandbox.fail_next("error=SOURCE_NOT_FOUND", route="POST translate", times=1)
    camb.translate_dataset(source, tmp_path / "out.parquet", **options).result(timeout=60)
    got = pq.read_table(tmp_path / "out.parquet").to_pandas()

    assert list(got.columns) == list(expected.columns) == ["id", "text", *OUTPUTS]
    assert set(got["camb_status_fr-fr"]) == {"failed", "skipped"} and set(got["camb_status"]) == {
        "failed",
        "skipped",
    }
    assert set(got["camb_status_de-de"]) == {"ok", "skipped"}

    def cells(df: pd.DataFrame) -> list[list[object]]:
        return [[None if pd.isna(v) else v for v in row] for row in df[OUTPUTS].itertuples(index=False)]

    assert cells(got) == cells(expected)


def test_an_unfinished_run_of_the_old_output_layout_is_refused_with_one_line(
    camb: Camb, camb_sandbox: Sandbox, tmp_path: Path
) -> None:
    source, dest = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.table({"id": [1, 2], "text": ["Hello", "World"]}), source)
    job = camb.translate_dataset(source, dest, to=["fr-fr"], batch_rows=1)
    job.result(timeout=60)
    # The state an earlier version left: its manifest (version 1) and a part without the per-target columns.
    partial = tmp_path / "out.parquet.camb-partial"
    (partial / "parts").mkdir(parents=True)
    manifest = dict(job._state.manifest)
    manifest["version"] = 1
    (partial / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    old = pa.table(
        {"id": [1], "text": ["Hello"], "text_fr-fr": ["x"], "camb_status": ["ok"], "camb_error": [None]}
    )
    pq.write_table(old, partial / "parts" / "part-000000.parquet")
    dest.unlink()
    created = camb_sandbox.stats.total_tasks
    with pytest.raises(UsageError, match="written by another version of camb-notebook") as caught:
        camb.translate_dataset(source, dest, to=["fr-fr"], batch_rows=1)
    assert "\n" not in str(caught.value) and "overwrite=True" in str(caught.value.hint)
    assert camb_sandbox.stats.total_tasks == created and not dest.exists()
    # Starting over writes the new layout; the result cache serves both texts (no task created).
    camb.translate_dataset(source, dest, to=["fr-fr"], batch_rows=1, overwrite=True).result(timeout=60)
    assert pq.read_table(dest).column_names == [
        "id",
        "text",
        "text_fr-fr",
        "camb_status_fr-fr",
        "camb_error_fr-fr",
        "camb_status",
        "camb_error",
    ]
    assert camb_sandbox.stats.total_tasks == created
