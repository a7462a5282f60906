"""tts-stream and translation/stream over MockTransport: chunks, headers, mid-stream failures, deprecation."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from api_fakes import Script, json_response

from camb_notebook.api import (
    ApiClient,
    ApiConnectionError,
    AudioStream,
    DeprecatedEndpointWarning,
    EndpointGoneError,
    NotFoundError,
    UsageError,
    ValidationError,
)

MakeClient = Callable[..., ApiClient]


class Chunks(httpx.AsyncByteStream):
    """An async response body that yields the given chunks, then optionally fails like a dropped socket."""

    def __init__(self, *chunks: bytes, fail: bool = False) -> None:
        self.chunks = chunks
        self.fail = fail

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
        if self.fail:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


def audio_response(
    *chunks: bytes, fail: bool = False, content_type: str = "audio/mpeg"
) -> Callable[..., httpx.Response]:
    """A handler streaming audio chunks with the credit header."""

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": content_type, "x-credits-required": "12"}
        return httpx.Response(200, headers=headers, stream=Chunks(*chunks, fail=fail))

    return handler


async def test_tts_stream_yields_chunks_in_order(make_client: MakeClient) -> None:
    """Chunks arrive in order; Content-Type and X-Credits-Required are reported."""
    script = Script(audio_response(b"ID3", b"aaaa", b"bbbb"))
    async with make_client(script) as api:
        stream = api.tts_stream("Hello world", 5, "en-gb", output_format="mp3", speech_model="mars-flash")
        assert isinstance(stream, AudioStream)
        got = [chunk async for chunk in stream]
    assert got == [b"ID3", b"aaaa", b"bbbb"]
    assert stream.audio == b"ID3aaaabbbb" and stream.done
    assert (stream.content_type, stream.credits_required) == ("audio/mpeg", 12.0)
    body = json.loads(script.bodies[0])
    assert body == {
        "text": "Hello world",
        "voice_id": 5,
        "language": "en-uk",
        "speech_model": "mars-flash",
        "output_configuration": {"format": "mp3"},
    }


async def test_tts_stream_drop_mid_stream_keeps_what_arrived(make_client: MakeClient) -> None:
    """A dropped connection ends the stream with one ApiConnectionError and keeps the received chunks."""
    async with make_client(Script(audio_response(b"one", b"two", fail=True))) as api:
        stream = api.tts_stream("Hello world", 5, "en-us")
        with pytest.raises(ApiConnectionError) as info:
            await stream.read()
    assert stream.audio == b"onetwo"
    assert stream.error is info.value and not stream.done
    assert "after 2 chunks" in str(info.value)
    assert len(info.value._render_traceback_()) == 1


async def test_tts_stream_error_status_before_audio(make_client: MakeClient) -> None:
    """A 422 JSON body raises ValidationError naming the field; nothing was received."""
    detail = {"detail": [{"loc": ["body", "voice_id"], "msg": "unknown voice", "type": "value_error"}]}
    async with make_client(Script(json_response(422, detail))) as api:
        stream = api.tts_stream("Hello world", 999, "en-us")
        with pytest.raises(ValidationError, match="voice_id"):
            await stream.read()
    assert stream.chunks == [] and isinstance(stream.error, ValidationError)


async def test_tts_stream_retries_429_before_streaming(make_client: MakeClient) -> None:
    """A stream refused with 429 is retried (nothing was processed), then streams."""
    script = Script(json_response(429, {}, **{"retry-after": "1"}), audio_response(b"ok"))
    async with make_client(script) as api:
        assert await api.tts_stream("Hello world", 5, "en-us").read() == b"ok"
    assert len(script.requests) == 2


async def test_tts_stream_text_length_checked(make_client: MakeClient) -> None:
    """Text outside 3–3000 characters is a usage error before any request."""
    async with make_client(Script(audio_response(b"x"))) as api:
        with pytest.raises(UsageError, match="3–3000"):
            api.tts_stream("hi", 5, "en-us")


async def test_translation_stream_decodes_split_utf8_and_warns_once(make_client: MakeClient) -> None:
    """Text chunks decode across a split multi-byte character; the deprecation warning comes once."""
    encoded = "Très bien, ça va".encode()
    split = encoded.index("è".encode()) + 1

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "text/plain; charset=utf-8", "x-credits-required": "1"}
        return httpx.Response(200, headers=headers, stream=Chunks(encoded[:split], encoded[split:]))

    async with make_client(Script(handler)) as api:
        with pytest.warns(DeprecatedEndpointWarning):
            first = api.translation_stream("Very good", "en", "fr")
        text = await first.read()
        second = await api.translation_stream("Again", "en", "fr").read()
    assert text == "Très bien, ça va" == second
    assert first.chunks == ["Tr", "ès bien, ça va"]


async def test_translation_stream_json_string_answer(make_client: MakeClient) -> None:
    """The docs' sample answer, a JSON string, yields its text."""
    async with make_client(Script(json_response(200, "Bonjour"))) as api:
        with pytest.warns(DeprecatedEndpointWarning):
            stream = api.translation_stream("Hello", "en", "fr")
        assert await stream.read() == "Bonjour"


@pytest.mark.parametrize("status", [404, 410])
async def test_translation_stream_gone_is_specific(make_client: MakeClient, status: int) -> None:
    """404/410 raise EndpointGoneError (a NotFoundError) so callers fall back to the task flow."""
    async with make_client(Script(json_response(status, {"detail": "Not Found"}))) as api:
        with pytest.warns(DeprecatedEndpointWarning):
            stream = api.translation_stream("Hello", "en", "fr")
        with pytest.raises(EndpointGoneError) as info:
            await stream.read()
    assert isinstance(info.value, NotFoundError) and info.value.status_code == status
    assert "task flow" in str(info.value)
