"""Dry runs, estimates and budgets against the sandbox over loopback HTTP (issue 20's acceptance).

The sandbox counts billed characters per key and target (its credits model), so the estimate is compared with
what the server billed, not with our own arithmetic.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from camb_notebook.jobs import Estimate, JobManager, translation_batch
from camb_notebook.jobs._batch_plan import plan_texts
from camb_notebook.sandbox import Sandbox, pseudo_localize

TARGETS = ["fr-fr", "de-de", "ja-jp"]


def _frame_texts(rows: int, duplicates: float, seed: int = 20) -> list[str]:
    """`rows` texts of varied length, a `duplicates` share repeating an earlier one, shuffled."""
    rng = random.Random(seed)
    distinct = rows - round(rows * duplicates)
    unique = [f"row {i}: " + "lorem ipsum " * rng.randint(1, 6) for i in range(distinct)]
    texts = unique + [rng.choice(unique) for _ in range(rows - distinct)]
    rng.shuffle(texts)
    return texts


def _billed(sandbox: Sandbox) -> dict[str, int]:
    """Characters the sandbox billed our key so far, per target."""
    return sandbox.stats.characters_billed(sandbox.api_key)


def _delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    """Per-target difference of two billing snapshots (targets billed nothing are left out)."""
    return {t: after.get(t, 0) - before.get(t, 0) for t in after if after.get(t, 0) != before.get(t, 0)}


def _requests(sandbox: Sandbox) -> int:
    """Every API request the sandbox saw."""
    return sum(sandbox.stats.requests.values())


def test_dry_run_sends_nothing_and_bills_exactly_what_the_run_bills(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """10k rows × 3 targets, 30 % duplicates, half the texts cached: 0 requests; exact characters/target."""
    manager = make_manager()
    texts = _frame_texts(10_000, 0.3)
    unique = plan_texts(texts).unique
    half = list(unique[: len(unique) // 2])
    warm = translation_batch(manager, half, to=TARGETS)
    warm.result(timeout=120)

    seen = _requests(camb_sandbox)
    estimate = translation_batch(manager, texts, to=TARGETS, dry_run=True)
    assert isinstance(estimate, Estimate)
    assert _requests(camb_sandbox) == seen  # not even a status request
    assert estimate.rows == 10_000 and estimate.distinct_texts == len(unique) == 7_000
    assert estimate.free_texts == len(half) * len(TARGETS)
    frame = estimate.to_frame()
    assert list(frame.index) == TARGETS and (frame["free_texts"] == len(half)).all()
    assert "no history" not in estimate.eta_text()  # the warm-up run measured durations

    before = _billed(camb_sandbox)
    batch = estimate.run()
    result = batch.result(timeout=120)
    billed = _delta(_billed(camb_sandbox), before)
    assert billed == {t: int(frame.loc[t, "billable_characters"]) for t in TARGETS}
    assert sum(billed.values()) == estimate.billable_characters
    assert result["ja-jp"] == [pseudo_localize(t, "ja-jp") for t in texts]
    summary = batch.summary()
    assert summary.characters == (estimate.billable_characters, estimate.billable_characters)
    assert summary.tasks == (estimate.tasks, estimate.tasks)
    assert summary.cache_hits == (len(unique) // 2 // 100 * 3, len(unique) // 2 // 100 * 3)


def test_a_budget_stops_creating_at_the_cap_and_a_larger_one_sends_only_the_rest(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """40 % of the estimate: at most that is billed, the rest is not_sent; a rerun creates only the rest."""
    manager = make_manager()
    texts = _frame_texts(3_000, 0.3, seed=4)
    estimate = translation_batch(manager, texts, to=TARGETS, chunk_size=50, dry_run=True)
    cap = int(estimate.billable_characters * 0.4)

    before = _billed(camb_sandbox)
    batch = translation_batch(manager, texts, to=TARGETS, chunk_size=50, max_characters=cap)
    result = batch.result(timeout=60)
    first = sum(_delta(_billed(camb_sandbox), before).values())
    created = camb_sandbox.stats.tasks_created["translation"]
    assert 0 < first <= cap
    assert first == batch.budget.characters and created == batch.budget.tasks
    assert batch.state == "succeeded" and batch.failed_count == 0
    assert batch.not_sent_count > 0 and batch.done_count + batch.not_sent_count == batch.total
    unsent = [m for m in batch.outcome.errors["fr-fr"] if m]
    assert unsent and all(m.startswith("not_sent: the budget max_characters=") for m in unsent)
    assert sum(v is None for v in result["de-de"]) > 0
    assert batch.budget_text == f"{first:,}/{cap:,} chars"

    again = translation_batch(manager, texts, to=TARGETS, chunk_size=50, max_characters=cap * 3)
    assert again.result(timeout=60)["fr-fr"] == [pseudo_localize(t, "fr-fr") for t in texts]
    second = sum(_delta(_billed(camb_sandbox), before).values()) - first
    assert first + second == estimate.billable_characters  # nothing billed twice
    assert camb_sandbox.stats.tasks_created["translation"] == estimate.tasks  # 0 duplicate creates
    assert again.summary().cache_hits[1] == batch.budget.tasks


def test_max_tasks_caps_the_creates(make_manager: Callable[..., JobManager], camb_sandbox: Sandbox) -> None:
    """max_tasks=3 creates three tasks; every other row is not_sent."""
    manager = make_manager()
    batch = translation_batch(
        manager, [f"text {i}" for i in range(100)], to="fr-fr", chunk_size=10, max_tasks=3
    )
    batch.result(timeout=30)
    assert camb_sandbox.stats.tasks_created["translation"] == 3
    assert batch.done_count == 30 and batch.not_sent_count == 70


def test_session_default_budget_applies_to_every_batch(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """manager.max_characters (what `%config CambMagics.max_characters` sets) caps a batch that sets none."""
    manager = make_manager()
    manager.max_characters = 25
    batch = translation_batch(manager, ["a" * 10, "b" * 10, "c" * 10], to="fr-fr", chunk_size=1)
    batch.result(timeout=30)
    assert camb_sandbox.stats.tasks_created["translation"] == 2 and batch.not_sent_count == 1


def test_estimate_without_history_says_so_and_escapes_its_html(
    make_manager: Callable[..., JobManager],
) -> None:
    """An empty journal: ETA "no history"; credits unknown; texts never reach the HTML unescaped."""
    manager = make_manager()
    estimate = translation_batch(manager, ["<script>x</script>", "b"], to=["fr-fr"], dry_run=True)
    assert estimate.eta is None and "no history" in estimate.eta_text()
    page = estimate._repr_html_()
    assert "<script>" not in page and "unknown" in page and "no history" in page
    assert estimate.tasks == 1 and estimate.billable_characters > 0  # the tags are sent masked


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_characters": 0}, "max_characters must be at least 1, not 0"),
        ({"max_characters": -5}, "max_characters must be at least 1, not -5"),
        ({"max_tasks": 0}, "max_tasks must be at least 1, not 0"),
        ({"max_characters": 3}, "max_characters=3 is smaller than the first text to send (10 characters)"),
    ],
)
def test_bad_budgets_are_one_line_before_anything_is_sent(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox, kwargs: dict[str, int], message: str
) -> None:
    """Zero, negative, or smaller than the first text: a UsageError naming it; the sandbox sees nothing."""
    from camb_notebook.api import UsageError

    manager = make_manager()
    with pytest.raises(UsageError) as caught:
        translation_batch(manager, ["0123456789"], to="fr-fr", **kwargs)  # type: ignore[arg-type]
    assert message in str(caught.value)
    assert _requests(camb_sandbox) == 0


def test_sandbox_stats_route_bills_characters_per_masked_key_and_target(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """`GET __sandbox__/stats` shows credits and translated characters per key (masked) and target."""
    import httpx

    manager = make_manager()
    translation_batch(manager, ["abcd", "efghij"], to=["fr-fr", "pl-pl"]).result(timeout=30)
    key = {"x-api-key": camb_sandbox.api_key}
    body = httpx.get(f"{camb_sandbox.base_url}/__sandbox__/stats", headers=key, timeout=10).json()
    assert body["billed_characters"] == {"…dbox": {"fr-fr": 10, "pl-pl": 10}}
    assert body["credits_used"] == {"…dbox": 20} and camb_sandbox.api_key not in str(body)


def test_a_task_another_session_holds_in_the_journal_is_free(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """Chunks a live session created (still pending) are free in a second session's estimate and run."""
    from suite_helpers import hold_tasks, release_tasks, wait_until

    first, second = make_manager(), make_manager()  # one journal: the test's CAMB_NOTEBOOK_HOME
    hold_tasks(camb_sandbox, "translation")
    texts = [f"text {i}" for i in range(30)]
    running = translation_batch(first, texts, to="fr-fr", chunk_size=10)
    wait_until(lambda: camb_sandbox.stats.tasks_created.get("translation") == 3, what="3 tasks created")

    def estimate_now() -> Estimate:  # a dry run sends nothing, so asking again is free
        return translation_batch(second, [*texts, "one more"], to="fr-fr", chunk_size=10, dry_run=True)

    # The journal records a task id just after the server answers the create: wait for all three.
    wait_until(lambda: estimate_now().free_texts == 30, what="the 3 created tasks in the journal")
    estimate = estimate_now()
    assert (estimate.tasks, estimate.free_texts) == (1, 30)
    batch = estimate.run()
    release_tasks(camb_sandbox)
    assert running.result(timeout=30)["fr-fr"] == batch.result(timeout=30)["fr-fr"][:30]
    assert camb_sandbox.stats.tasks_created["translation"] == 4 and batch.summary().tasks == (1, 1)


def test_protected_texts_are_priced_as_sent_masked(
    make_manager: Callable[..., JobManager], camb_sandbox: Sandbox
) -> None:
    """Placeholders and tags are masked before sending: the estimate counts the masked texts, as billed."""
    manager = make_manager()
    texts = [f"Hello {{name}}, you have %d new <b>messages</b> ({i})" for i in range(60)]
    texts += [f"{{count, plural, one {{# file}} other {{# files}}}} in folder {i}" for i in range(30)]
    estimate = translation_batch(manager, texts, to=["fr-fr", "pl-pl"], chunk_size=25, dry_run=True)
    raw = 2 * sum(len(t) for t in texts)
    assert estimate.billable_characters != raw  # what is sent is not the source text
    batch = estimate.run()
    batch.result(timeout=30)
    billed = _billed(camb_sandbox)
    assert billed == {t: int(estimate.to_frame().loc[t, "billable_characters"]) for t in ["fr-fr", "pl-pl"]}
    assert batch.summary().characters == (estimate.billable_characters, sum(billed.values()))
