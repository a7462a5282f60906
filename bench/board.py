"""Scenario "board": how long the jobs board (`%camb jobs`) takes to draw as the journal grows.

A fresh journal is filled with N finished jobs of an earlier kernel (a mix of single jobs and batches of
4 chunks, so both row kinds are drawn), then `JobsBoard(session)` is built (read the journal, fold chunks into
their batch, build the row widgets, lay out the table) and timed. Two variants run alternately in the same
process: the shipped board (newest first, pages of `PAGE` rows) and every row on one page (what the board
did before it was paginated: `PAGE` set above the row count). Their ratio is the figure to read; seconds
depend on this shared machine's load. Usage: `python bench/board.py [--quick]` (writes
bench/board_results.json and the "board" section of bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import publish  # noqa: E402

from camb_notebook import Camb  # noqa: E402
from camb_notebook.jobs import JobRecord, Journal  # noqa: E402
from camb_notebook.widgets import _board  # noqa: E402

BEGIN, END = "<!-- board:begin -->", "<!-- board:end -->"
EARLIER_PID = 1  # never this process: the rows belong to an earlier kernel


def _fill(home: str, jobs: int) -> int:
    """Write `jobs` finished journal rows of an earlier kernel (every fifth job a 4-chunk batch)."""
    journal = Journal(home)
    start = time.time() - 86_400
    rows = 0
    for n in range(jobs):
        batch = uuid.uuid4().hex[:16] if n % 5 == 0 else ""
        for chunk in range(4 if batch else 1):
            at = start + n * 10 + chunk
            texts = [f"text {n}.{chunk}.{i}" for i in range(100 if batch else 1)]
            record = JobRecord(
                id=uuid.uuid4().hex[:16],
                family="translation",
                request_hash=uuid.uuid4().hex,
                request=json.dumps({"texts": texts, "target_language": "fr-fr"}),
                size=sum(map(len, texts)),
                state="failed" if n % 7 == 0 else "succeeded",
                server_status="SUCCESS",
                task_id=uuid.uuid4().hex,
                run_id=n,
                created_at=at,
                submitted_at=at,
                updated_at=at + 2,
                finished_at=at + 2,
                error="JobFailed: boom" if n % 7 == 0 else None,
                pid=EARLIER_PID,
                **({"batch_id": batch} if batch and "batch_id" in JobRecord.__dataclass_fields__ else {}),
            )
            journal.upsert(record)
            rows += 1
    journal.close()
    return rows


def _draw(camb: Camb, page: int) -> tuple[float, int]:
    """Seconds to build the board once with `page` rows per page, and the rows it drew."""
    _board.PAGE = page
    started = time.perf_counter()
    board = _board.JobsBoard(camb)
    board._repr_mimebundle_()
    elapsed = time.perf_counter() - started
    drawn = (len(board.table.children) - len(board._header)) // len(board._header)
    board.widget.close_all()
    return elapsed, drawn


def scenario(sizes: list[int], repeats: int) -> dict[str, Any]:
    """Per journal size: board draw time paged and all-rows, alternated, medians and their ratio."""
    shipped = _board.PAGE
    result: dict[str, Any] = {"page": shipped, "repeats": repeats, "sizes": []}
    for jobs in sizes:
        with tempfile.TemporaryDirectory(prefix="camb-board-") as home:
            rows = _fill(home, jobs)
            with Camb(api_key="bench-key-0123456789", base_url="http://127.0.0.1:9/apis", home=home) as camb:
                timings: dict[str, list[float]] = {"paged": [], "all": []}
                drawn: dict[str, int] = {}
                _draw(camb, shipped)  # warm-up: imports, the first journal read
                for _ in range(repeats):
                    for name, page in (("paged", shipped), ("all", 10**9)):
                        seconds, count = _draw(camb, page)
                        timings[name].append(seconds)
                        drawn[name] = count
                _board.PAGE = shipped
        paged, every = statistics.median(timings["paged"]), statistics.median(timings["all"])
        result["sizes"].append(
            {
                "jobs": jobs,
                "journal_rows": rows,
                "drawn_paged": drawn["paged"],
                "drawn_all": drawn["all"],
                "paged_s": paged,
                "all_s": every,
                "ratio": paged / every,
            }
        )
    return result


def report(result: dict[str, Any], load: str) -> str:
    """The RESULTS.md section."""
    lines = [
        BEGIN,
        "## Jobs board: draw time as the journal grows (`python bench/board.py`)",
        "",
        "A fresh journal holds N finished jobs of an earlier kernel (every fifth a batch of 4 chunks, which "
        "the board shows as one row); `JobsBoard(session)` is built and its display bundle made, without a "
        "frontend (the widget messages a browser would render are not counted). Alternated in one process, "
        f"median of {result['repeats']}: the shipped board (pages of {result['page']} rows, newest first) "
        f"and every row on one page (the board before pagination). Load average before: {load}.",
        "",
        "| jobs in the journal | journal rows | rows drawn, paged | paged | rows drawn, all | all rows | "
        "paged / all |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in result["sizes"]:
        lines.append(
            f"| {s['jobs']:,} | {s['journal_rows']:,} | {s['drawn_paged']} | {s['paged_s'] * 1000:.0f} ms | "
            f"{s['drawn_all']} | {s['all_s'] * 1000:.0f} ms | {s['ratio']:.2f}× |"
        )
    lines += [
        "",
        "The board reads at most the journal's newest 200 rows, so `all rows` stops growing there; the paged "
        "board draws one page whatever the journal holds.",
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    """Run the scenario and write its JSON and its RESULTS.md section (replaced in place)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="two sizes, 3 repeats, printed only")
    args = parser.parse_args()
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    sizes = [81, 1_000] if args.quick else [81, 1_000, 10_000]
    result = scenario(sizes, 3 if args.quick else 7)
    section = report(result, load)
    print(section)
    if not args.quick:
        publish(HERE, "board_results.json", result, section, BEGIN, END)


if __name__ == "__main__":
    main()
