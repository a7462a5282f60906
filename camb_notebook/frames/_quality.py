"""QA columns on translated frames, `df.camb.qa(...)` for translations from anywhere, and the QA summary.

Wide frames get `qa_<target>` (status) and `qa_issues_<target>` (issue codes) per target; long frames get
`qa_status` and `qa_issues`. `qa_summary(frame)` counts rows per target and check (the widget and the bar
chart read it). Pure pandas, main thread.
Usage: `df.camb.qa(source="text", target="text_fr-fr", lang="fr-fr")`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from camb_notebook.api import UsageError, resolve_language
from camb_notebook.jobs import BatchOutcome
from camb_notebook.quality import QaResult, check, severity

if TYPE_CHECKING:
    from camb_notebook.jobs import QualityArgs
    from camb_notebook.sessions import Camb

__all__ = ["batch_quality", "glossary_pairs", "qa_frame", "qa_long", "qa_summary", "qa_wide"]

_NO_ISSUES: tuple[str, ...] = ()


def batch_quality(
    session: Camb, frame: pd.DataFrame, column: Hashable, source: str, quality: QualityArgs
) -> dict[str, Any]:
    """The `quality`/`dictionaries` arguments of `translation_batch` for a frame's column.

    `max_length` may name a column (default: the `max_length` column, if the frame has one).
    """
    args = dict(quality)
    max_length = args.get("max_length")
    if max_length is None and "max_length" in frame.columns:
        max_length = "max_length"
    if isinstance(max_length, Hashable) and not isinstance(max_length, (int, type(None))):
        if max_length not in frame.columns:
            raise UsageError(f"max_length: no column {max_length!r} in the frame")
        max_length = frame[max_length].tolist()
    args["max_length"] = max_length
    return session.quality_arguments(frame[column], source, args)  # length, per-row max_length: no list


def _spread_results(results: Sequence[QaResult | None], positions: np.ndarray) -> tuple[list[Any], list[Any]]:
    """Per input row: the status and issues of its distinct text (None for unsent rows or QA off)."""
    statuses = [None if r is None else r.status for r in results] + [None]
    issues = [None if r is None else r.issues for r in results] + [None]
    status_table = np.asarray(statuses, dtype=object)
    issue_table = np.empty(len(issues), dtype=object)
    issue_table[:] = issues
    return list(status_table[positions]), list(issue_table[positions])


def qa_wide(outcome: BatchOutcome, positions: np.ndarray, index: pd.Index) -> dict[str, pd.Series]:
    """`qa_<target>` and `qa_issues_<target>` columns for a wide frame (none when the batch ran no QA)."""
    columns: dict[str, pd.Series] = {}
    for target in outcome.targets:
        results = outcome.qa.get(target)
        if not results or all(r is None for r in results):
            continue
        status, issues = _spread_results(results, positions)
        columns[f"qa_{target}"] = pd.Series(status, index=index, dtype=object)
        columns[f"qa_issues_{target}"] = pd.Series(issues, index=index, dtype=object)
    return columns


def qa_long(out: pd.DataFrame, outcome: BatchOutcome) -> None:
    """Add `qa_status` / `qa_issues` to a long frame (row-major: each input row, then each target)."""
    if not any(r is not None for results in outcome.qa.values() for r in results):
        return
    positions = np.asarray(outcome.plan.positions, dtype=np.intp)
    per_target = [_spread_results(outcome.qa[t], positions) for t in outcome.targets]
    rows = len(positions)
    out["qa_status"] = [per_target[j][0][i] for i in range(rows) for j in range(len(per_target))]
    out["qa_issues"] = [per_target[j][1][i] for i in range(rows) for j in range(len(per_target))]


def qa_frame(
    df: pd.DataFrame,
    source: Hashable,
    target: Hashable,
    lang: str,
    *,
    max_length: int | Hashable | None = None,
    glossary: Sequence[tuple[str, str]] | pd.DataFrame = (),
    dnt: Sequence[str] = (),
) -> pd.DataFrame:
    """A copy of `df` with `qa_status` and `qa_issues` for `df[target]` as a translation of `df[source]`.

    `max_length` is an int or a column name (default: the `max_length` column if there is one); `glossary` is
    (source term, target term) pairs or a two-column frame.
    """
    for column in (source, target):
        if column not in df.columns:
            raise UsageError(f"no column {column!r} in the frame (columns: {list(df.columns)!r})")
    locale = resolve_language(lang).locale
    limits: list[Any]
    if max_length is None and "max_length" in df.columns:
        max_length = "max_length"
    if isinstance(max_length, int) and not isinstance(max_length, bool):
        limits = [max_length] * len(df)
    elif max_length is not None:
        if max_length not in df.columns:
            raise UsageError(f"max_length: no column {max_length!r} in the frame")
        limits = [int(v) if pd.notna(v) else None for v in df[max_length]]
    else:
        limits = [None] * len(df)
    pairs = glossary_pairs(glossary)
    statuses: list[str | None] = []
    issues: list[tuple[str, ...] | None] = []
    for text, translated, limit in zip(df[source], df[target], limits, strict=True):
        if not isinstance(text, str) or not text.strip():
            statuses.append(None)
            issues.append(None)
            continue
        result = check(
            text,
            translated if isinstance(translated, str) else None,
            lang=locale,
            max_length=limit,
            glossary=pairs,
            dnt=dnt,
        )
        statuses.append(result.status)
        issues.append(result.issues)
    out = df.copy()
    out["qa_status"] = pd.Series(statuses, index=df.index, dtype=object)
    out["qa_issues"] = pd.Series(issues, index=df.index, dtype=object)
    return out


def glossary_pairs(glossary: Sequence[tuple[str, str]] | pd.DataFrame) -> list[tuple[str, str]]:
    """(source term, target term) pairs from pairs or from a frame's first two columns."""
    if isinstance(glossary, pd.DataFrame):
        if glossary.shape[1] < 2:
            raise UsageError("a glossary frame needs two columns: source term, target term")
        return [(str(a), str(b)) for a, b in glossary.iloc[:, :2].itertuples(index=False)]
    return [(str(a), str(b)) for a, b in glossary]


def qa_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows per target and check: one row per (target, check, severity) with its count, worst first.

    Reads wide (`qa_issues_<target>`), long (`qa_issues` + `camb_target`) or `df.camb.qa` frames.
    """
    series: dict[str, pd.Series] = {}
    if "qa_issues" in frame.columns:
        if "camb_target" in frame.columns:
            for target, group in frame.groupby("camb_target", sort=False):
                series[str(target)] = group["qa_issues"]
        else:
            series["target"] = frame["qa_issues"]
    for column in frame.columns:
        if isinstance(column, str) and column.startswith("qa_issues_"):
            series[column.removeprefix("qa_issues_")] = frame[column]
    rows: list[dict[str, Any]] = []
    for target, values in series.items():
        counts: dict[tuple[str, str], int] = {}
        checked = 0
        for issues in values:
            if issues is None or (isinstance(issues, float) and np.isnan(issues)):
                continue
            checked += 1
            for name in {code.split(":", 1)[0] for code in issues or _NO_ISSUES}:
                key = (name, severity(name))
                counts[key] = counts.get(key, 0) + 1
        rows.append({"target": target, "check": "rows checked", "severity": "", "rows": checked})
        for (name, level), count in sorted(counts.items(), key=lambda kv: (kv[0][1] != "error", -kv[1])):
            rows.append({"target": target, "check": name, "severity": level, "rows": count})
    return pd.DataFrame(rows, columns=["target", "check", "severity", "rows"])
