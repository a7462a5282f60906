"""FaultMiddleware: a pure-ASGI layer that counts API requests per route and injects request faults.

Faults follow the grammar in `camb_notebook.sandbox._faults`. `reset` and `cut` abort the real TCP
transport (found by the client address the thread server registers); under `httpx.ASGITransport` there is
no socket, so they raise ConnectionResetError into the client instead. Runs on the server's loop thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from camb_notebook.sandbox._faults import GONE_ROUTES, Fault
from camb_notebook.sandbox._http import route_template
from camb_notebook.sandbox._state import SandboxState

__all__ = ["FaultMiddleware"]

_REASONS = {
    404: "Not Found",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class FaultMiddleware:
    """Wraps the app: counters and faults for `/apis/` routes but `__sandbox__`; records handler crashes."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch the request; a handler crash is recorded for the tests and answered with a 500."""
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._dispatch(scope, receive, tracking_send)
        except ConnectionResetError:
            raise
        except Exception as exc:
            self.state.record_error(f"{scope.get('method')} {scope.get('path')}", exc)
            if not started and scope["type"] == "http":
                await _send_json(send, 500, {"detail": f"sandbox internal error: {type(exc).__name__}"})

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request through, or answer it with the fault it is due."""
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/apis/") or path.startswith("/apis/__sandbox__/"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        route, template = route_template(scope["method"], path)
        session = headers.get("x-sandbox-session") or headers.get("x-api-key") or "-"
        try:
            fault = self.state.pick_request_fault(route, template, session, headers.get("x-sandbox-fault"))
            if fault is not None and fault.status in (404, 410) and template not in GONE_ROUTES:
                raise ValueError(
                    f"sandbox fault {fault.kind} applies to {' and '.join(sorted(GONE_ROUTES))} only"
                )
        except ValueError as exc:  # a bad fault header: refused like a bad field, before anything runs
            await _drain(receive)
            where = ["header", "x-sandbox-fault"]
            await _send_json(send, 422, {"detail": [{"type": "value_error", "loc": where, "msg": str(exc)}]})
            return
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.kind == "stall":
            await asyncio.sleep(fault.seconds)
            await self.app(scope, receive, send)
        elif fault.kind == "late":
            await self.app(scope, receive, _late_send(send, fault.seconds))
        elif fault.kind == "cut":
            await self.app(scope, receive, self._cutting_send(scope, receive, send))
        else:
            await self._answer(fault, scope, receive, send)

    async def _answer(self, fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer with a status fault, a malformed body or a reset; the request itself is not processed."""
        await _drain(receive)
        if fault.kind == "reset":
            await self._abort(scope, receive)
        elif fault.kind == "malformed":
            await _send_raw(send, 200, b'{"status": "SUCC', {})
        else:
            extra = {"retry-after": str(self.state.config.fault_retry_after)} if fault.status == 429 else {}
            reason = _REASONS.get(fault.status, "Server Error")
            await _send_json(send, fault.status, {"detail": f"sandbox fault: {fault.status} {reason}"}, extra)

    def _cutting_send(self, scope: Scope, receive: Receive, send: Send) -> Send:
        """Return a `send` that lets part of the body out, then drops the connection."""
        done = False

        async def cutting_send(message: Message) -> None:
            nonlocal done
            if done or message["type"] != "http.response.body":
                if not done:
                    await send(message)
                return
            body: bytes = message.get("body", b"")
            partial = body if message.get("more_body") else body[: len(body) // 2]
            await send({"type": "http.response.body", "body": partial, "more_body": True})
            done = True
            await self._abort(scope, receive)

        return cutting_send

    async def _abort(self, scope: Scope, receive: Receive) -> None:
        """Abort the request's TCP connection and wait until the server notices."""
        client = scope.get("client")
        transport = self.state.transports.get(tuple(client)) if client else None  # type: ignore[arg-type]
        if transport is None:
            raise ConnectionResetError("sandbox fault: connection reset")
        transport.abort()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(_until_disconnect(receive), 2)


async def _until_disconnect(receive: Receive) -> None:
    """Return once the server reports the client gone."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def _drain(receive: Receive) -> None:
    """Read the request body to its end so the connection stays usable."""
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return


async def _send_raw(send: Send, status: int, body: bytes, headers: dict[str, str]) -> None:
    """Send a complete JSON-typed response."""
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw_headers += [(k.encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


async def _send_json(send: Send, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
    """Send `payload` as a JSON response."""
    await _send_raw(send, status, json.dumps(payload).encode(), headers or {})


def _late_send(send: Send, seconds: float) -> Send:
    """Return a `send` that holds the response start `seconds` (the request was processed already)."""

    async def late_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            await asyncio.sleep(seconds)
        await send(message)

    return late_send
