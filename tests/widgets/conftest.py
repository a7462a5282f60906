"""Widget tests without a frontend: every comm message is recorded, as ipywidgets' own tests do."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import comm
import pytest
from comm.base_comm import BaseComm
from commlog import CommLog

from camb_notebook.sandbox import Sandbox
from camb_notebook.sessions import Camb


@pytest.fixture
def comm_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[CommLog]:
    """Route every widget comm into a recorder for this test."""
    log = CommLog()

    class RecordingComm(BaseComm):
        """A comm whose messages land in `log` instead of a kernel's iopub socket."""

        def publish_msg(
            self, msg_type: str, data: Any = None, metadata: Any = None, buffers: Any = None, **keys: Any
        ) -> None:
            """Record the message."""
            log.messages.append((msg_type, self.comm_id, dict(data or {})))

    monkeypatch.setattr(comm, "create_comm", lambda **kwargs: RecordingComm(**kwargs))
    yield log


@pytest.fixture
def camb(camb_sandbox: Sandbox) -> Iterator[Camb]:
    """A fresh session (own engine, breaker and journal under the test's home) talking to the sandbox."""
    with Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url) as session:
        # first poll after 50 ms, not 0.75 s: these tests are about drawing, and the fast tier stays fast
        session.manager.policy = dataclasses.replace(session.manager.policy, first=0.05)
        yield session
