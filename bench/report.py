"""Turn the measured figures into `RESULTS.md` (tables, targets met or missed) and `results.png`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from journal_bench import markdown as journal_md

__all__ = ["plot", "targets", "write_markdown"]


def _mark(ok: bool) -> str:
    """Met / missed, for the targets table."""
    return "met" if ok else "**missed**"


def _main_run(batch: dict[str, Any]) -> dict[str, Any]:
    """The batch run at the main processing time (the one compared with the naive loop)."""
    return next(r for r in batch["runs"] if r["processing"] == batch["main_processing"])


def targets(results: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(scenario, target, measured, met) for every target the issue sets."""
    rows: list[tuple[str, str, str, bool]] = []
    if batch := results.get("batch"):
        main = _main_run(batch)
        rows.append(
            ("1 batch", "≥ 100× the naive loop", f"{batch['speedup']:,.0f}×", batch["speedup"] >= 100)
        )
        ratio = main["ratio_to_limit"]
        rows.append(("1 batch", "≤ 1.15× the server limit", f"{ratio:.2f}×", ratio <= 1.15))
    if delay := results.get("delay"):
        for run in delay["runs"]:
            if run["processing"] < 10:
                median = run["delay"]["median"]
                rows.append(
                    (
                        f"2 delay, {run['processing']:g} s tasks",
                        "median ≤ 1 s",
                        f"{median:.2f} s",
                        median <= 1,
                    )
                )
    if lag := results.get("lag"):
        top = max(lag["runs"], key=lambda r: r["jobs"])
        p99 = top["lag_ms"]["p99"]
        rows.append((f"3 lag, {top['jobs']} jobs", "p99 < 20 ms", f"{p99:.1f} ms", p99 < 20))
    if scale := results.get("scale"):
        big = max(scale["sizes"], key=lambda r: r["rows"])
        rows.append(
            (
                f"4 scale, {big['rows']:,} rows",
                "assembled < 3 s",
                f"{big['assemble']:.2f} s",
                big["assemble"] < 3,
            )
        )
        growth = big["peak_growth_x_frame"]
        vs_output = (big["peak_rss"] - big["rss_before"]) / big["out_bytes"]
        measured = f"{growth:.1f}× input ({vs_output:.1f}× the output frame)"
        rows.append(
            (f"4 scale, {big['rows']:,} rows", "peak RSS growth < 3× input frame", measured, growth < 3)
        )
    if load := results.get("load_ext"):
        median = load["in_kernel"]["median"]
        rows.append(("5 %load_ext", "< 0.5 s", f"{median * 1000:.0f} ms", median < 0.5))
    return rows


def _batch_md(batch: dict[str, Any]) -> list[str]:
    """Scenario 1 tables."""
    naive, main = batch["naive"], _main_run(batch)
    lines = [
        f"## 1. Batch: {batch['rows']:,} rows × {len(batch['targets'])} targets, "
        f"{batch['duplicates']:.0%} duplicates",
        "",
        "| run | poll schedule | processing | server limit | max_in_flight | tasks | wall | limit "
        "| wall / limit | requests/task | polls/task | client CPU | wrong cells |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, run in [
        *(("ours", r) for r in batch["runs"]),
        ("ours, default limit", batch["default_limit"]),
        *(("what-if (not shipped)", r) for r in batch.get("what_if", [])),
    ]:
        lines.append(
            f"| {label} | {run.get('policy', 'default')} | {run['processing']:g} s | {run['concurrency']} "
            f"| {run['max_in_flight']} | {run['tasks']} | {run['wall']:.2f} s | {run['limit']:.2f} s "
            f"| {run['ratio_to_limit']:.2f}× "
            f"| {run['requests_per_task']:.2f} | {run['polls_per_task']:.2f} | {run['client_cpu']:.2f} s "
            f"| {run['wrong_cells']} |"
        )
    lines += [
        "",
        "`ours, default limit`: the session's own `max_in_flight` (below the server's limit, so the wall "
        "time is bounded by ⌈tasks / max_in_flight⌉ × processing instead). What-if rows (not shipped): the "
        "same engine (journal history, group wake-ups) with other waits before history exists.",
        "",
        f"Naive loop (seed docs, one text per task, strictly sequential): {naive['sample']} texts took "
        f"{naive['sample_wall']:.1f} s = {naive['per_text']:.2f} s/text at {batch['main_processing']:g} s "
        f"processing, {naive['requests_per_task']:.1f} requests and {naive['polls_per_task']:.1f} status "
        f"polls per task. Extrapolated linearly (the loop is sequential, so time is per text × texts) to "
        f"{naive['units']:,} row-translations (every row × target; the loop has no dedupe): "
        f"**{naive['extrapolated']:,.0f} s ({naive['extrapolated'] / 3600:.1f} h)**. Speedup of our batch "
        f"at the same processing time: **{batch['speedup']:,.0f}×**. Requests per row-translation: ours "
        f"{main['requests_per_task'] * main['tasks'] / naive['units']:.3f}, the seed loop "
        f"{naive['requests_per_task']:.1f} (a task of ours carries up to 100 distinct texts).",
        "",
    ]
    return lines


