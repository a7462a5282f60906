"""Secret canary (fault case 7.26) across the engine: faults, failures, batches, files, DEBUG logging on.

One session uses the key `CANARY`; the scenarios below drive it through successes and every kind of failure,
then the canary is searched in: log records (message, args, exc_info), warnings, exception str/repr and
their cause/context chains, tracebacks rendered with locals, object reprs, and every file the engine
wrote (journal, WAL and cache). The notebook half lives in `test_canary_notebooks.py`.
"""

from __future__ import annotations

import logging
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import CANARY, FAST_POLL
from reliability_raw import RawRequest, RawServer, Reply, Reset

from camb_notebook.api import ApiClient, ApiKey, CambError, UsageError
from camb_notebook.jobs import Job, PollPolicy
from camb_notebook.sandbox import Sandbox
from camb_notebook.sessions import Camb


def exception_texts(error: BaseException) -> list[str]:
    """Everything an exception can show: str/repr along its chain, args, and a traceback with locals."""
    texts = []
    seen: BaseException | None = error
    while seen is not None:
        texts += [str(seen), repr(seen), *(repr(a) for a in seen.args)]
        if isinstance(seen, CambError):
            texts += seen._render_traceback_()
        seen = seen.__cause__ or seen.__context__
    texts += traceback.format_exception(type(error), error, error.__traceback__)
    texts += traceback.TracebackException.from_exception(error, capture_locals=True).format()
    return texts


def record_texts(record: logging.LogRecord) -> list[str]:
    """A log record as every handler could render it (message, raw args, exception, all attributes)."""
    texts = [record.getMessage(), repr(record.args), repr(record.__dict__)]
    if record.exc_info and record.exc_info[1] is not None:
        texts += exception_texts(record.exc_info[1])
    return texts


def leaks(texts: list[str]) -> list[str]:
    """The texts holding the canary (there must be none)."""
    return [text for text in texts if CANARY in text]


def _echoing_api() -> Any:
    """A raw API that echoes the request's key in error bodies and in a malformed 200."""

    def handler(request: RawRequest) -> Reply | Reset:
        key = request.headers.get("x-api-key", "")
        if request.method == "POST":
            return Reply(200, {"task_id": "echo-1"})
        if request.path.startswith("/apis/translate/"):
            return Reply(200, {"status": "ERROR", "exception_reason": f"bad key {key}", "message": key})
        return Reply(401, {"detail": f"key {key} is not valid"})

    return handler


@pytest.fixture
def canary_session(camb_sandbox: Sandbox, tmp_path: Path) -> Iterator[Camb]:
    """A session whose key is the canary (accepted by the sandbox), fast polls, its own journal."""
    camb_sandbox.configure(api_keys=(CANARY,))
    session = Camb(api_key=CANARY, base_url=camb_sandbox.base_url, home=tmp_path / "home")
    session.manager.policy = FAST_POLL
    yield session
    session.close()


def _errors_of(jobs: list[Job]) -> list[BaseException]:
    """The errors the jobs ended with, as `result()` raises them (with their tracebacks)."""
    errors: list[BaseException] = []
    for job in jobs:
        try:
            job.result(timeout=30)
        except Exception as exc:
            errors.append(exc)
    return errors


def test_canary_appears_nowhere(
    canary_session: Camb, camb_sandbox: Sandbox, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """Across successes, fault storms, failed jobs, a batch and an echoing server, the key never shows."""
    caplog.set_level(logging.DEBUG)
    session = canary_session
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        jobs = [session.translate("Hello", to="fr-fr"), session.tts("Hi there", voice=20298)]
        jobs.append(session.transcribe(b"RIFF0000WAVEfmt fake audio", language="en-us"))
        for fault in ("error=PROCESSING_ERROR", "timeout", "result404x9", "payment_required"):
            camb_sandbox.fail_next(fault, route="POST translate")
            jobs.append(session.translate(f"fails with {fault}", to="de-de"))
            session.wait(jobs[-1:])
        session.manager.reset_breaker()
        camb_sandbox.configure(fault_rate=0.3, fault_seed=7, fault_retry_after=0)
        batch = session.translate([f"row {i}" for i in range(300)], to=["es-es", "it-it"], chunk_size=20)
        batch.result(timeout=60)
        retry = batch.retry_failed()
        retry.result(timeout=60)
        camb_sandbox.configure(fault_rate=0.0, fault_retry_after=3600)
        camb_sandbox.fail_next("429", route="POST translate")
        jobs.append(session.translate("rate limited", to="fr-fr"))
        session.manager.policy = PollPolicy(first=0.01, deadline=0.2, jitter=0.0)
        camb_sandbox.fail_next("pending_forever", route="POST translate")
        jobs.append(session.translate("never done", to="fr-fr"))
        errors = _errors_of(jobs)
        with RawServer(_echoing_api()) as echo:
            echoing = Camb(api_key=CANARY, base_url=echo.url, home=tmp_path / "home")
            echoing.manager.policy = FAST_POLL
            errors += _errors_of([echoing.translate("echo", to="fr-fr")])
            try:
                echoing.voices()
            except CambError as exc:
                errors.append(exc)
            objects: list[object] = [echoing, echoing.api, echoing.manager]
            echoing.close()
        objects += [session, session.api, session.manager, session.manager.journal, batch, retry, *jobs]
        objects += [session.api.api_key, ApiKey(CANARY), session.jobs(), retry.result()]
    assert len(errors) >= 8
    assert {type(e).__name__ for e in errors} >= {"JobFailed", "JobTimedOut", "ResultUnavailableError"}
    texts = [t for e in errors for t in exception_texts(e)]
    texts += [t for r in caplog.records for t in record_texts(r)]
    texts += [str(w.message) + str(w.filename) for w in caught]
    texts += [repr(o) for o in objects] + [str(o) for o in objects]
    texts += [o._repr_html_() for o in objects if hasattr(o, "_repr_html_")]
    texts += [session.key_status(), batch.outcome.errors.__repr__(), retry.outcome.errors.__repr__()]
    assert any(r.name.startswith("httpcore") for r in caplog.records), "DEBUG logging was not on"
    assert leaks(texts) == []
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "journal.sqlite3" for p in files)
    assert [p for p in files if CANARY.encode() in p.read_bytes()] == []
    print(f"\ncanary: {len(texts)} texts, {len(caplog.records)} log records, {len(files)} files: 0 leaks")
    with pytest.raises(UsageError):
        __import__("pickle").dumps(ApiKey(CANARY))
    assert ApiClient(api_key=CANARY).api_key.masked == "…1a56"
