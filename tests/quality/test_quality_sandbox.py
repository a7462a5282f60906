"""Protection and QA end to end: the fixture set through `df.camb.translate` against the sandbox over HTTP.

Corruption is judged by each fixture's hand-written list of spans that must survive (quality_fixtures.py),
independently of the detector under test.
"""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest
from quality_fixtures import DNT, FIXTURES

import camb_notebook.frames  # noqa: F401 (registers df.camb)
from camb_notebook.api import DeprecatedEndpointWarning, UsageError
from camb_notebook.quality import CheckedTranslation, parse_blocks
from camb_notebook.sandbox import Sandbox
from camb_notebook.sessions import Camb

TARGETS = ["fr-fr", "ar-sa", "ja-jp", "pl-pl"]
# Warnings the sandbox's output earns truthfully: its `[sandbox …: … ~~~]` wrapper ends every text with "]",
# and an English plural message has English categories (Polish needs few/many, Japanese only other).
EXPECTED_WARNINGS = {"end_punctuation", "icu_plural_forms", "icu_plural_unused"}


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"text": [text for text, _ in FIXTURES]})


def _lost(text: str, out: str, keep: list[str]) -> list[str]:
    """The must-survive spans that `out` has fewer of than `text`."""
    return [span for span in dict.fromkeys(keep) if out.count(span) < text.count(span)]


def test_fixture_set_covers_every_syntax() -> None:
    """At least 150 strings, and each syntax the issue names is in it."""
    texts = " ".join(text for text, _ in FIXTURES)
    assert len(FIXTURES) >= 150
    for sample in [
        "%1$s",
        "%lld",
        "%@",
        "%(name)s",
        "{}",
        "{0}",
        "{value!r:>10}",
        "plural,",
        "select,",
        "selectordinal,",
        "{{name}}",
        "$t(",
        "<b>",
        "&amp;",
        "https://",
        "@camb.ai",
        "\\n",
        "CAMB.AI",
    ]:
        assert sample in texts, sample


def test_protected_batch_keeps_every_placeholder_tag_and_icu_structure(camb: Camb) -> None:
    """fr-fr, ar-sa, ja-jp, pl-pl: 0 corrupted spans, well-formed ICU, and QA raises no error on any row."""
    out = _frame().camb.translate("text", to=TARGETS, dnt=DNT, session=camb).result(timeout=120)
    warnings: Counter[str] = Counter()
    for target in TARGETS:
        assert (out["camb_status"] == "ok").all()
        for (text, keep), translated, status, issues in zip(
            FIXTURES, out[f"text_{target}"], out[f"qa_{target}"], out[f"qa_issues_{target}"], strict=True
        ):
            assert _lost(text, translated, keep) == [], (target, text, translated)
            source_blocks, _ = parse_blocks(text)
            target_blocks, broken = parse_blocks(translated)
            assert broken == [] and [b.selectors for b in target_blocks] == [
                b.selectors for b in source_blocks
            ]
            assert status != "error", (target, text, issues)
            warnings.update(code.split(":")[0] for code in issues)
    assert set(warnings) <= EXPECTED_WARNINGS, warnings


def test_unprotected_batch_every_corruption_is_flagged(camb: Camb) -> None:
    """protect=False: each span the sandbox corrupts is named by an error issue on its row (recall 100 %)."""
    out = (
        _frame().camb.translate("text", to=TARGETS, protect=False, dnt=DNT, session=camb).result(timeout=120)
    )
    corrupted = flagged = 0
    for target in TARGETS:
        for (text, keep), translated, status, issues in zip(
            FIXTURES, out[f"text_{target}"], out[f"qa_{target}"], out[f"qa_issues_{target}"], strict=True
        ):
            issues = list(issues)
            for span in _lost(text, translated, keep):
                corrupted += 1
                named = any(span in code for code in issues) or any(c.startswith("icu_") for c in issues)
                assert status == "error" and named, (target, text, span, issues)
                flagged += 1
    assert corrupted > 500 and flagged == corrupted  # the sandbox corrupts most spans when unprotected


def test_protect_can_pick_syntaxes(camb: Camb) -> None:
    """protect=["printf"] keeps %s but lets the sandbox mangle {name} (and QA says so)."""
    frame = pd.DataFrame({"text": ["Hi {name}, %s waiting"]})
    out = frame.camb.translate("text", to=["fr-fr"], protect=["printf"], session=camb).result(timeout=30)
    assert "%s" in out.loc[0, "text_fr-fr"] and "{name}" not in out.loc[0, "text_fr-fr"]
    assert out.loc[0, "qa_fr-fr"] == "error" and "placeholder_missing:{name}" in out.loc[0, "qa_issues_fr-fr"]


