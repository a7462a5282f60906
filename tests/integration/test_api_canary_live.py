"""Secret canary over real sockets: httpx/httpcore frames, DEBUG logs and locals never show the key."""

from __future__ import annotations

import logging
import traceback

import pytest

from camb_notebook.api import ApiClient, AuthenticationError, CambError, RetryPolicy
from camb_notebook.sandbox import Sandbox

CANARY = "CANARY-live-9d8c7b6a5f4e3d21"
FAULTS = ["reset", "500", "malformed", "stall=1"]


@pytest.mark.parametrize("fault", FAULTS)
async def test_canary_absent_from_live_failures(
    camb_sandbox: Sandbox, caplog: pytest.LogCaptureFixture, fault: str
) -> None:
    """Resets, 5xx, bad JSON and read timeouts on real connections leak the key nowhere."""
    caplog.set_level(logging.DEBUG)
    camb_sandbox.configure(api_keys=("sandbox", CANARY))
    camb_sandbox.fail_next(fault, route="POST translate")
    camb_sandbox.fail_next(fault, route="GET list-voices", times=5)
    policy = RetryPolicy(max_retries=1, backoff_base=0.01)
    errors: list[CambError] = []
    async with ApiClient(api_key=CANARY, base_url=camb_sandbox.base_url, retry=policy, timeout=0.3) as api:
        for call in (
            api.create("translation", {"texts": ["x"], "source_language": 1, "target_language": 76}),
            api.list_voices(),
        ):
            try:
                await call
            except CambError as exc:
                errors.append(exc)
    assert errors and not any(isinstance(e, AuthenticationError) for e in errors)  # the key was accepted
    rendered = [
        "".join(traceback.TracebackException.from_exception(e, capture_locals=True).format()) for e in errors
    ]
    logs = [record.getMessage() + repr(record.__dict__) for record in caplog.records]
    assert any(record.name.startswith("httpcore") for record in caplog.records)
    assert [text for text in rendered + logs if CANARY in text] == []
