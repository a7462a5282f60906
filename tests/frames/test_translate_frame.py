"""translate_frame and the df.camb / series.camb accessors against the sandbox over loopback HTTP."""

from __future__ import annotations

import random
import time

import numpy as np
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from camb_notebook.api import UsageError
from camb_notebook.frames import translate_frame  # importing it registers the accessors
from camb_notebook.jobs._batch_plan import chunk_texts
from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb

TARGETS = ["fr-fr", "de-de"]


def _big_frame(rows: int, seed: int = 7) -> pd.DataFrame:
    """`rows` rows: ~30 % repeats of earlier texts, some None/NaN/blank, a shuffled index and other dtypes."""
    rng = random.Random(seed)
    distinct = [f"Row {i}: the quick brown fox {rng.randint(0, 10**6)}" for i in range(int(rows * 0.7))]
    texts: list[object] = distinct + [rng.choice(distinct) for _ in range(rows - len(distinct))]
    rng.shuffle(texts)
    for i in range(0, rows, 101):
        texts[i] = [None, np.nan, "", "   "][i % 4]
    index = pd.Index(rng.sample(range(10 * rows), rows), name="row_id")
    return pd.DataFrame(
        {"text": texts, "n": np.arange(rows, dtype="int16"), "flag": [i % 3 == 0 for i in range(rows)]},
        index=index,
    )


def test_ten_thousand_rows_two_targets_every_value_correct_nothing_sent_twice(
    camb: Camb, camb_sandbox: Sandbox
) -> None:
    """10k rows, 30 % repeats: every value matches the sandbox; each distinct text billed once per target."""
    df = _big_frame(10_000)
    sent = [t for t in dict.fromkeys(df["text"]) if isinstance(t, str) and t.strip()]
    # Credits cover exactly one send of every distinct text per target: any repeat would hit PAYMENT_REQUIRED.
    camb_sandbox.configure(credits={camb_sandbox.api_key: len(TARGETS) * sum(len(t) for t in sent)})
    batch = df.camb.translate("text", to=TARGETS, chunk_size=500, max_chars=50_000, session=camb)
    out = batch.result(timeout=120)

    chunks = len(chunk_texts(sent, chunk_size=500, max_chars=50_000))
    assert camb_sandbox.stats.tasks_created == {"translation": chunks * len(TARGETS)}
    assert batch.state == "succeeded" and batch.failed_count == 0
    assert out.index.equals(df.index) and list(out.columns[:3]) == ["text", "n", "flag"]
    pd.testing.assert_frame_equal(out[df.columns], df)
    has_text = df["text"].map(lambda t: isinstance(t, str) and bool(t.strip()))
    for target in TARGETS:
        column = out[f"text_{target}"]
        expected = [
            pseudo_localize(t, target) if ok else None for t, ok in zip(df["text"], has_text, strict=True)
        ]
        assert [None if pd.isna(v) else v for v in column] == expected
    assert (out["camb_status"] == np.where(has_text, "ok", "skipped")).all()
    assert out["camb_error"].isna().all()


def test_long_output_from_a_series_with_formality(camb: Camb, camb_sandbox: Sandbox) -> None:
    """series.camb.translate(shape="long") gives one row per (row, target) with the series index repeated."""
    series = pd.Series(["Hello", None, "Bye", "Hello"], index=[30, 20, 10, 0], name="greeting")
    out = series.camb.translate(to=["es-es", "ja-jp"], shape="long", formality="formal", session=camb).result(
        30
    )
    assert out.index.tolist() == [30, 30, 20, 20, 10, 10, 0, 0]
    assert out["camb_target"].tolist() == ["es-es", "ja-jp"] * 4
    assert out["camb_translation"].iloc[6] == pseudo_localize("Hello", "es-es")
    assert out["camb_translation"].iloc[5] == pseudo_localize("Bye", "ja-jp")
    assert out["camb_translation"].isna().tolist() == [False, False, True, True, False, False, False, False]
    assert camb_sandbox.stats.tasks_created == {"translation": 2}


def test_non_strings_raise_naming_rows_before_anything_is_sent(camb: Camb, camb_sandbox: Sandbox) -> None:
    """Numbers in the column raise a UsageError naming their index labels; nothing reaches the server."""
    df = pd.DataFrame({"text": ["ok", 5, "fine", 2.5]}, index=["a", "b", "c", "d"])
    with pytest.raises(UsageError, match=r"'b', 'd'"):
        df.camb.translate("text", to="fr-fr", session=camb)
    assert camb_sandbox.stats.tasks_created == {}
    out = df.camb.translate("text", to="fr-fr", errors="coerce", session=camb).result(30)
    assert out["camb_status"].tolist() == ["ok", "skipped", "ok", "skipped"]
    assert out["text_fr-fr"].tolist()[0] == pseudo_localize("ok", "fr-fr")


def test_bad_column_and_layout_are_usage_errors(camb: Camb) -> None:
    """An unknown column or layout fails at once."""
    df = pd.DataFrame({"text": ["a"]})
    with pytest.raises(UsageError, match="no column 'txt'"):
        df.camb.translate("txt", to="fr-fr", session=camb)
    with pytest.raises(UsageError, match="shape must be"):
        df.camb.translate("text", to="fr-fr", shape="tall", session=camb)


def test_into_assigns_the_frame_in_the_user_namespace(camb: Camb) -> None:
    """into="name" stores the finished frame in IPython's user namespace (a main-thread done-callback)."""
    shell = InteractiveShell.instance()
    try:
        frame = pd.DataFrame({"text": ["Hi"]})
        batch = translate_frame(frame, "text", "fr-fr", into="translated", session=camb)
        out = batch.result(timeout=30)
        deadline = time.monotonic() + 10  # the done-callback is posted to the main thread as the batch ends
        while "translated" not in shell.user_ns and time.monotonic() < deadline:
            camb.manager.dispatcher.drain()
            time.sleep(0.005)
        assert shell.user_ns["translated"] is out
    finally:
        shell.user_ns.pop("translated", None)
        InteractiveShell.clear_instance()


def test_max_length_column_is_read_per_row(camb: Camb) -> None:
    """A `max_length` column limits each row's translation (read from the column; no per-row list made)."""
    df = pd.DataFrame({"text": ["Save", "Save", "Open"], "max_length": [5, None, 500]})
    out = df.camb.translate("text", to="fr-fr", session=camb).result(30)
    issues = out["qa_issues_fr-fr"].tolist()
    assert issues[0] == issues[1] and any(i.startswith("too_long:") and i.endswith(">5") for i in issues[0])
    assert not any(i.startswith("too_long:") for i in issues[2])
