"""Sandbox: the emulator served by uvicorn on 127.0.0.1 (port 0 by default) in a daemon thread.

Starts in well under half a second (the socket is bound before the thread starts), stops cleanly (joins the
thread, closes the socket), and counts TCP connections through a uvicorn protocol subclass that also lets
faults abort a connection. Several may run in one process. Usage: `with Sandbox(SandboxConfig.fast()) as
sb: sb.base_url`.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from camb_notebook.sandbox._app import create_app
from camb_notebook.sandbox._config import FaultRule, SandboxConfig, apply_patch
from camb_notebook.sandbox._faults import parse_faults
from camb_notebook.sandbox._state import SandboxState, SandboxStats

__all__ = ["Sandbox"]


def _protocol_for(state: SandboxState) -> type[asyncio.Protocol]:
    """Return an HTTP protocol class that counts connections and registers transports for `reset`/`cut`."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as base
    except ImportError:  # httptools is optional: fall back to the pure-Python h11 parser.
        base = H11Protocol

    class CountingProtocol(base):  # type: ignore[misc, valid-type]
        """uvicorn's HTTP protocol plus connection bookkeeping for one sandbox."""

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            """Count the connection and remember its transport by peer address."""
            super().connection_made(transport)
            peer = transport.get_extra_info("peername")
            if peer:
                state.transports[(peer[0], peer[1])] = transport  # type: ignore[assignment]
            state.count_connection()

        def connection_lost(self, exc: Exception | None) -> None:
            """Forget the transport."""
            peer = self.transport.get_extra_info("peername") if self.transport else None
            if peer:
                state.transports.pop((peer[0], peer[1]), None)
            super().connection_lost(exc)

    return CountingProtocol


class Sandbox:
    """A running sandbox: `.base_url`, `.api_key`, `.config` (live), `.stats`, `.fail_next()`, `.reset()`."""

    def __init__(
        self, config: SandboxConfig | None = None, *, port: int = 0, host: str = "127.0.0.1"
    ) -> None:
        self.config = config or SandboxConfig()
        self._initial = self.config.copy()
        self._state = SandboxState(self.config)
        self._host, self._port = host, port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.base_url = ""

    @property
    def api_key(self) -> str:
        """The first accepted API key (`sandbox` by default)."""
        return self.config.api_keys[0]

    @property
    def stats(self) -> SandboxStats:
        """A snapshot of the counters."""
        return self._state.stats()

    @property
    def running(self) -> bool:
        """Whether the server thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Sandbox:
        """Bind the socket, start the server thread and wait until it accepts connections."""
        if self.running:
            return self
        # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP
        # (without it every response waits ~40 ms for a delayed ACK).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        sock.listen(2048)
        self._socket = sock
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(state=self._state),
            http=_protocol_for(self._state),
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=1,
            timeout_keep_alive=60,  # longer than client pools keep idle sockets, so reuse never races a close
            backlog=2048,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name=f"camb-sandbox-{port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server failed to start")
            time.sleep(0.002)
        self.base_url = f"http://{self._host}:{port}/apis"
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the server to exit, join its thread and close the socket; harmless when already stopped."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self._socket is not None:
            self._socket.close()
        self._server, self._thread, self._socket = None, None, None

    def __enter__(self) -> Sandbox:
        """Start and return the sandbox."""
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Stop the sandbox."""
        self.stop()

    def fail_next(self, fault: str = "503", *, route: str | None = None, times: int | None = None) -> None:
        """Script a fault (grammar item, e.g. "503", "reset", "error=SOURCE_NOT_FOUND") for matching requests.

        `route` is an fnmatch pattern on "METHOD template" or the template ("POST translate", "translate/*");
        `times` overrides the item's `xN` count.
        """
        parsed = parse_faults(fault)
        if len(parsed) != 1:
            raise ValueError("fail_next takes one fault item; call it once per fault")
        self.config.faults.append(FaultRule(fault, route, parsed[0].times if times is None else times))

    def configure(self, **changes: Any) -> None:
        """Patch config fields (same rules as `POST /apis/__sandbox__/config`)."""
        apply_patch(self.config, changes)

    def finish_pending(self) -> int:
        """Finish every PENDING task now (tests hold tasks with a long processing time, then release them)."""
        return self._state.finish_pending()

    @property
    def errors(self) -> list[str]:
        """Tracebacks of handler crashes since the last reset (each answered with a 500)."""
        return list(self._state.errors)

    def raise_errors(self) -> None:
        """Raise RuntimeError carrying the first handler crash, if any happened since the last reset."""
        if self._state.errors:
            raise RuntimeError(f"the sandbox crashed on a request: {self._state.errors[0]}")

    def reset(self) -> None:
        """Restore the config given at construction and forget all tasks, counters and fault scripts."""
        apply_patch(self.config, vars(self._initial.copy()))
        self._state.reset()

    def __repr__(self) -> str:
        """Show the URL and whether it runs (never a key)."""
        return f"<Sandbox {self.base_url or 'not started'}{'' if self.running else ' (stopped)'}>"
