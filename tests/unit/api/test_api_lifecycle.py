"""Client lifecycle: one httpx client per event loop, clean close, closed-client misuse, light imports."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Callable

import httpx
import pytest
from api_fakes import Script, json_response

from camb_notebook.api import ApiClient, MissingKeyError, UsageError

MakeClient = Callable[..., ApiClient]
PENDING = json_response(200, {"status": "PENDING"})


def test_import_does_not_load_pandas_or_ipywidgets() -> None:
    """`import camb_notebook.api` stays light (checked in a fresh interpreter)."""
    code = (
        "import sys, camb_notebook.api; "
        "bad = [m for m in ('pandas', 'ipywidgets', 'IPython') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


async def test_one_http_client_per_loop_and_close(make_client: MakeClient) -> None:
    """One httpx client per loop: reused on this loop, another for a thread loop; aclose closes both."""
    api = make_client(Script(PENDING))
    await api.status("translation", "a")
    first = api._http()[0]
    await api.status("translation", "b")
    assert api._http()[0] is first

    other_loop = asyncio.new_event_loop()
    thread = threading.Thread(target=other_loop.run_forever, daemon=True)
    thread.start()
    try:
        future = asyncio.run_coroutine_threadsafe(api.status("translation", "c"), other_loop)
        await asyncio.wrap_future(future)
        clients = [client for client, _gate in api._clients.values()]
        assert len(clients) == 2 and first in clients
        await api.aclose()
        assert all(client.is_closed for client in clients)
    finally:
        other_loop.call_soon_threadsafe(other_loop.stop)
        thread.join(5)
        other_loop.close()


async def test_repeated_asyncio_run_gets_fresh_clients(make_client: MakeClient) -> None:
    """A client used from several short-lived loops never reuses a dead loop's httpx client."""
    api = make_client(Script(PENDING))

    def use_in_new_loop() -> str:
        return asyncio.run(api.status("translation", "x")).status

    results = [await asyncio.to_thread(use_in_new_loop) for _ in range(2)]
    assert results == ["PENDING", "PENDING"]
    await api.aclose()


async def test_closed_client_refuses_and_double_close_is_harmless(make_client: MakeClient) -> None:
    """After aclose a call raises UsageError saying what to do; closing again is fine."""
    async with make_client(Script(PENDING)) as api:
        await api.status("translation", "a")
    await api.aclose()
    with pytest.raises(UsageError, match="Create a new ApiClient"):
        await api.status("translation", "a")
    assert "closed" in repr(api)


def test_missing_key_fails_at_construction() -> None:
    """Without a key anywhere the client refuses to start, naming CAMB_API_KEY."""
    with pytest.raises(MissingKeyError, match="CAMB_API_KEY"):
        ApiClient()


def test_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """CAMB_API_BASE overrides the default base URL; the default is the documented one."""
    assert ApiClient(api_key="k").base_url == "https://client.camb.ai/apis/"
    monkeypatch.setenv("CAMB_API_BASE", "http://127.0.0.1:9/apis")
    assert ApiClient(api_key="k").base_url == "http://127.0.0.1:9/apis/"


async def test_gate_caps_requests_in_flight(make_client: MakeClient) -> None:
    """With max_connections=3, at most 3 requests are inside the transport at once during a gather of 30."""
    inside = 0
    peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal inside, peak
        inside += 1
        peak = max(peak, inside)
        await asyncio.sleep(0)
        inside -= 1
        return httpx.Response(200, json={"status": "PENDING"})

    async with make_client(handler, max_connections=3) as api:
        await asyncio.gather(*(api.status("translation", str(i)) for i in range(30)))
    assert peak == 3
