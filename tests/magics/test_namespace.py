"""Magics on the sandbox in an in-process shell: results land in the namespace, bad input makes no job."""

from __future__ import annotations

from typing import Any

import pytest
from IPython.utils.io import capture_output

from camb_notebook.api import MissingKeyError
from camb_notebook.sandbox import pseudo_localize


def protected(text: str, locale: str) -> str:
    """The sandbox's translation of `text` with `{name}` protected (masked as a tag it keeps, restored)."""
    return pseudo_localize(text.replace("{name}", '<x id="1"/>'), locale).replace('<x id="1"/>', "{name}")


def _jobs() -> list[Any]:
    """Every job of the default session."""
    from camb_notebook import session

    return session().manager.jobs()


def _run(ip: Any, cell: str) -> Any:
    """Run a cell quietly and return its ExecutionResult."""
    with capture_output():
        return ip.run_cell(cell)


def test_out_is_assigned_when_the_job_finishes(ip: Any, sandboxed: Any) -> None:
    """`-o fr` returns at once and fills `fr` from a done callback; `{name}` in the text is left alone
    (the magic line keeps it, and protection masks it from the sandbox's accents)."""
    result = _run(ip, '%camb translate "Hello {name}" --to fr-fr -o fr')
    assert result.success and result.result is None
    assert _run(ip, "%camb wait all").success
    assert ip.user_ns["fr"] == protected("Hello {name}", "fr-fr")


def test_prefix_name_and_wait_return_values(ip: Any, sandboxed: Any) -> None:
    """`NAME <<` stores; `--wait` without a widget frontend returns the result itself."""
    assert _run(ip, "%camb de << translate Guten Morgen --to de-de --from en-us --wait").success
    assert ip.user_ns["de"] == pseudo_localize("Guten Morgen", "de-de")
    ip.user_ns["_camb_last"] = None
    assert _run(ip, "_camb_last = %camb translate ciao --to it-it --wait").success
    assert ip.user_ns["_camb_last"] == pseudo_localize("ciao", "it-it")


def test_cell_magic_builds_the_long_frame(ip: Any, sandboxed: Any) -> None:
    """`%%camb_translate` turns each non-empty line into rows per target with status and error columns."""
    cell = "%%camb_translate --to fr-fr,de-de -o df --wait\nHello {name}\n\nGood night\n"
    assert _run(ip, cell).success
    df = ip.user_ns["df"]
    assert list(df.columns) == ["text", "target", "translation", "status", "error", "qa_status", "qa_issues"]
    assert df[["text", "target"]].values.tolist() == [
        ["Hello {name}", "fr-fr"],
        ["Hello {name}", "de-de"],
        ["Good night", "fr-fr"],
        ["Good night", "de-de"],
    ]
    assert df["translation"].tolist() == [protected(t, g) for t, g in df[["text", "target"]].values]
    assert df["error"].isna().all()


def test_dollar_var_list_and_frame_become_batches(ip: Any, sandboxed: Any) -> None:
    """`$texts` (a list) and `$frame --column c` (a DataFrame) are expanded; a `$` text is not."""
    import pandas as pd

    ip.user_ns["texts"] = ["one", "two"]
    ip.user_ns["frame"] = pd.DataFrame({"c": ["three"]})
    assert _run(ip, "%camb translate $texts --to es-es -o a --wait").success
    assert _run(ip, "%camb translate $frame --column c --to es-es -o b --wait").success
    assert ip.user_ns["a"]["translation"].tolist() == [pseudo_localize(t, "es-es") for t in ("one", "two")]
    assert ip.user_ns["b"]["translation"].tolist() == [pseudo_localize("three", "es-es")]
    assert _run(ip, "%camb translate '$texts' --to es-es -o c --wait").success
    assert ip.user_ns["c"] == pseudo_localize("$texts", "es-es")


def test_languages_frame_and_config_listing(ip: Any, sandboxed: Any) -> None:
    """`languages QUERY` gives a DataFrame (stored with `<<`); `config` prints the traits and endpoint."""
    assert _run(ip, "%camb langs << languages french").success
    assert "fr-fr" in ip.user_ns["langs"]["locale"].tolist()
    with capture_output() as captured:
        ip.run_line_magic("camb", "config")
    assert "CambMagics.poll_cap = 0.1" in captured.stdout and sandboxed.base_url in captured.stdout