def _delay_md(delay: dict[str, Any]) -> list[str]:
    """Scenario 2 table."""
    lines = [
        f"## 2. Detection delay ({delay['jobs']} of our one-text jobs and {delay['seed_jobs']} seed-docs "
        "loops in threads per processing time, all started together)",
        "",
        "| processing | ours median | p95 | max | seed docs' loop median | p95 |",
        "|---|---|---|---|---|---|",
    ]
    for run in delay["runs"]:
        d, s = run["delay"], run["seed_delay"]
        lines.append(
            f"| {run['processing']:g} s | {d['median']:.2f} s | {d['p95']:.2f} s | {d['max']:.2f} s "
            f"| {s['median']:.2f} s | {s['p95']:.2f} s |"
        )
    what_if = delay.get("what_if", [])
    if what_if:
        lines += [
            "",
            "What-if (not shipped): our jobs alone under a denser poll schedule.",
            "",
            "| processing | poll schedule | median | p95 | max | status polls/task |",
            "|---|---|---|---|---|---|",
        ]
    for run in what_if:
        d = run["delay"]
        lines.append(
            f"| {run['processing']:g} s | {run['policy']} | {d['median']:.2f} s | {d['p95']:.2f} s "
            f"| {d['max']:.2f} s | {run['polls_per_task']:.1f} |"
        )
    return [*lines, ""]


