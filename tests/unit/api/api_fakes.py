"""Fakes for the wire-client unit tests: a clock whose sleeps advance time, and scripted transports."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

CANARY = "CANARY-7f3a9c1e5b2d4680"
BASE = "https://api.test/apis"

Handler = Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """Monotonic and wall clocks that move only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.wall = 1_800_000_000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        """The fake monotonic time."""
        return self.now

    def time(self) -> float:
        """The fake wall-clock time (moves with the monotonic one)."""
        return self.wall + (self.now - 1000.0)

    async def sleep(self, seconds: float) -> None:
        """Record the sleep and advance time instead of waiting."""
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


class Script:
    """A MockTransport handler that answers from a list (responses or exceptions) and records requests."""

    def __init__(self, *answers: httpx.Response | Exception | Handler) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.bodies.append(request.read())
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return httpx.Response(
                answer.status_code, headers=answer.headers, content=answer.content, request=request
            )
        return answer(request)


def json_response(status: int, data: Any, **headers: str) -> httpx.Response:
    """A JSON response with extra headers."""
    return httpx.Response(status, json=data, headers=headers)
