"""Bad-input catalog (`CATALOG.md`): every case fails its cell with one clear line and loses nothing done.

Each case runs in an in-process IPython shell with the extension loaded, after a successful translation was
stored in the namespace (`done`). The bad cell must raise (the cell is marked failed), print exactly one error
line `ErrorClass: message` (progress lines of a job may precede it) and no traceback, leave `done` and the
journal's finished job untouched, and, for inputs the client can judge itself, send nothing to the server.
A few cases run again in a real kernel in `test_kernel_recovery.py`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from IPython.utils.io import capture_output
from reliability_helpers import wait_until
from suite_helpers import suite_shell

from camb_notebook.api import (
    ApiConnectionError,
    AuthenticationError,
    LanguageError,
    MissingKeyError,
    UsageError,
    ValidationError,
)
from camb_notebook.jobs import default_home
from camb_notebook.sandbox import Sandbox, pseudo_localize

CATALOG = Path(__file__).with_name("CATALOG.md")
DONE = pseudo_localize("Hello world", "fr-fr")
SESSION = "import camb_notebook.sessions._process as _s, os\n"
NEW_SESSION = SESSION + "_s._default.close(); _s._default = None\n"
FREE_PORT = (
    "import socket; probe = socket.socket(); probe.bind(('127.0.0.1', 0)); port = probe.getsockname()[1]\n"
)
FREE_PORT += "probe.close()\n"
NO_JOB = "no job matches 'nosuchjob'. See `%camb jobs`"  # the hint names the magic a notebook user types


@dataclass(frozen=True)
class Case:
    """One bad input: the cell, the error it must raise, words its line must hold, optional setup code."""

    id: str
    cell: str
    error: type[BaseException]
    words: str
    setup: str = ""
    reaches_server: bool = False


CASES = [
    Case("empty-cell", "%%camb_translate --to fr-fr\n\n   \n", UsageError, "The cell is empty"),
    Case("blank-text", '%camb translate "   " --to fr-fr', UsageError, "non-empty text"),
    Case("unknown-language", "%camb translate hi --to klingon", LanguageError, "klingon"),
    Case("typo-language", "%camb translate hi --to frnch", LanguageError, "Did you mean: French"),
    Case("ambiguous-language", "%camb translate hi --to india", LanguageError, "Ambiguous language 'india'"),
    Case("auto-as-target", "%camb translate hi --to auto", LanguageError, "not allowed here"),
    Case("unknown-source", "%camb translate hi --from xx-zz --to fr-fr", LanguageError, "xx-zz"),
    Case("one-bad-target-of-two", "%camb translate hi --to fr-fr,xx-zz", LanguageError, "xx-zz"),
    Case("no-target", "%camb translate hi", UsageError, "No target language"),
    Case(
        "non-string-cells",
        "%camb translate $mixed --to fr-fr",
        UsageError,
        "non-string value(s) (int)",
        setup="mixed = ['a', float('nan'), 3, None]",
    ),
    Case(
        "non-string-frame-column",
        "%camb translate $frame --column n --to fr-fr",
        UsageError,
        "non-string value(s) (int)",
        setup="import pandas as pd; frame = pd.DataFrame({'n': [1, 2]})",
    ),
    Case(
        "frame-without-column",
        "%camb translate $frame --to fr-fr",
        UsageError,
        "--column",
        setup="import pandas as pd; frame = pd.DataFrame({'t': ['a']})",
    ),
    Case(
        "frame-wrong-column",
        "%camb translate $frame --column nope --to fr-fr",
        UsageError,
        "--column",
        setup="import pandas as pd; frame = pd.DataFrame({'t': ['a']})",
    ),
    Case(
        "var-of-wrong-type",
        "%camb translate $count --to fr-fr",
        UsageError,
        "$count is a int",
        setup="count = 5",
    ),
    Case("undefined-var", "%camb translate $missing --to fr-fr", UsageError, "$missing is not defined"),
    Case(
        "undefined-cell-var",
        "%%camb_translate --to fr-fr\n$nothing_here\n",
        UsageError,
        "$nothing_here is not defined",
    ),
    Case("unknown-subcommand", "%camb frobnicate", UsageError, "Unknown subcommand"),
    Case("unknown-flag", "%camb translate hi --to fr-fr --bogus", UsageError, "unrecognized arguments"),
    Case("bad-flag-choice", "%camb translate hi --to fr-fr --formality rude", UsageError, "invalid choice"),
    Case("missing-required-flag", "%camb tts hi", UsageError, "required: --voice"),
    Case("bad-voice-id", "%camb tts hi --voice abc", UsageError, "invalid int value: 'abc'"),
    Case("too-short-speech", "%camb tts hi --voice 20298", UsageError, "3–3000 characters"),
    Case(
        "unknown-voice-id",
        "%camb tts hello --voice 999999",
        UsageError,
        "voice 999999 is not one of this account's",
        reaches_server=True,  # one list-voices request (no task): checked against the account's list
    ),
    Case(
        "negative-voice-id",
        "%camb tts hello --voice -5",
        UsageError,
        "voice -5 is not one of this account's",
        reaches_server=True,
    ),
    Case("unterminated-quote", '%camb translate "hi --to fr-fr', UsageError, "Unterminated"),
    Case("bad-output-name", "%camb translate hi --to fr-fr -o 1abc", UsageError, "not a valid variable name"),
    Case("two-output-names", "%camb x << translate hi --to fr-fr -o y", UsageError, "Two result names"),
    Case("output-for-no-result", "%camb x << help", UsageError, "has no result to store"),
    Case("help-for-nothing", "%camb help nosuch", UsageError, "No help for"),
    Case("bad-sandbox-action", "%camb sandbox explode", UsageError, "invalid choice"),
    Case("unknown-job", "%camb result nosuchjob", UsageError, NO_JOB),
    Case("wait-unknown-job", "%camb wait nosuchjob", UsageError, NO_JOB),
    Case("cancel-unknown-job", "%camb cancel nosuchjob", UsageError, NO_JOB),
    Case(
        "missing-media-file",
        "%camb transcribe /nonexistent/talk.wav --lang en-us",
        UsageError,
        "file not found",
    ),
    Case(
        "missing-story-file", "%camb story /nonexistent/story.txt --lang en-us", UsageError, "file not found"
    ),
    Case("dub-not-a-url", "%camb dub talk.mp4 --from en-us --to fr-fr", UsageError, "http(s) URL"),
    Case(
        "zero-budget",
        "%camb translate hi --to fr-fr,de-de --max-characters 0",
        UsageError,
        "max_characters must be at least 1, not 0",
    ),
    Case(
        "negative-budget",
        "%camb translate hi --to fr-fr --max-characters -5",
        UsageError,
        "max_characters must be at least 1, not -5",
    ),
    Case(
        "zero-task-budget",
        "%camb translate hi --to fr-fr --max-tasks 0",
        UsageError,
        "max_tasks must be at least 1",
    ),
    Case(
        "dry-run-with-wait",
        "%camb translate hi --to fr-fr --dry-run --wait",
        UsageError,
        "--dry-run sends nothing, so there is nothing to --wait for",
    ),
    Case(
        "budget-below-one-text",
        '%camb translate "Good morning" --to fr-fr --max-characters 5',
        UsageError,
        "max_characters=5 is smaller than the first text to send (12 characters)",
    ),
    Case("prune-bad-age", "%camb jobs --prune --older-than soon", UsageError, "invalid float value: 'soon'"),
    Case("prune-negative-cap", "%camb jobs --prune --max-mb -5", UsageError, "--max-mb must be at least 0"),
    Case(
        "unsupported-story-type",
        "%camb story story.pdf --lang en-us --wait",
        ValidationError,
        "must be a .txt or .docx",
        setup="import pathlib; pathlib.Path('story.pdf').write_text('%PDF-1.4')",
        reaches_server=True,
    ),
    Case(
        "wrong-key",
        "%camb translate hi --to fr-fr --wait",
        AuthenticationError,
        "rejected the API key",
        setup=SESSION + "_s.session().set_key('wrong-key-0123456789')",
        reaches_server=True,
    ),
    Case(
        "no-key",
        "%camb translate hi --to fr-fr",
        MissingKeyError,
        "%camb key --prompt",
        setup=NEW_SESSION + "os.environ.pop('CAMB_API_KEY')",
    ),
    Case(
        "key-with-line-break",
        "%camb translate hi --to fr-fr",
        UsageError,
        "control or non-ASCII character at position 6",
        setup=NEW_SESSION + "os.environ['CAMB_API_KEY'] = 'abcde\\nfghij0123'",
    ),
    Case(
        "clear-text-base",
        "%camb translate hi --to fr-fr",
        UsageError,
        "is not TLS",
        setup=NEW_SESSION + "os.environ['CAMB_API_BASE'] = 'http://user:pw@api.example.com/apis'",
    ),
    Case(
        "server-down",
        "%camb translate hi --to de-de --wait",
        ApiConnectionError,
        "could not connect",
        setup=NEW_SESSION + FREE_PORT + "os.environ['CAMB_API_BASE'] = f'http://127.0.0.1:{port}/apis'",
    ),
]

_PROGRESS = re.compile(r"\[\d\d:\d\d\]")


@pytest.fixture(scope="module")
def shell() -> Any:
    """The suite's in-process IPython shell (started here if no other test module started it)."""
    return suite_shell()


