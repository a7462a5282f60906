"""A raw socket HTTP/1.1 server for faults the sandbox cannot make: resets mid-body, slow drip, odd headers.

It runs its own asyncio loop in a daemon thread, answers each request through a scripted `handler`, and
counts requests and TCP connections (the server-side counts the fault tests assert on).
Usage: `with RawServer(lambda req: Reply(200, {"status": "SUCCESS"})) as srv: srv.url`.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class RawRequest:
    """One parsed request: method, path (with query), lower-case headers and body."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    """An answer; `body` is JSON unless bytes. `send_bytes` cuts the body short, `delay` holds it first."""

    status: int
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    send_bytes: int | None = None
    drip_interval: float = 0.0
    delay: float = 0.0

    def encoded(self) -> bytes:
        """The body as bytes."""
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()


@dataclass(frozen=True)
class Reset:
    """Abort the TCP connection (RST) before any byte of the answer."""


Handler = Callable[[RawRequest], "Reply | Reset"]


class RawServer:
    """Scripted HTTP/1.1 server on 127.0.0.1; `.requests` and `.connections` are the server-side counts."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[RawRequest] = []
        self.connections = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="raw-server", daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.url = ""

    def __enter__(self) -> RawServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop
        )
        self._server = future.result(5)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/apis"
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _close(self) -> None:
        """Stop listening and drop every open connection."""
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        await self._server.wait_closed()

    def count(self, method: str, prefix: str) -> int:
        """How many requests had this method and a path starting with `/apis/<prefix>`."""
        return sum(r.method == method and r.path.startswith(f"/apis/{prefix}") for r in self.requests)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer requests on one connection until the client closes it or a fault drops it."""
        self.connections += 1
        self._writers.add(writer)
        try:
            while (request := await _read_request(reader)) is not None:
                self.requests.append(request)
                reply = self.handler(request)
                if isinstance(reply, Reset):
                    _abort(writer)
                    return
                if not await _send(writer, reply):
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> RawRequest | None:
    """Read one request (None when the client closed the connection)."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return RawRequest(method, path, headers, body)


async def _send(writer: asyncio.StreamWriter, reply: Reply) -> bool:
    """Write a reply (cut short or dripped as scripted); False when the connection was dropped."""
    await asyncio.sleep(reply.delay)
    body = reply.encoded()
    headers = {"content-type": "application/json", "content-length": str(len(body)), **reply.headers}
    head = f"HTTP/1.1 {reply.status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    writer.write(head.encode("latin-1"))
    if reply.send_bytes is not None:
        writer.write(body[: reply.send_bytes])
        await writer.drain()
        _abort(writer)
        return False
    if reply.drip_interval:
        for i in range(len(body)):
            writer.write(body[i : i + 1])
            await writer.drain()
            await asyncio.sleep(reply.drip_interval)
    else:
        writer.write(body)
    await writer.drain()
    return True


def _abort(writer: asyncio.StreamWriter) -> None:
    """Close with RST (SO_LINGER 0) so the client sees a reset, not a clean end."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