def test_bad_language_creates_no_job(ip: Any, sandboxed: Any) -> None:
    """An unknown target fails the cell before anything is submitted."""
    assert not _run(ip, "%%camb_translate --to fr-fr,nowhere\nHello").success
    assert not _run(ip, "%camb translate hi --to nowhere").success
    assert _jobs() == []


@pytest.mark.usefixtures("camb_sandbox")
def test_missing_key_fails_in_one_line_without_a_job(ip: Any) -> None:
    """Without CAMB_API_KEY (or .env) a job command fails at once, prints one line, and creates nothing."""
    from camb_notebook.sessions import _process as _session

    _session._default = None
    try:
        with capture_output() as captured:
            result = ip.run_cell("%camb translate hi --to fr-fr")
        assert isinstance(result.error_in_exec, MissingKeyError)
        assert [line for line in captured.stdout.splitlines() if line.strip()] == [
            "MissingKeyError: No CAMB.AI API key. Set CAMB_API_KEY, add it to .env, or run %camb key --prompt"
        ]
        assert _jobs() == []
    finally:
        if _session._default is not None:
            _session._default.close()
            _session._default = None


def test_key_prompt_never_echoes_and_status_is_masked(
    ip: Any, sandboxed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`%camb key --prompt` reads the key through getpass and uses it; no output or variable holds it."""
    typed = "typed-secret-key-7f3e9c21"
    sandboxed.configure(api_keys=(typed,))  # only the typed key works from now on
    monkeypatch.setattr("getpass.getpass", lambda prompt="": typed)
    with capture_output() as captured:
        ip.run_line_magic("camb", "key --prompt")
        ip.run_line_magic("camb", "key")
        result = ip.run_cell("%camb translate hi --to fr-fr -o fr --wait")
    assert result.success
    assert "…9c21" in captured.stdout and typed not in captured.stdout + captured.stderr
    assert all(
        value is not typed and value != typed for value in ip.user_ns.values() if isinstance(value, str)
    )
    assert ip.user_ns["fr"] == pseudo_localize("hi", "fr-fr")


def test_jobs_without_a_widget_frontend_is_a_frame(ip: Any, sandboxed: Any) -> None:
    """Outside a widget frontend `%camb jobs` is the DataFrame; `--df` and `-o` always are."""
    _run(ip, "%camb translate hi --to fr-fr --wait")
    frame = ip.run_line_magic("camb", "jobs")
    assert frame["state"].tolist() == ["succeeded"]
    assert _run(ip, "%camb jobs -o table").success and len(ip.user_ns["table"]) == 1


def test_wait_timeout_is_one_line_and_jobs_keep_running(ip: Any, sandboxed: Any) -> None:
    """`%camb wait all --timeout` that runs out fails the cell in one line; the job is still pending."""
    sandboxed.config.processing_time["translation"] = 30.0
    assert _run(ip, "%camb translate slow --to fr-fr").success
    with capture_output() as captured:
        result = ip.run_cell("%camb wait all --timeout 0.3")
    assert type(result.error_in_exec).__name__ == "WaitTimeout"
    assert captured.stdout.strip().splitlines() == [
        "WaitTimeout: 1 job(s) still running after 0.3 s; they keep polling"
    ]
    assert [job.done() for job in _jobs()] == [False]


def test_camb_sandbox_env_starts_a_sandbox_on_first_use(ip: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """With CAMB_SANDBOX=1 and no key, the first job command starts an embedded sandbox and uses it."""
    from camb_notebook.sessions import _process as _session

    monkeypatch.setenv("CAMB_SANDBOX", "1")
    _session._default = None
    try:
        with capture_output() as captured:
            ip.run_line_magic("camb", "sandbox status")
            result = ip.run_cell("%camb translate hello --to pt-br --wait -o pt")
            ip.run_line_magic("camb", "sandbox status")
            ip.run_line_magic("camb", "sandbox stop")
        assert result.success, captured.stdout
        assert ip.user_ns["pt"] == pseudo_localize("hello", "pt-br")
        lines = captured.stdout.splitlines()
        assert lines[0].startswith("No sandbox running")
        assert "; the session uses it." in captured.stdout and lines[-1].startswith("Sandbox stopped")
    finally:
        if _session._default is not None:
            _session._default.close()
            _session._default = None