def test_long_frames_carry_qa_status_and_issues(camb: Camb) -> None:
    """shape="long": `qa_status`/`qa_issues` per row and target; the summary counts them per target."""
    frame = pd.DataFrame({"text": ["Hello {name}.", "Fish &amp; chips", None]})
    out = frame.camb.translate("text", to=["fr-fr", "ja-jp"], shape="long", session=camb).result(timeout=30)
    # "Hello {name}." earns an end-punctuation warning (the sandbox wraps its output in "[…]")
    assert list(out["qa_status"][:4]) == ["warning", "warning", "ok", "ok"]
    assert pd.isna(out["qa_status"].iloc[4])  # not sent: no QA
    summary = out.camb.qa_summary()
    assert set(summary["target"]) == {"fr-fr", "ja-jp"}
    assert summary.set_index(["target", "check"]).loc[("fr-fr", "rows checked"), "rows"] == 2


def test_a_lost_mask_is_retried_strictly_then_restored(camb: Camb, camb_sandbox: Sandbox) -> None:
    """An engine that drops the `<x id>` tags: the text is resent with nothing masked and comes back whole."""
    camb_sandbox.configure(lose_tags=True)
    frame = pd.DataFrame({"text": ["Hello {name}, you have %d new <b>messages</b>.", "Plain text."]})
    out = frame.camb.translate("text", to=["fr-fr"], session=camb).result(timeout=30)
    translated = out.loc[0, "text_fr-fr"]
    assert all(span in translated for span in ["{name}", "%d", "<b>", "</b>"])
    assert out.loc[0, "qa_fr-fr"] != "error"
    assert camb_sandbox.stats.tasks_created["translation"] == 2  # the chunk, then the strict retry


def test_when_the_strict_retry_fails_the_row_is_an_error_not_a_half_restored_text(
    camb: Camb, camb_sandbox: Sandbox
) -> None:
    """Tags lost and no credits left for the retry: no translation, `qa_status="error"` with the reason."""
    text = "Hello {name}."
    camb_sandbox.configure(lose_tags=True, credits={camb_sandbox.api_key: len('Hello <x id="1"/>.')})
    out = pd.DataFrame({"text": [text]}).camb.translate("text", to=["fr-fr"], session=camb).result(timeout=30)
    assert isinstance(out.loc[0, "text_fr-fr"], float) and math.isnan(out.loc[0, "text_fr-fr"])
    assert out.loc[0, "qa_fr-fr"] == "error"
    assert out.loc[0, "qa_issues_fr-fr"][0].startswith("mask_lost:{name}")
    assert out.loc[0, "camb_status"] == "failed" and "mask_lost:{name}" in out.loc[0, "camb_error"]


def test_one_target_job_and_stream_come_back_restored_and_checked(camb: Camb) -> None:
    """camb.translate(..., to="fr-fr"): a CheckedTranslation; stream=True: the value is restored too."""
    result = camb.translate(["Hi {name}", "{n, plural, one {# day} other {# days}}"], to="fr-fr").result(
        timeout=30
    )
    assert isinstance(result, CheckedTranslation)
    assert "{name}" in result.texts[0] and result.texts[1].startswith("{n, plural, one {")
    assert result.qa[0] is not None and result.qa[0].status == "ok"
    assert result.qa[1] is not None and result.qa[1].issues == ("icu_plural_forms:many",)  # CLDR French
    with pytest.warns(DeprecatedEndpointWarning):
        live = camb.translate("Hi {name}, see <b>this</b>", to="fr-fr", stream=True)
    streamed = live.result(timeout=30)
    assert "{name}" in streamed and "<b>" in streamed and "</b>" in streamed


@pytest.mark.parametrize("protect", ["nope", ["printf", "bogus"]])
def test_bad_protect_is_one_clear_line(camb: Camb, protect: object) -> None:
    """An unknown syntax name is a UsageError naming it."""
    with pytest.raises(UsageError, match="unknown protect syntax"):
        _frame().camb.translate("text", to=["fr-fr"], protect=protect, session=camb)


def test_a_dry_run_prices_the_masked_texts_the_run_sends(camb: Camb, camb_sandbox: Sandbox) -> None:
    """The estimate counts the masked segments (ICU branches apart), exactly what the run bills."""
    texts = ["Hello {name}, <b>%d</b> items.", "{n, plural, one {# day} other {# days}}"]
    estimate = camb.translate(texts, to=["fr-fr"], dry_run=True)
    before = camb_sandbox.stats.characters_billed(camb_sandbox.api_key).get("fr-fr", 0)
    estimate.run().result(timeout=30)
    billed = camb_sandbox.stats.characters_billed(camb_sandbox.api_key)["fr-fr"] - before
    assert (
        billed
        == estimate.billable_characters
        == len('Hello <x id="1"/>, <x id="2"/><x id="3"/><x id="4"/> items.')
        + len('<x id="1"/> day')
        + len('<x id="1"/> days')
    )
