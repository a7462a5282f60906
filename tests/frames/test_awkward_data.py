"""Awkward data in a frame: one bad text fails only its own row, and ambiguous column labels are one line.

Before: a lone surrogate failed its whole chunk for every target with a raw UnicodeEncodeError naming no row
(and `retry_failed()` could never succeed); two columns with one label gave an AttributeError.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import camb_notebook.frames  # noqa: F401  (registers df.camb)
from camb_notebook.api import UsageError
from camb_notebook.jobs import invalid_reason
from camb_notebook.sandbox import Sandbox, pseudo_localize


def test_lone_surrogate_marks_its_row_invalid_and_the_rest_of_the_chunk_goes_through(
    camb: Any, camb_sandbox: Sandbox
) -> None:
    """The bad row is `invalid` with where it breaks; its chunk-mates are translated into every target."""
    # object dtype: Arrow-backed strings refuse such text already when the frame is made
    df = pd.DataFrame({"text": ["Hello", "bad \ud800 text", "World", None]}, dtype=object)
    out = df.camb.translate("text", to=["fr-fr", "de-de"], session=camb).result(timeout=60)
    assert out["camb_status"].tolist() == ["ok", "invalid", "ok", "skipped"]
    assert "lone surrogate at character 5" in out.loc[1, "camb_error"]
    assert out.loc[0, "text_fr-fr"] == pseudo_localize("Hello", "fr-fr")
    assert out.loc[2, "text_de-de"] == pseudo_localize("World", "de-de")
    assert pd.isna(out.loc[1, "text_fr-fr"])
    assert camb_sandbox.stats.tasks_created == {
        "translation": 2
    }  # one chunk per target, the bad row left out
    long = df.camb.translate("text", to=["fr-fr", "de-de"], shape="long", session=camb).result(timeout=60)
    assert long.loc[long.index == 1, "camb_status"].tolist() == ["invalid", "invalid"]


def test_lone_surrogate_in_a_plain_list_is_left_out() -> None:
    """The reason names the character; ordinary non-ASCII text is fine."""
    assert invalid_reason("ok") is None and invalid_reason("Zürich 東京 🚀") is None
    assert invalid_reason("ab\udc80") == (
        "invalid text: a lone surrogate at character 3; fix the text's encoding"
    )


def test_two_columns_with_one_label_is_one_line(camb: Any) -> None:
    """A duplicated label cannot say which column to translate: one UsageError, nothing sent."""
    df = pd.DataFrame([["a", "b"]], columns=["text", "text"])
    with pytest.raises(UsageError, match="2 columns named 'text'"):
        df.camb.translate("text", to="fr-fr", session=camb)
