"""The matrix's report: the "Matrix" section of bench/RESULTS.md (replaced in place) and bench/matrix.png.

Usage: `write_report(json.loads(Path("bench/matrix.json").read_text()), Path("bench"))`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

__all__ = ["acceptance", "cell_checks", "section", "write_report", "write_rerun"]

BEGIN, END = "<!-- matrix:begin -->", "<!-- matrix:end -->"
LABELS = {
    "ours_default": "ours, defaults",
    "ours_limit": "ours, max_in_flight = limit",
    "peer_tuned": "peer, semaphore = limit",
    "peer_untuned": "peer, semaphore 64",
}


def _cell(run: dict[str, Any], limit: float) -> str:
    """One variant's medians: wall, ratio to the limit, 429s, requests per task."""
    return (
        f"{run['wall']:.1f} s ({run['wall'] / limit:.2f}×) · {run['rate_limited']:g} × 429 "
        f"· {run['requests_per_task']:.1f} req/task"
    )


def _mark(ok: bool) -> str:
    """Holds / open."""
    return "holds" if ok else "**open**"


def cell_checks(cell: dict[str, Any]) -> list[tuple[str, bool]]:
    """The four per-cell acceptance points for ours at defaults: (measured, holds) each."""
    ours, limit = cell["ours_default"], cell["limit"]
    tuned, untuned = cell["peer_tuned"]["wall"], cell["peer_untuned"]["wall"]
    share = ours["rate_limited"] / cell["tasks"]
    return [
        (f"{ours['wall'] / limit:.2f}×", ours["wall"] <= 1.10 * limit),
        (f"{ours['wall'] / untuned:.2f}×", ours["wall"] < untuned),
        (f"{ours['wall'] / tuned:.2f}×", ours["wall"] <= 1.05 * tuned),
        (f"{ours['rate_limited']:g} ({share:.0%})", share <= 0.10),
    ]


