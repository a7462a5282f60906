"""The batch_rows sweep of scenario 6 alone: `translate_dataset` over 1M rows at 10k/50k/200k-row batches.

Each run is a fresh process (`datasets.py run`), the sandbox in its own process, as in `datasets.py`; writes
bench/datasets-sweep.json. Usage: `python bench/datasets_sweep.py [ROWS]`.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from datasets import _worker, make_dataset
from sandbox_proc import SandboxProcess

if __name__ == "__main__":
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = []
    with tempfile.TemporaryDirectory(prefix="camb-bench-sweep-") as tmp, SandboxProcess() as sb:
        root = Path(tmp)
        make_dataset(root / "in.parquet", rows)
        for number, batch_rows in enumerate((50_000, 10_000, 200_000)):
            sb.setup(0.0, None)
            dest, home = root / f"out-{number}.parquet", root / f"home-{number}"
            result = _worker(
                "run",
                "dataset",
                str(rows),
                str(batch_rows),
                str(root / "in.parquet"),
                str(dest),
                str(home),
                sb.base_url,
            )
            result["sandbox_tasks"] = sum(sb.stats()["tasks_created"].values())
            print(json.dumps(result), flush=True)
            runs.append(result)
    (Path(__file__).parent / "datasets-sweep.json").write_text(json.dumps({"runs": runs}, indent=1) + "\n")
