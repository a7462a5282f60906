"""`%camb dataset translate` with `--dry-run` and `--max-tasks` on the sandbox (as other batches)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from IPython.utils.io import capture_output

from camb_notebook.datasets import DatasetEstimate

TEXTS = ["Alpha", "Beta", "Alpha", "Gamma", None, "Beta", "  ", "Delta one", "Epsilon", "Zeta", "Eta"]
TEXTS += ["Theta", "Gamma", "Iota"]


def _source(tmp_path: Path) -> Path:
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": list(range(len(TEXTS))), "text": TEXTS}), path)
    return path


def test_the_magic_shows_a_dry_run_and_caps_a_run(ip: Any, sandboxed: Any, tmp_path: Path) -> None:
    source, dest = _source(tmp_path), tmp_path / "out.parquet"
    line = f"dataset translate {source} {dest} --to fr-fr,de-de --batch-rows 3"
    with capture_output():
        shown = ip.run_cell(f"%camb {line} --dry-run")
        refused = ip.run_cell(f"%camb {line} --dry-run --wait")
        capped = ip.run_cell(f"%camb res << {line} --max-tasks 2 --wait")
    assert shown.success and isinstance(shown.result, DatasetEstimate) and shown.result.tasks == 10
    assert "nothing to --wait for" in str(refused.error_in_exec)
    assert capped.success and ip.user_ns["res"].not_sent_rows == 11
    assert sandboxed.stats.total_tasks == 2 and not dest.exists()


def test_resend_ambiguous_sends_the_chunk_a_cut_create_left_unknown(
    ip: Any, sandboxed: Any, tmp_path: Path
) -> None:
    source, dest = _source(tmp_path), tmp_path / "out.parquet"
    line = f"%camb res << dataset translate {source} {dest} --to fr-fr --wait"
    sandboxed.fail_next("cut", route="POST translate")  # the task is made, its id never reaches the client
    with capture_output():
        stopped = ip.run_cell(line)
        again = ip.run_cell(line)
    assert "resend_ambiguous=True" in str(getattr(stopped.error_in_exec, "hint", ""))
    assert not again.success and sandboxed.stats.total_tasks == 1  # never resent unasked
    with capture_output():
        done = ip.run_cell(line + " --resend-ambiguous")
    assert done.success and ip.user_ns["res"].rows == 14 and dest.exists()
    assert sandboxed.stats.total_tasks == 2
