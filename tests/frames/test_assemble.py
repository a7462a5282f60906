"""Frame assembly: wide and long outputs keep the index, order and dtypes, with NaN for unsent rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from camb_notebook.frames import assemble_long, assemble_wide
from camb_notebook.frames._text import ARROW_TEXT
from camb_notebook.jobs._batch_plan import BatchOutcome, clean_texts, plan_texts
from camb_notebook.jobs._text_store import ColumnTexts


def _frame() -> pd.DataFrame:
    """A frame with a non-default index, mixed dtypes, a duplicate text and missing/blank values."""
    return pd.DataFrame(
        {
            "id": np.array([10, 11, 12, 13, 14], dtype="int32"),
            "text": ["hi", None, "yo", "hi", ""],
            "kind": pd.Categorical(["a", "b", "a", "b", "a"]),
            "when": pd.to_datetime(["2024-01-01"] * 5),
        },
        index=pd.Index(["e", "d", "c", "b", "a"], name="key"),
    )


def _outcome(df: pd.DataFrame) -> BatchOutcome:
    """fr-fr fully translated; de-de translated except `yo`, which failed."""
    plan = plan_texts(clean_texts(df["text"].tolist()))
    outcome = BatchOutcome.empty(plan, ["fr-fr", "de-de"])
    outcome.translations["fr-fr"][:] = [f"fr:{t}" for t in plan.unique]
    outcome.translations["de-de"][0] = "de:hi"
    outcome.errors["de-de"][1] = "JobFailed: boom"
    return outcome


def test_wide_adds_one_column_per_target_and_keeps_the_rest() -> None:
    """Wide output is the input plus text_<target>, per-target status/error, camb_status, camb_error; index,
    order, dtypes kept."""
    df = _frame()
    out = assemble_wide(df, "text", _outcome(df))
    per_target = ["camb_status_fr-fr", "camb_error_fr-fr", "camb_status_de-de", "camb_error_de-de"]
    added = ["text_fr-fr", "text_de-de", *per_target, "camb_status", "camb_error"]
    assert list(out.columns) == [*df.columns, *added]
    assert out["camb_status_fr-fr"].tolist() == ["ok", "skipped", "ok", "ok", "skipped"]
    assert out["camb_status_de-de"].tolist() == ["ok", "skipped", "failed", "ok", "skipped"]
    assert out["camb_error_de-de"].iloc[2] == "JobFailed: boom"
    assert out.index.equals(df.index)
    pd.testing.assert_frame_equal(out[df.columns], df)
    assert out["text_fr-fr"].tolist()[0] == "fr:hi" and out["text_fr-fr"].tolist()[2:4] == ["fr:yo", "fr:hi"]
    assert out["text_fr-fr"].isna().tolist() == [False, True, False, False, True]
    assert out["text_de-de"].isna().tolist() == [False, True, True, False, True]
    assert out["camb_status"].tolist() == ["ok", "skipped", "failed", "ok", "skipped"]
    assert out["camb_error"].iloc[2] == "de-de: JobFailed: boom"
    assert out["camb_error"].isna().tolist() == [True, True, False, True, True]


def test_wide_leaves_the_input_untouched() -> None:
    """The input frame gains no columns."""
    df = _frame()
    assemble_wide(df, "text", _outcome(df))
    assert list(df.columns) == ["id", "text", "kind", "when"]


def test_long_has_one_row_per_row_and_target() -> None:
    """Long output repeats each row once per target (row-major) with the original labels and dtypes."""
    df = _frame()
    out = assemble_long(df, "text", _outcome(df))
    assert len(out) == 2 * len(df)
    assert out.index.tolist() == [label for label in df.index for _ in range(2)]
    assert out["camb_target"].tolist() == ["fr-fr", "de-de"] * len(df)
    assert out["camb_translation"].tolist()[:2] == ["fr:hi", "de:hi"]
    assert out["camb_translation"].isna().tolist()[4:6] == [False, True]
    assert out["camb_status"].tolist()[4:6] == ["ok", "failed"]
    assert out["camb_error"].tolist()[5] == "JobFailed: boom"
    for column in df.columns:
        assert out[column].dtype == df[column].dtype


@pytest.mark.parametrize("dtype", ["string", "object"])
def test_new_text_columns_follow_the_source_string_dtype(dtype: str) -> None:
    """A string-dtype source gives string-dtype outputs; an object source gives object outputs with NaN."""
    df = pd.DataFrame({"text": pd.array(["hi", None], dtype=dtype)})
    plan = plan_texts(clean_texts(df["text"].tolist()))
    outcome = BatchOutcome.empty(plan, ["fr-fr"])
    outcome.translations["fr-fr"][0] = "salut"
    out = assemble_wide(df, "text", outcome)
    assert out["text_fr-fr"].dtype == df["text"].dtype
    assert out["text_fr-fr"].isna().tolist() == [False, True]
    if dtype == "object":
        assert out["text_fr-fr"].iloc[1] is np.nan


@pytest.mark.parametrize("source", ["arrow", "object"])
def test_text_columns_follow_an_arrow_or_object_source_in_both_layouts(source: str) -> None:
    """An Arrow-backed `str` source (pandas 3's default) gets Arrow-backed columns, built by position; an
    object source gets object columns; same values, NaN for missing entries, in both layouts."""
    if source == "arrow" and ARROW_TEXT is None:
        source = "object"  # pandas 2.2: no NaN-semantics Arrow strings, the object path is the whole story
    dtype = ARROW_TEXT if source == "arrow" else object
    df = pd.DataFrame({"text": pd.Series(["hi", None, "yo", "hi"], dtype=dtype)})
    assert df["text"].dtype == dtype
    plan = plan_texts(clean_texts(df["text"].tolist()))
    outcome = BatchOutcome.empty(plan, ["fr-fr", "de-de"])
    outcome.translations["fr-fr"][:] = ["salut", "yé"]
    outcome.translations["de-de"][0] = "hallo"
    outcome.errors["de-de"][1] = "JobFailed: boom"
    wide, long = assemble_wide(df, "text", outcome), assemble_long(df, "text", outcome)
    expected = df["text"].dtype
    for column in ["text_fr-fr", "camb_status_fr-fr", "camb_error_de-de", "camb_status", "camb_error"]:
        assert wide[column].dtype == expected, column
    for column in ["camb_target", "camb_translation", "camb_status", "camb_error"]:
        assert long[column].dtype == expected, column
    assert wide["text_fr-fr"].tolist()[0] == "salut" and wide["text_fr-fr"].tolist()[2:] == ["yé", "salut"]
    assert wide["text_fr-fr"].iloc[1] is np.nan and wide["camb_error_fr-fr"].isna().all()
    assert wide["camb_status"].tolist() == ["ok", "skipped", "failed", "ok"]
    assert wide["camb_error"].tolist()[2] == "de-de: JobFailed: boom"
    assert long["camb_translation"].tolist()[:2] == ["salut", "hallo"]
    assert long["camb_translation"].isna().tolist()[2:6] == [True, True, False, True]
    statuses = ["ok", "ok", "skipped", "skipped", "ok", "failed", "ok", "ok"]
    assert long["camb_status"].tolist() == statuses
    assert long["camb_error"].tolist()[5] == "JobFailed: boom"


def test_duplicate_index_labels_survive_both_layouts() -> None:
    """Duplicate index labels are kept as they are in wide and long output."""
    df = pd.DataFrame({"text": ["a", "b"]}, index=[7, 7])
    plan = plan_texts(df["text"].tolist())
    outcome = BatchOutcome.empty(plan, ["fr-fr"])
    outcome.translations["fr-fr"][:] = ["A", "B"]
    assert assemble_wide(df, "text", outcome).index.tolist() == [7, 7]
    assert assemble_long(df, "text", outcome)["camb_translation"].tolist() == ["A", "B"]


def test_a_translation_arrow_cannot_hold_keeps_its_column_as_objects() -> None:
    """A server answer with a lone surrogate is kept exactly; its column falls back to objects (Arrow needs
    valid UTF-8), the other target's column keeps the source's dtype."""
    dtype = ARROW_TEXT if ARROW_TEXT is not None else object
    df = pd.DataFrame({"text": pd.Series(["hi", "yo", "hi"], dtype=dtype)})
    plan = plan_texts(clean_texts(df["text"].tolist()))
    outcome = BatchOutcome.empty(plan, ["fr-fr", "de-de"])
    outcome.translations["fr-fr"][:] = ["salut \ud800", "yé"]
    outcome.translations["de-de"][:] = ["hallo", "jo"]
    wide = assemble_wide(df, "text", outcome)
    assert wide["text_fr-fr"].tolist() == ["salut \ud800", "yé", "salut \ud800"]
    assert wide["text_fr-fr"].dtype == object and wide["text_de-de"].dtype == dtype


def test_the_wide_frame_takes_the_translations_over_from_the_outcome() -> None:
    """Once the wide frame is built the outcome reads each translation from the frame's column (an Arrow
    column's buffers, or the strs an object column holds): held once, not beside it; values read the same."""
    dtype = ARROW_TEXT if ARROW_TEXT is not None else object
    df = pd.DataFrame({"text": pd.Series(["hi", None, "yo", "hi", "new"], dtype=dtype)})
    plan = plan_texts(clean_texts(df["text"].tolist()))
    outcome = BatchOutcome.empty(plan, ["fr-fr"])
    outcome.translations["fr-fr"][:2] = ["salut", "yé"]  # "new" still untranslated
    wide = assemble_wide(df, "text", outcome)
    store = outcome.translations["fr-fr"]
    assert store == ["salut", "yé", None] and store.missing() == [2]
    source = store._packs[0]
    assert len(store._packs) == 1 and isinstance(source, ColumnTexts)
    if ARROW_TEXT is None:  # the per-text table the object column was spread from: the same str objects
        assert source.array[0] is wide["text_fr-fr"].iat[0]
    else:
        held = [chunk.buffers()[2].address for chunk in wide["text_fr-fr"].array._pa_array.chunks]
        assert [chunk.buffers()[2].address for chunk in source.array.chunks] == held
    store[2] = "nouveau"  # a later write (a retry's copy, or a run still going) opens a pack of its own
    assert list(store) == ["salut", "yé", "nouveau"] and wide["text_fr-fr"].tolist()[4] is np.nan


def test_a_column_taken_in_slices_reads_the_same_and_is_taken_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Arrow column is taken a slice of rows at a time (bounding the take's transient); the outcome then
    reads from those chunks, and a retry's copy (chunks plus a pack of its own) builds the same column."""
    from camb_notebook.frames import _text

    monkeypatch.setattr(_text, "_ROWS", 2)
    texts = ["hi", None, "yo", "hi", "new", "yo", "hi"]
    df = pd.DataFrame({"text": pd.Series(texts, dtype=ARROW_TEXT or object)})  # pandas 2.2: object
    plan = plan_texts(clean_texts(df["text"].tolist()))
    outcome = BatchOutcome.empty(plan, ["fr-fr"])
    outcome.translations["fr-fr"][:2] = ["salut", "yé"]
    wide = assemble_wide(df, "text", outcome)
    expected = ["salut", np.nan, "yé", "salut", np.nan, "yé", "salut"]
    assert wide["text_fr-fr"].tolist() == expected
    if ARROW_TEXT is not None:
        assert wide["text_fr-fr"].array._pa_array.num_chunks == 4
    store = outcome.translations["fr-fr"]
    assert isinstance(store._packs[0], ColumnTexts) and store == ["salut", "yé", None]
    again = store.copy()
    again[2] = "nouveau"
    outcome.translations["fr-fr"] = again
    assert assemble_wide(df, "text", outcome)["text_fr-fr"].tolist()[4] == "nouveau"
