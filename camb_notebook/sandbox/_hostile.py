"""HostileMiddleware: with `hostile_content=True`, every string the API serves carries a script payload.

What a compromised or malicious server could send, for the display tests: a payload appended to each free-text
JSON string (texts, transcripts, voice and language names, messages, error details), to a PENDING status, and
to text streams; `javascript:` in place of every URL; a content type that closes its attribute on audio
responses; and a payload header on every answer. Ids, run ids, language codes and final statuses stay usable
so the flows still complete. Pure ASGI, on the server's loop thread; `/apis/__sandbox__/` is left alone.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from camb_notebook.sandbox._state import SandboxState

__all__ = ["HOSTILE_URL", "PAYLOAD", "HostileMiddleware", "hostile"]

# Markup that runs when written unescaped: a dialog (what the browser test listens for) and a marker class.
PAYLOAD = "<img src=x class=camb-pwned onerror=alert(1)><script class=camb-pwned>alert(2)</script>"
HOSTILE_URL = "javascript:alert(3)//https://example.com/a.mp4"
HOSTILE_AUDIO_TYPE = 'audio/wav"><img src=x class=camb-pwned onerror=alert(9)><x y="'
_KEEP = frozenset({"task_id", "run_id", "short_name", "id"})  # what the flows need to stay parseable


def hostile(value: Any, key: str = "") -> Any:
    """`value` with a payload in each free-text string (see the module doc for what is kept)."""
    if isinstance(value, dict):
        return {k: hostile(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [hostile(v, key) for v in value]
    if not isinstance(value, str) or key in _KEEP or key.endswith("_id"):
        return value
    if key.endswith("_url"):
        return HOSTILE_URL
    if key == "status":
        return value + PAYLOAD if value == "PENDING" else value
    return value + PAYLOAD


class HostileMiddleware:
    """Rewrites `/apis/` answers when the config's `hostile_content` is on (JSON bodies are buffered)."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass through, or rewrite the answer's headers and body."""
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or not getattr(self.state.config, "hostile_content", False)
            or not path.startswith("/apis/")
            or path.startswith("/apis/__sandbox__/")
        ):
            await self.app(scope, receive, send)
            return
        start: Message = {}
        kind = ""
        chunks: list[bytes] = []
        first_text = True

        async def rewriting_send(message: Message) -> None:
            nonlocal start, kind, first_text
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                kind = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip()
                start = {**message, "headers": _headers(message.get("headers", []), kind)}
                if kind != "application/json":
                    await send(start)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            if kind == "application/json":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    await _send_json(send, start, b"".join(chunks))
                return
            if kind.startswith("text/") and first_text and message.get("body"):
                first_text = False
                message = {**message, "body": PAYLOAD.encode() + message["body"]}
            await send(message)

        await self.app(scope, receive, rewriting_send)


def _headers(raw: list[tuple[bytes, bytes]], kind: str) -> list[tuple[bytes, bytes]]:
    """Headers with a payload header added; an audio type made hostile; a rewritten body's length dropped."""
    dropped = {b"content-length"} if kind == "application/json" or kind.startswith("text/") else set()
    headers = [(k, v) for k, v in raw if k.lower() not in dropped]
    if kind.startswith("audio/"):
        headers = [
            (k, HOSTILE_AUDIO_TYPE.encode()) if k.lower() == b"content-type" else (k, v) for k, v in headers
        ]
    return [*headers, (b"x-camb-note", PAYLOAD.encode())]


async def _send_json(send: Send, start: Message, body: bytes) -> None:
    """Send the buffered JSON answer with payloads in its strings."""
    with contextlib.suppress(ValueError):  # a malformed body (a fault) goes out as it was
        body = json.dumps(hostile(json.loads(body))).encode()
    headers = [*start["headers"], (b"content-length", str(len(body)).encode())]
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})