def _lag_md(lag: dict[str, Any]) -> list[str]:
    """Scenario 3 table."""
    lines = [
        "## 3. Kernel responsiveness (real ipykernel via jupyter_client, jobs kept PENDING and polling)",
        "",
        "| jobs polling | loop lag p50 | p99 | max | cell round trip p50 | p99 | kernel CPU | polls/s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in lag["runs"]:
        g, t = run["lag_ms"], run["round_trip_ms"]
        lines.append(
            f"| {run['jobs']} | {g['median']:.1f} ms | {g['p99']:.1f} ms | {g['max']:.1f} ms "
            f"| {t['median']:.1f} ms | {t['p99']:.1f} ms | {run['kernel_cpu_share']:.0%} "
            f"| {run['polls_per_second']:.0f} |"
        )
    return [*lines, ""]


def _scale_md(scale: dict[str, Any]) -> list[str]:
    """Scenario 4 table."""
    mib = 1024 * 1024
    lines = [
        f"## 4. Scale (processing 0 s, {len(scale['targets'])} targets, "
        f"max_in_flight {scale['max_in_flight']}, each size in a fresh process)",
        "",
        "| rows | chunk | tasks | wall | client CPU | CPU / 100k rows | server CPU | assemble | input frame "
        "| output frame | RSS before | peak RSS | peak growth / input frame | / output frame |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in scale["sizes"]:
        lines.append(
            f"| {run['rows']:,} | {run['chunk_size']} | {run['tasks']:,} | {run['wall']:.1f} s "
            f"| {run['client_cpu']:.1f} s | {run['cpu_per_100k']:.2f} s | {run['server_cpu']:.1f} s "
            f"| {run['assemble']:.2f} s | {run['frame_bytes'] / mib:.0f} MiB "
            f"| {run['out_bytes'] / mib:.0f} MiB | {run['rss_before'] / mib:.0f} MiB "
            f"| {run['peak_rss'] / mib:.0f} MiB | {run['peak_growth_x_frame']:.1f}× "
            f"| {(run['peak_rss'] - run['rss_before']) / run['out_bytes']:.1f}× |"
        )
    return [*lines, ""]


def _load_md(load: dict[str, Any]) -> list[str]:
    """Scenario 5 line."""
    inside, extra = load["in_kernel"], load["round_trip_extra"]
    return [
        f"## 5. `%load_ext camb_notebook` in a fresh kernel ({load['kernels']} kernels)",
        "",
        f"In-kernel wall time median {inside['median'] * 1000:.1f} ms (max {inside['max'] * 1000:.1f} ms); "
        f"the cell's round trip minus an empty cell's: median {extra['median'] * 1000:.1f} ms "
        f"(max {extra['max'] * 1000:.1f} ms).",
        "",
    ]


def write_markdown(path: Path, results: dict[str, Any], header: list[str], notes: list[str]) -> None:
    """RESULTS.md: header, targets table, one section per scenario, then the notes (profiles, misses)."""
    lines = [*header, "", "## Targets", "", "| scenario | target | measured | |", "|---|---|---|---|"]
    lines += [f"| {s} | {t} | {m} | {_mark(ok)} |" for s, t, m, ok in targets(results)]
    lines += ["", "![results](results.png)", ""]
    sections = {
        "batch": _batch_md,
        "delay": _delay_md,
        "lag": _lag_md,
        "scale": _scale_md,
        "load_ext": _load_md,
        "journal": journal_md,
    }
    for name, render in sections.items():
        if name in results:
            lines += render(results[name])
    kept = _kept_sections(path)  # sections other scripts write (bench/eta.py), kept across a rerun
    path.write_text("\n".join([*lines, *notes, *kept, ""]), encoding="utf-8")


def _kept_sections(path: Path) -> list[str]:
    """The `<!-- NAME:begin -->` … `<!-- NAME:end -->` blocks of the current file, as lines."""
    if not path.exists():
        return []
    found = re.finditer(r"<!-- (\w+):begin -->.*?<!-- \1:end -->", path.read_text(encoding="utf-8"), re.S)
    return [line for match in found for line in ["", *match.group(0).splitlines()]]


Series = tuple[str, str, list[float]]  # (matplotlib format, label, y values)


def _panel(ax: Any, title: str, xs: list[float], series: list[Series], target: tuple[float, str]) -> None:
    """One line panel: the series over xs and a dashed red target line."""
    for fmt, label, ys in series:
        ax.plot(xs, ys, fmt, label=label)
    ax.axhline(target[0], color="#b44", ls="--", label=target[1])
    ax.set_title(title)


def plot(path: Path, results: dict[str, Any]) -> None:
    """Four panels: batch wall times, ratio to the limit, detection delay, kernel lag."""
    fig, axes = plt.subplots(2, 2, figsize=(12, 8.5))
    (ax_wall, ax_ratio), (ax_delay, ax_lag) = axes
    if batch := results.get("batch"):
        main = _main_run(batch)
        default_limit = f"ours, default\nmax_in_flight {batch['default_limit']['max_in_flight']}"
        labels = ["naive loop\n(extrapolated)", default_limit, "ours", "server limit"]
        values = [batch["naive"]["extrapolated"], batch["default_limit"]["wall"], main["wall"], main["limit"]]
        ax_wall.bar(labels, values, color=["#b44", "#d95", "#47a", "#888"])
        ax_wall.set_yscale("log")
        ax_wall.set_ylabel("seconds (log)")
        ax_wall.set_title(f"1. {batch['rows']:,} rows × 2 targets, {batch['main_processing']:g} s processing")
        runs = batch["runs"]
        ratios = [r["ratio_to_limit"] for r in runs]
        xs = [r["processing"] for r in runs]
        _panel(ax_ratio, "1. Batch wall / server limit", xs, [("o-", "ours", ratios)], (1.15, "target 1.15×"))
        ax_ratio.set_xlabel("processing time per task (s)")
    if delay := results.get("delay"):
        runs = delay["runs"]
        series: list[Series] = [
            ("o-", "ours median", [r["delay"]["median"] for r in runs]),
            ("s--", "ours p95", [r["delay"]["p95"] for r in runs]),
            ("x:", "seed docs' loop median", [r["seed_delay"]["median"] for r in runs]),
        ]
        xs = [r["processing"] for r in runs]
        _panel(ax_delay, "2. Detection delay (s)", xs, series, (1.0, "target (tasks < 10 s)"))
        ax_delay.set_xscale("log")
        ax_delay.set_xlabel("processing time (s)")
    if lag := results.get("lag"):
        runs = lag["runs"]
        series = [
            ("o-", "loop lag p50", [r["lag_ms"]["median"] for r in runs]),
            ("s-", "loop lag p99", [r["lag_ms"]["p99"] for r in runs]),
            ("x:", "cell round trip p50", [r["round_trip_ms"]["median"] for r in runs]),
        ]
        _panel(ax_lag, "3. Kernel event-loop lag (ms)", [r["jobs"] for r in runs], series, (20, "target p99"))
        ax_lag.set_xlabel("jobs polling")
    for ax in (ax_ratio, ax_delay, ax_lag):
        if ax.lines:
            ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
