"""Fixtures for the wire-client unit tests: a fake clock and a MockTransport client factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from api_fakes import BASE, CANARY, FakeClock, Handler

from camb_notebook.api import ApiClient, RetryPolicy


@pytest.fixture
def clock() -> FakeClock:
    """A fresh fake clock."""
    return FakeClock()


@pytest.fixture
def make_client(clock: FakeClock) -> Callable[..., ApiClient]:
    """Build ApiClients on a MockTransport with the fake clock and zero jitter."""

    def make(handler: Handler, **kwargs: Any) -> ApiClient:
        kwargs.setdefault("retry", RetryPolicy())
        return ApiClient(
            api_key=kwargs.pop("api_key", CANARY),
            base_url=kwargs.pop("base_url", BASE),
            transport=httpx.MockTransport(handler),
            sleep=clock.sleep,
            clock=clock.monotonic,
            wallclock=clock.time,
            rng=kwargs.pop("rng", lambda: 0.0),
            **kwargs,
        )

    return make