def acceptance(result: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(point, measured, holds) for each acceptance point of issue 17 the matrix measures."""
    rows: list[tuple[str, str, bool]] = []
    points = ("wall ≤ 1.10× limit", "faster than peer 64", "≤ 1.05× peer tuned", "429s ≤ 10 % of tasks")
    for cell in result.get("cells", []):
        name = f"c={cell['concurrency']}, {cell['processing']:g} s"
        for point, (measured, ok) in zip(points, cell_checks(cell), strict=True):
            rows.append((f"{name}: {point}", measured, ok))
    if over := result.get("oversubscribed"):
        ratio, per10 = over["wall"] / over["limit"], over["rate_limited"] / over["tasks"] * 10
        rows.append(
            (
                "oversubscribed (max_in_flight=1000, c=8): ≤ 1.15× limit, ≤ 2 × 429 per 10 tasks",
                f"{ratio:.2f}×, {per10:.1f} per 10 tasks",
                ratio <= 1.15 and per10 <= 2,
            )
        )
    if latency := result.get("latency"):
        median, bound = latency["median"], latency["processing"] + 0.3
        rows.append((f"one-line latency ≤ {bound:g} s", f"median {median:.2f} s", median <= bound))
    return rows


def _cells_table(result: dict[str, Any]) -> list[str]:
    """One row per cell: the limit, each variant's medians, ours / the peers."""
    lines = [
        "| server concurrency | processing | tasks | limit | "
        + " | ".join(LABELS.values())
        + " | ours / peer tuned "
        "| ours / peer 64 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cell in result.get("cells", []):
        limit, ours = cell["limit"], cell["ours_default"]["wall"]
        lines.append(
            f"| {cell['concurrency']} | {cell['processing']:g} s | {cell['tasks']} | {limit:g} s | "
            + " | ".join(_cell(cell[variant], limit) for variant in LABELS)
            + f" | {ours / cell['peer_tuned']['wall']:.2f}× | {ours / cell['peer_untuned']['wall']:.2f}× |"
        )
    return lines


def write_rerun(result: dict[str, Any], folder: Path, title: str) -> None:
    """A partial rerun (some cells, maybe the oversubscribed row) as its own section after the matrix."""
    begin, end = "<!-- matrix_rerun:begin -->", "<!-- matrix_rerun:end -->"
    lines = [
        begin,
        f"### {title}",
        "",
        f"{result['when']}, medians of {result['runs']} runs, load average {result['load_before']} before, "
        f"{result['load_after']} after.",
        "",
        *_cells_table(result),
    ]
    if over := result.get("oversubscribed"):
        lines += ["", f"Oversubscribed (`max_in_flight=1000`, c=8, 2 s): {_cell(over, over['limit'])}."]
    lines += ["", "| acceptance point | measured | |", "|---|---|---|"]
    lines += [f"| {point} | {measured} | {_mark(ok)} |" for point, measured, ok in acceptance(result)]
    lines.append(end)
    text = "\n".join(lines)
    page_path = folder / "RESULTS.md"
    page = page_path.read_text(encoding="utf-8")
    if begin in page:
        page = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: text, page, flags=re.S)
    else:
        page = page.replace(END, END + "\n\n" + text, 1)
    page_path.write_text(page, encoding="utf-8")


def _on(result: dict[str, Any]) -> str:
    """ " (main <commit>)" when the run recorded the commit it measured."""
    return f" (main {result['commit']})" if result.get("commit") else ""


def section(result: dict[str, Any]) -> str:
    """The Markdown section, between its markers."""
    lines = [
        BEGIN,
        "## Matrix: ours vs the peer at the server's limit (issue 17)",
        "",
        f"`python bench/matrix.py --full` on {result['when']}{_on(result)}, "
        f"{result['seconds'] / 60:.0f} min; load "
        f"average (1/5/15 min) {result['load_before']} before, {result['load_after']} after "
        f"(2 cores shared with other engineers). {result['rows']:,} rows × {len(result['targets'])} "
        "targets, 30 % duplicates; "
        f"medians of {result['runs']} runs, variants interleaved. Limit = ⌈tasks / server concurrency⌉ × "
        "processing. The peer (`bench/peer.py`): official SDK `AsyncCambAI`, chunks of 100, `asyncio.gather` "
        "under a `Semaphore`, 1 s poll loop, retry on 429. Ours at defaults runs on a fresh journal (no "
        "remembered limit). Each entry: wall (× limit) · creates answered 429 · requests per task.",
        "",
        *_cells_table(result),
    ]
    if note := result.get("note"):
        lines += ["", note]
    if over := result.get("oversubscribed"):
        lines += [
            "",
            f"Oversubscribed: ours with `max_in_flight={over['max_in_flight']}` against server concurrency "
            f"{over['concurrency']} at {over['processing']:g} s: {_cell(over, over['limit'])} "
            f"(limit {over['limit']:g} s, {over['tasks']} tasks).",
        ]
    if latency := result.get("latency"):
        walls = sorted(latency["walls"])
        lines += [
            "",
            "One-line latency (`%%camb_translate` of one text into one target: a batch finalized to the "
            f"long frame, in one session, a new text per call): {latency['processing']:g} s processing, "
            "median "
            f"**{latency['median']:.2f} s** over {latency['samples']} calls (min {walls[0]:.2f} s, max "
            f"{walls[-1]:.2f} s).",
        ]
    lines += [
        "",
        "Acceptance, ours at defaults, per cell:",
        "",
        "| cell | wall / limit (≤ 1.10×) | ours / peer 64 (< 1) | ours / peer tuned (≤ 1.05×) "
        "| 429s (≤ 10 % of tasks) |",
        "|---|---|---|---|---|",
    ]
    for cell in result.get("cells", []):
        checks = " | ".join(f"{measured} {_mark(ok)}" for measured, ok in cell_checks(cell))
        lines.append(f"| c={cell['concurrency']}, {cell['processing']:g} s | {checks} |")
    extras = [row for row in acceptance(result) if not row[0].startswith("c=")]
    if extras:
        lines += ["", "| acceptance point | measured | |", "|---|---|---|"]
        lines += [f"| {point} | {measured} | {_mark(ok)} |" for point, measured, ok in extras]
    lines += ["", "![matrix](matrix.png)", END]
    return "\n".join(lines)


def plot(path: Path, result: dict[str, Any]) -> None:
    """Two panels per cell: wall / limit per variant (target line 1.10×), and 429s per task (log)."""
    cells = result.get("cells", [])
    fig, (ax_ratio, ax_429) = plt.subplots(2, 1, figsize=(12, 8), sharex=True)
    names = [f"c={c['concurrency']}\n{c['processing']:g} s" for c in cells]
    width = 0.2
    colors = ["#47a", "#7ac", "#b44", "#d95"]
    for index, (variant, label) in enumerate(LABELS.items()):
        xs = [i + (index - 1.5) * width for i in range(len(cells))]
        ax_ratio.bar(
            xs, [c[variant]["wall"] / c["limit"] for c in cells], width, label=label, color=colors[index]
        )
        per_task = [max(c[variant]["rate_limited"] / c["tasks"], 1e-3) for c in cells]
        ax_429.bar(xs, per_task, width, label=label, color=colors[index])
    ax_ratio.axhline(1.10, color="#b44", ls="--", label="target 1.10× (defaults)")
    ax_ratio.set_ylabel("wall / limit (median)")
    ax_ratio.set_title("Wall time over the server's limit, 10,000 rows × 2 targets, 140 tasks")
    ax_ratio.legend(fontsize=8)
    ax_429.axhline(0.10, color="#b44", ls="--", label="target ≤ 0.10 (ours)")
    ax_429.set_yscale("log")
    ax_429.set_ylabel("creates answered 429 per task (0 shown as 0.001)")
    ax_429.set_xticks(range(len(cells)), names)
    ax_429.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_report(result: dict[str, Any], folder: Path) -> None:
    """Replace (or append) the Matrix section of RESULTS.md and redraw matrix.png."""
    page_path = folder / "RESULTS.md"
    page = page_path.read_text(encoding="utf-8") if page_path.exists() else ""
    text = section(result)
    if BEGIN in page:
        page = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: text, page, flags=re.S)
    else:
        page = page.rstrip("\n") + "\n\n" + text + "\n"
    page_path.write_text(page, encoding="utf-8")
    plot(folder / "matrix.png", result)