@pytest.fixture
def worked(
    shell: Any, camb_sandbox_env: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """The shell after one successful translation stored as `done` (the work a bad cell must not lose)."""
    import dataclasses

    from camb_notebook.sessions import _process as _session

    monkeypatch.chdir(tmp_path)
    before = set(shell.user_ns)
    shell.extension_manager.load_extension("camb_notebook")
    _session._default = None
    manager = _session.session().manager
    manager.policy = dataclasses.replace(manager.policy, first=0.02, cap=0.1, jitter=0.0)
    shell.run_line_magic("config", "CambMagics.progress = 'text'")
    with capture_output():
        assert shell.run_cell('%camb translate "Hello world" --to fr-fr -o done --wait').success
    assert shell.user_ns["done"] == DONE
    # The journal row turns final just after the waiter wakes (JobManager._finish records after waking).
    wait_until(lambda: _finished_rows() == [("succeeded", True)], what="journal row succeeded")
    yield shell
    if _session._default is not None:
        _session._default.close()
        _session._default = None
    shell.extension_manager.unload_extension("camb_notebook")
    shell.config.pop("CambMagics", None)
    for name in set(shell.user_ns) - before:
        del shell.user_ns[name]


def _finished_rows() -> list[tuple[str, bool]]:
    """(state, is the "Hello world" job) of every journal row whose result is stored."""
    db = sqlite3.connect(default_home() / "journal.sqlite3")
    try:
        rows = db.execute(
            "SELECT state, request FROM jobs JOIN results ON results.job_id = jobs.id ORDER BY created_at"
        ).fetchall()
        return [(state, "Hello world" in request) for state, request in rows]
    finally:
        db.close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_fails_the_cell_with_one_line_and_keeps_done_work(
    worked: Any, camb_sandbox_env: Sandbox, case: Case
) -> None:
    """The catalog case fails its cell with one `Error: message` line; earlier work and results survive."""
    shell = worked
    if case.setup:
        assert shell.run_cell(case.setup).success
    requests = camb_sandbox_env.stats.requests
    with capture_output() as captured:
        result = shell.run_cell(case.cell)
    assert isinstance(result.error_in_exec, case.error), captured.stdout
    lines = [line for line in captured.stdout.splitlines() if line.strip()]
    errors = [line for line in lines if not _PROGRESS.search(line)]
    assert errors == [errors[0]] and errors[0].startswith(f"{case.error.__name__}: "), captured.stdout
    assert case.words in errors[0] and "Traceback" not in captured.stdout + captured.stderr
    assert shell.user_ns["done"] == DONE
    assert _finished_rows() == [("succeeded", True)]
    if not case.reaches_server:
        assert camb_sandbox_env.stats.requests == requests, "a rejected input still reached the server"


def test_hundred_thousand_character_text_is_translated_not_refused(worked: Any) -> None:
    """A 100,000-character text is not bad input (no published limit): sent alone, translated whole."""
    shell = worked
    shell.user_ns["big"] = "All work and no play. " * 4_546  # 100,012 characters
    with capture_output():
        result = shell.run_cell("%camb translate $big --to fr-fr -o big_fr --wait")
    assert result.success
    assert shell.user_ns["big_fr"] == pseudo_localize(shell.user_ns["big"], "fr-fr")
    assert shell.user_ns["done"] == DONE


def test_catalog_lists_every_case() -> None:
    """CATALOG.md has one row per case, in order, so the documented catalog is the tested one."""
    rows = re.findall(r"^\| `([a-z0-9-]+)` \|", CATALOG.read_text(encoding="utf-8"), re.MULTILINE)
    assert rows == [c.id for c in CASES] and len(rows) >= 30
