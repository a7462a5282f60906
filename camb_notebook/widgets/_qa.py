"""The QA summary view: per target, how many rows each check flagged, as a table and a bar chart.

Reads any translated frame (wide `qa_issues_<target>`, long `qa_issues`, or a `df.camb.qa` frame) through
`frames.qa_summary`. The chart is plain HTML bars (no plotting dependency), one row per target and check,
errors red and warnings amber; every label is escaped. Main thread (makes widgets).
Usage: `qa_view(out)` in a cell shows it; `qa_view(out).summary` is the counts frame.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from camb_notebook.frames import qa_summary

__all__ = ["QaView", "qa_view"]

_COLORS = {"error": "#d9534f", "warning": "#f0ad4e", "": "#5b9bd5"}


def _bars(summary: pd.DataFrame) -> str:
    """The bar chart: a labelled bar per (target, check), widths relative to the rows checked."""
    parts = ["<div class='camb-qa-chart' style='font:12px sans-serif'>"]
    for target, group in summary.groupby("target", sort=False):
        total = int(group.loc[group["check"] == "rows checked", "rows"].sum()) or 1
        parts.append(
            f"<div style='margin:6px 0 2px;font-weight:600'>{html.escape(str(target))}"
            f" · {total:,} rows checked</div>"
        )
        flagged = group[group["check"] != "rows checked"]
        if flagged.empty:
            parts.append("<div style='color:#3c763d'>no issues</div>")
        for row in flagged.itertuples(index=False):
            width = max(1.0, 100.0 * float(row.rows) / total)
            color = _COLORS.get(str(row.severity), "#999")
            parts.append(
                "<div style='display:flex;align-items:center;gap:6px;margin:1px 0'>"
                f"<span style='width:170px;text-align:right'>{html.escape(str(row.check))}</span>"
                f"<span style='display:inline-block;height:12px;width:{width:.1f}%;max-width:60%;"
                f"background:{color}' title='{html.escape(str(row.severity))}'></span>"
                f"<span>{int(row.rows):,}</span></div>"
            )
    parts.append("</div>")
    return "".join(parts)


class QaView(w.VBox):  # type: ignore[misc]
    """A QA summary: the counts table (an Output) above the bar chart (HTML)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        """Summarise `frame`'s QA columns."""
        self.summary = qa_summary(frame)
        table = w.Output()
        table.append_display_data(self.summary)
        chart = w.HTML(value=_bars(self.summary))
        super().__init__(children=[w.HTML(value="<b>Translation QA</b>"), table, chart])


def qa_view(frame: pd.DataFrame) -> QaView:
    """The QA summary widget of a translated frame."""
    return QaView(frame)
