"""Secret canary: with DEBUG logging on, the key shows in no repr, log record, warning or exception chain."""

from __future__ import annotations

import logging
import traceback
import warnings
from collections.abc import Callable

import httpx
import pytest
from api_fakes import CANARY, Script, json_response

from camb_notebook.api import ApiClient, CambError, RetryPolicy

MakeClient = Callable[..., ApiClient]
ECHO = {"detail": f"invalid key {CANARY}"}


def _all_text(error: BaseException) -> str:
    """Everything an exception can show: str/repr of the chain and a traceback rendered with locals."""
    parts = []
    seen: BaseException | None = error
    while seen is not None:
        parts += [str(seen), repr(seen), *getattr(seen, "args", ())]
        seen = seen.__cause__ or seen.__context__
    parts += traceback.format_exception(type(error), error, error.__traceback__)
    parts += traceback.TracebackException.from_exception(error, capture_locals=True).format()
    if isinstance(error, CambError):
        parts += error._render_traceback_()
    return "\n".join(str(p) for p in parts)


SCENARIOS = {
    "401 echoing the key": [json_response(401, ECHO)],
    "422 echoing the key": [json_response(422, {"detail": [{"loc": ["body", CANARY], "msg": CANARY}]})],
    "500 until exhausted": [json_response(500, ECHO)],
    "429 too long": [json_response(429, ECHO, **{"retry-after": "999"})],
    "read timeout": [httpx.ReadTimeout(f"timeout {CANARY}")],
    "connect refused": [httpx.ConnectError("refused")],
    "malformed 200": [httpx.Response(200, text=f"<html>{CANARY}</html>")],
}


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_canary_absent_everywhere(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture, scenario: str
) -> None:
    """Failing polls, creates and streams never leak the key through logs, warnings or exceptions."""
    script = Script(*SCENARIOS[scenario])  # looked up here so no local of this frame holds the canary
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with make_client(script, retry=RetryPolicy(max_retries=2)) as api:
            shown = [repr(api), str(api), repr(api.api_key), repr(api.cooldown)]
            for call in (api.status("translation", "t"), api.create("translation", {"texts": ["x"]})):
                try:
                    await call
                except CambError as exc:
                    errors.append(exc)
            stream = api.tts_stream("Hello there", 1, "en-us")
            try:
                await stream.read()
            except CambError as exc:
                errors.append(exc)
            shown.append(repr(stream))
    assert len(errors) >= 2
    records = [r.getMessage() + repr(r.args) + repr(r.__dict__) for r in caplog.records]
    assert records, "DEBUG logging produced no records to check"
    texts = shown + records + [str(w.message) for w in caught] + [_all_text(e) for e in errors]
    leaks = [text for text in texts if CANARY in text]
    assert leaks == []


async def test_canary_absent_on_success(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    """A successful call logs request metadata only; the key stays out."""
    caplog.set_level(logging.DEBUG)
    async with make_client(Script(json_response(200, {"status": "PENDING"}))) as api:
        await api.status("translation", "t")
    assert caplog.records
    assert all(CANARY not in r.getMessage() + repr(r.__dict__) for r in caplog.records)


async def test_presigned_query_never_logged(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Following a presigned media URL logs its path only, never the signature in the query."""
    caplog.set_level(logging.DEBUG, logger="camb_notebook")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("tts-result/3"):
            return httpx.Response(
                200, json={"output_url": "https://bucket.test/a.flac?X-Amz-Signature=SIG123"}
            )
        return httpx.Response(200, content=b"fLaC", headers={"content-type": "audio/flac"})

    async with make_client(handler) as api:
        await api.result("tts", 3)
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("camb_notebook")]
    assert any("bucket.test/a.flac" in m for m in ours)
    assert all("SIG123" not in m for m in ours)
