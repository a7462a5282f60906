"""Memory at scale (issue 17): peak RSS growth of a 1M-row × 2-target batch against its output frame.

Each size runs in a fresh worker process (bench/scale.py's worker: VmHWM of that process alone), processing
0 s, 1,000 texts per chunk; the input column is pandas' default text dtype (Arrow-backed `str` on pandas 3)
and, beside it, an object column. Writes bench/memory.json and the "Memory" section of bench/RESULTS.md.
Usage: `python bench/memory.py [--quick]` (quick: 100k rows, printed only).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from importlib.metadata import version  # noqa: E402

import scale  # noqa: E402
from sandbox_proc import SandboxProcess  # noqa: E402

BEGIN, END = "<!-- memory:begin -->", "<!-- memory:end -->"
MIB = 1024 * 1024


def _row(run: dict[str, Any]) -> str:
    """One table row: sizes in MiB and the growth ratios."""
    growth = run["peak_rss"] - run["rss_before"]
    return (
        f"| {run['rows']:,} | {run['input_dtype']} | {run['tasks']:,} | {run['frame_bytes'] / MIB:.0f} MiB "
        f"| {run['out_bytes'] / MIB:.0f} MiB | {growth / MIB:.0f} MiB | {growth / run['frame_bytes']:.1f}× "
        f"| **{growth / run['out_bytes']:.2f}×** | {run['assemble']:.2f} s |"
    )


def section(result: dict[str, Any]) -> str:
    """The RESULTS.md section between its markers."""
    lines = [
        BEGIN,
        "## Memory at scale (issue 17)",
        "",
        f"`python bench/memory.py` on {result['when']} (commit {result.get('commit', '?')}), pandas "
        f"{result['pandas']}, pyarrow "
        f"{result['pyarrow']}; load average {result['load']}. 2 targets, processing 0 s, 1,000 texts per "
        "chunk, each size in a fresh process; peak growth = VmHWM − RSS before the batch; frame sizes are "
        "`memory_usage(deep=True)` (an object column's shared strings are counted once per row).",
        "",
        "| rows | input column | tasks | input frame | output frame | peak growth | / input | / output "
        "| assemble |",
        "|---|---|---|---|---|---|---|---|---|",
        *[_row(run) for run in result["runs"]],
        *result.get("notes", []),
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    """Run the sizes, print the section, and (full run) write it and the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100k rows, printed only")
    args = parser.parse_args()
    rows = 100_000 if args.quick else 1_000_000
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    runs = []
    with SandboxProcess() as sb, tempfile.TemporaryDirectory(prefix="camb-bench-") as home:
        for dtype in ("default", "object"):
            runs.append({**scale.run_size(sb, rows, home, 1_000, input_dtype=dtype), "input_dtype": dtype})
            print(_row(runs[-1]), flush=True)
    result = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
        ).stdout.strip(),
        "pandas": version("pandas"),
        "pyarrow": version("pyarrow"),
        "load": load,
        "runs": runs,
    }
    previous = HERE / "memory.json"
    if previous.exists():  # hand-written notes (the analysis) survive a rerun
        result["notes"] = json.loads(previous.read_text(encoding="utf-8")).get("notes", [])
    text = section(result)
    print(text)
    if args.quick:
        return
    previous.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    page = (HERE / "RESULTS.md").read_text(encoding="utf-8")
    if BEGIN in page:
        page = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: text, page, flags=re.S)
    else:
        page = page.rstrip("\n") + "\n\n" + text + "\n"
    (HERE / "RESULTS.md").write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
