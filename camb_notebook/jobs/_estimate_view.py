"""How an estimate looks (a batch's or a dataset's): its repr, its HTML table and its time texts.

Both estimates list label/value totals and one row of counts per target; only the wording differs, so the
rendering lives here once. Every value is escaped before it reaches HTML.
Usage: `estimate_html("<b>Estimate</b>", est.lines(), est.per_target())`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

__all__ = ["SHOWN_COLUMNS", "estimate_html", "estimate_repr", "short_seconds"]

SHOWN_COLUMNS = ("texts", "free_texts", "billable_texts", "billable_characters", "tasks")


def estimate_repr(kind: str, rows: int, distinct: int, characters: int, tasks: int, eta: str) -> str:
    """`<Estimate (nothing sent): 10,000 rows, 7,000 distinct texts, ... in 140 tasks, eta ...>`."""
    return (
        f"<{kind} (nothing sent): {rows:,} rows, {distinct:,} distinct texts,"
        f" {characters:,} billable characters in {tasks:,} tasks, eta {eta}>"
    )


def estimate_html(
    title: str, lines: Sequence[tuple[str, str]], per_target: Mapping[str, Mapping[str, int]]
) -> str:
    """A compact table: the totals, then one row per target; `title` is HTML (escape what goes into it)."""
    totals = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th><td colspan='5'>{html.escape(v)}</td></tr>"
        for k, v in lines
    )
    head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in ("target", *SHOWN_COLUMNS))
    body = "".join(
        f"<tr><td>{html.escape(t)}</td>" + "".join(f"<td>{v:,}</td>" for v in row.values()) + "</tr>"
        for t, row in per_target.items()
    )
    caption = f"<caption style='text-align:left'>{title} (nothing was sent)</caption>"
    return f"<table class='camb-estimate'>{caption}{totals}<tr>{head}</tr>{body}</table>"


def short_seconds(value: float) -> str:
    """Seconds in a short form (`0.4 s`, `12 s`, `3 min 5 s`)."""
    if value < 10:
        return f"{value:.1f} s"
    if value < 120:
        return f"{value:.0f} s"
    minutes, rest = divmod(round(value), 60)
    return f"{minutes} min {rest} s"
