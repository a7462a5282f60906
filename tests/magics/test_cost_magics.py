"""`--dry-run`, `--max-characters`/`--max-tasks` and `%config CambMagics.max_characters` on the sandbox."""

from __future__ import annotations

from typing import Any

from IPython.utils.io import capture_output

from camb_notebook.jobs import Estimate


def _run(ip: Any, cell: str) -> Any:
    """Run a cell quietly and return its ExecutionResult."""
    with capture_output():
        return ip.run_cell(cell)


def _requests(sandbox: Any) -> int:
    """Every API request the sandbox saw."""
    return sum(sandbox.stats.requests.values())


def test_cell_and_line_dry_runs_return_an_estimate_and_send_nothing(ip: Any, sandboxed: Any) -> None:
    """`%%camb_translate --dry-run` and `%camb translate --dry-run` show an Estimate; 0 requests."""
    result = _run(ip, "%%camb_translate --to fr-fr,de-de --dry-run\nHello\nHello\nGood night\n")
    assert result.success and isinstance(result.result, Estimate)
    assert (result.result.rows, result.result.distinct_texts, result.result.tasks) == (3, 2, 2)
    assert _run(ip, "%camb est << translate Hello --to fr-fr --dry-run").success
    assert isinstance(ip.user_ns["est"], Estimate) and ip.user_ns["est"].billable_characters == 5
    assert _requests(sandboxed) == 0


def test_budget_flag_and_session_default_leave_rows_not_sent(ip: Any, sandboxed: Any) -> None:
    """`--max-tasks 1` sends one chunk; `%config CambMagics.max_characters` caps the next batch."""
    ip.user_ns["texts"] = ["one", "two", "three"]
    assert _run(ip, "%camb translate $texts --to fr-fr,de-de --max-tasks 1 -o out --wait").success
    assert ip.user_ns["out"]["status"].tolist() == ["ok", "not_sent", "ok", "not_sent", "ok", "not_sent"]
    assert _run(ip, "%config CambMagics.max_characters = 5").success
    from camb_notebook import session

    assert session().manager.max_characters == 5
    with capture_output() as captured:
        result = ip.run_cell("%%camb_translate --to it-it --wait\nabc\ndefgh\n")  # one chunk of 8 characters
    assert "max_characters=5 is smaller than the first chunk (2 texts) to send" in str(result.error_in_exec)
    assert captured.stdout.count("\n") == 1 and sandboxed.stats.tasks_created["translation"] == 1


def test_sandbox_start_gives_the_new_session_the_default_budget(ip: Any) -> None:
    """`%camb sandbox start` after `%config CambMagics.max_characters` builds a session with that budget."""
    from camb_notebook.sessions import current, stop_sandbox

    assert _run(ip, "%config CambMagics.max_characters = 1234").success
    try:
        assert _run(ip, "%camb sandbox start").success
        made = current()
        assert made is not None and made.manager.max_characters == 1234
    finally:
        stop_sandbox()
