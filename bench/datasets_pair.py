"""Scenario 6's throughput pair alone: in-memory path, then `translate_dataset` (50,000-row batches).

Each run is a fresh process (`datasets.py run`), the sandbox in its own process, back to back in the same
conditions; writes bench/datasets-pair.json with the ratio. Usage: `python bench/datasets_pair.py [ROWS]`.
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
    with tempfile.TemporaryDirectory(prefix="camb-bench-pair-") as tmp, SandboxProcess() as sb:
        root = Path(tmp)
        make_dataset(root / "in.parquet", rows)
        for number, mode in enumerate(("memory", "dataset")):
            sb.setup(0.0, None)
            args = [
                str(root / "in.parquet"),
                str(root / f"out-{number}.parquet"),
                str(root / f"home-{number}"),
            ]
            result = _worker("run", mode, str(rows), "50000", *args, sb.base_url)
            result["sandbox_tasks"] = sum(sb.stats()["tasks_created"].values())
            print(json.dumps(result), flush=True)
            runs.append(result)
    ratio = runs[1]["rows_per_s"] / runs[0]["rows_per_s"]
    print(json.dumps({"ratio": ratio}))
    (Path(__file__).parent / "datasets-pair.json").write_text(
        json.dumps({"runs": runs, "ratio": ratio}, indent=1) + "\n"
    )
