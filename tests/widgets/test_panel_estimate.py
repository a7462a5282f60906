"""The panel's "Estimate cost" button: prices the Translate form's batch, sends nothing, escapes the table."""

from __future__ import annotations

from commlog import CommLog

from camb_notebook.sandbox import Sandbox
from camb_notebook.sessions import Camb
from camb_notebook.widgets import panel


def test_estimate_button_shows_the_cost_and_sends_nothing(
    comm_log: CommLog, camb: Camb, camb_sandbox: Sandbox
) -> None:
    """Lines and targets in the form: the button shows the Estimate's table; no request, no job."""
    ui = panel(camb)
    form = ui.translate
    form.text.value = "Hello <b>there</b>\nHello <b>there</b>\nGood night"
    form.targets.search.value = "fr-fr"
    form.targets.search.value = "de-de"
    form.estimate_button.click()
    shown = comm_log.latest(form.estimate_view, "value")
    assert "Estimate" in shown and "no history" in shown and "&lt;b&gt;" not in shown.replace("&amp;", "&")
    assert "<b>there" not in shown and "fr-fr" in shown and "de-de" in shown
    assert sum(camb_sandbox.stats.requests.values()) == 0 and camb.manager.jobs() == []


def test_estimate_button_says_what_is_missing(comm_log: CommLog, camb: Camb) -> None:
    """No target yet: the button shows the same inline message as Translate would."""
    ui = panel(camb)
    ui.translate.text.value = "Hello"
    ui.translate.estimate_button.click()
    assert "add at least one target language" in comm_log.latest(ui.translate.estimate_view, "value")


def test_a_budgeted_batch_bar_shows_characters_sent_of_the_budget(camb: Camb) -> None:
    """The bar's status carries `sent/budget chars`; the final note counts the not_sent rows."""
    from camb_notebook.widgets._snapshot import take_snapshot

    texts = [f"sentence {i:02d}" for i in range(20)]  # 11 characters each
    batch = camb.translate(texts, to=["fr-fr"], chunk_size=5, max_characters=120)
    batch.result(timeout=30)
    snap = take_snapshot(batch)
    assert snap.status == "done · 110/120 chars" and snap.state == "succeeded"
    assert snap.note.startswith("10 row-translations not_sent (budget 110/120 chars)")
