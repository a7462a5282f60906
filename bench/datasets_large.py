"""The 5M run of scenario 6 alone (`translate_dataset`, 50,000-row batches), then `verify` of its output.

Each step is a fresh process (`datasets.py run` / `verify`), the sandbox in its own process, as in
`datasets.py`; writes bench/datasets-large-only.json. Usage: `python bench/datasets_large.py [ROWS]`.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from datasets import _worker, make_dataset
from sandbox_proc import SandboxProcess

if __name__ == "__main__":
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
    with tempfile.TemporaryDirectory(prefix="camb-bench-large-") as tmp, SandboxProcess() as sb:
        root = Path(tmp)
        make_dataset(root / "in.parquet", rows)
        sb.setup(0.0, None)
        args = [str(root / "in.parquet"), str(root / "out.parquet"), str(root / "home"), sb.base_url]
        result = _worker("run", "dataset", str(rows), "50000", *args)
        result["sandbox_tasks"] = sum(sb.stats()["tasks_created"].values())
        print(json.dumps(result), flush=True)
        result["verify"] = _worker("verify", args[0], args[1])
        print(json.dumps(result["verify"]), flush=True)
    (Path(__file__).parent / "datasets-large-only.json").write_text(json.dumps(result, indent=1) + "\n")
