"""Batch planning: text validation, exact dedupe and chunking by count and characters."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from camb_notebook.api import UsageError
from camb_notebook.jobs._batch_plan import BatchOutcome, chunk_texts, clean_texts, plan_texts


def test_clean_texts_maps_missing_and_blank_to_none() -> None:
    """None, NaN, pandas NA/NaT, empty and whitespace-only values become None (never sent)."""
    values = ["a", None, math.nan, pd.NA, pd.NaT, "", "   ", "b "]
    assert clean_texts(values) == ["a", None, None, None, None, None, None, "b "]


def test_clean_texts_names_non_string_rows_by_label() -> None:
    """A non-string raises a UsageError naming the offending rows by their labels and types."""
    with pytest.raises(UsageError) as info:
        clean_texts(["ok", 5, "fine", 2.5], labels=["r1", "r2", "r3", "r4"])
    message = str(info.value)
    assert "'r2'" in message and "'r4'" in message and "'r1'" not in message
    assert "float" in message and "int" in message and "errors='coerce'" in message


def test_clean_texts_shortens_long_row_lists() -> None:
    """Many bad rows are listed up to ten, with a count of the rest."""
    with pytest.raises(UsageError, match="and 5 more"):
        clean_texts(list(range(15)))


def test_clean_texts_coerce_skips_non_strings() -> None:
    """errors='coerce' leaves non-strings out (None) instead of raising."""
    assert clean_texts(["a", 3, b"x"], errors="coerce") == ["a", None, None]


def test_clean_texts_rejects_unknown_errors_mode() -> None:
    """Only 'raise' and 'coerce' are accepted."""
    with pytest.raises(UsageError, match="errors must be"):
        clean_texts(["a"], errors="ignore")  # type: ignore[arg-type]


def test_plan_texts_dedupes_exactly_in_first_seen_order() -> None:
    """Identical strings share one slot; case and whitespace variants do not; missing rows point nowhere."""
    plan = plan_texts(["b", "a", None, "b", "B", "a ", "a"])
    assert plan.unique == ("b", "a", "B", "a ")
    assert list(plan.positions) == [0, 1, -1, 0, 2, 3, 1]  # an int64 array since the memory work
    assert plan.sent_count == 6


def test_chunk_texts_bounds_count() -> None:
    """Chunks never hold more than chunk_size texts and cover every text once, in order."""
    chunks = chunk_texts(["x"] * 7, chunk_size=3, max_chars=1000)
    assert chunks == [range(0, 3), range(3, 6), range(6, 7)]


def test_chunk_texts_bounds_characters_and_isolates_long_texts() -> None:
    """A chunk stays within max_chars; a text longer than max_chars gets a chunk of its own."""
    texts = ["aa", "bbb", "c", "d" * 10, "e"]
    chunks = chunk_texts(texts, chunk_size=10, max_chars=4)
    assert chunks == [range(0, 1), range(1, 3), range(3, 4), range(4, 5)]
    for span in chunks:
        assert len(span) == 1 or sum(len(texts[i]) for i in span) <= 4


def test_chunk_texts_empty_and_invalid_bounds() -> None:
    """No texts give no chunks; non-positive bounds are usage errors."""
    assert chunk_texts([], chunk_size=1, max_chars=1) == []
    with pytest.raises(UsageError, match="chunk_size"):
        chunk_texts(["a"], chunk_size=0, max_chars=10)
    with pytest.raises(UsageError, match="max_chars"):
        chunk_texts(["a"], chunk_size=1, max_chars=0)


def test_outcome_rows_spread_distinct_results_over_positions() -> None:
    """Per-distinct-text translations and errors come back once per input position."""
    plan = plan_texts(["hi", None, "yo", "hi"])
    outcome = BatchOutcome.empty(plan, ["fr-fr"])
    outcome.translations["fr-fr"][0] = "salut"
    outcome.errors["fr-fr"][1] = "JobFailed: boom"
    assert outcome.rows("fr-fr") == (["salut", None, None, "salut"], [None, None, "JobFailed: boom", None])


@pytest.mark.parametrize("shape", ["array", "chunked", "sliced"])
def test_an_arrow_column_is_planned_like_its_list(shape: str) -> None:
    """pandas' Arrow `str` column is deduped by Arrow: the same distinct texts, first-seen order, and the same
    positions as planning its `tolist()` (missing and blank texts, Unicode whitespace included, not sent)."""
    import pyarrow as pa

    from camb_notebook.jobs._batch_plan import plan_values

    values = ["b", None, " ", "a", "b", "\x1c", "", "é", "\u3000", " x ", "a", None, "é"]
    column = pa.array(values, type=pa.large_string())
    if shape == "chunked":
        column = pa.chunked_array([column.slice(0, 5), column.slice(5)])
    elif shape == "sliced":
        column, values = column.slice(2), values[2:]
    planned = plan_values(column)
    expected = plan_texts(clean_texts(values))
    assert planned.unique == expected.unique == tuple(dict.fromkeys(v for v in values if v and v.strip()))
    assert list(planned.positions) == list(expected.positions)
    assert plan_values(pa.array([], type=pa.large_string())).unique == ()
