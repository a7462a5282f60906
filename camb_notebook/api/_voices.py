"""Custom voices on the wire: `POST create-custom-voice` (multipart, synchronous) → the new voice's id.

A mixin of `ApiClient`. The form fields and the `file` part are those of the official SDK's
`voice_cloning.create_custom_voice`; the body is rebuilt on every attempt, and the create is sent as a
"submit" request: retried only while provably unprocessed, so a voice is never cloned (billed) twice.
Usage: `voice_id = await api.create_custom_voice("me.wav", voice_name="Me", gender=2)`.
"""

from __future__ import annotations

import contextlib
import mimetypes
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from camb_notebook.api._errors import InvalidResponseError, UsageError
from camb_notebook.api._requests import clean_body
from camb_notebook.api._send import Sender

__all__ = ["VoiceCloning", "parse_voice_id"]


def parse_voice_id(data: Any, what: str) -> int:
    """`{"voice_id": int}`."""
    voice_id = data.get("voice_id") if isinstance(data, dict) else None
    if isinstance(voice_id, bool) or not isinstance(voice_id, int):
        raise InvalidResponseError(f"{what}: expected {{'voice_id': int}}")
    return voice_id


def _sample(sample: str | Path | bytes, filename: str | None) -> tuple[str, Path | bytes]:
    """The upload's file name and its source (an existing file, or non-empty bytes)."""
    if isinstance(sample, (bytes, bytearray)):
        if not sample:
            raise UsageError("the voice sample is empty")
        return filename or "sample.wav", bytes(sample)
    path = Path(sample).expanduser()
    if not path.is_file():
        raise UsageError(f"file not found: {path}", hint="Pass a 30–60 s recording of clean speech")
    return filename or path.name, path


class VoiceCloning(Sender):
    """The custom-voice route of `ApiClient`."""

    async def create_custom_voice(
        self,
        sample: str | Path | bytes,
        *,
        voice_name: str,
        gender: int,
        age: int | None = None,
        language: int | None = None,
        description: str | None = None,
        enhance_audio: bool | None = None,
        filename: str | None = None,
    ) -> int:
        """Clone a voice from a speech sample (a file path or bytes); returns the new voice id."""
        if not isinstance(voice_name, str) or not voice_name.strip():
            raise UsageError("the voice needs a name")
        name, source = _sample(sample, filename)
        fields = clean_body(
            voice_name=voice_name.strip(),
            gender=gender,
            age=age,
            language=language,
            description=description,
            enhance_audio=enhance_audio,
        )
        data = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in fields.items()}
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"

        @contextlib.contextmanager
        def body() -> Iterator[dict[str, Any]]:
            with contextlib.ExitStack() as stack:
                content = source if isinstance(source, bytes) else stack.enter_context(source.open("rb"))
                yield {"data": data, "files": {"file": (name, content, mime)}}

        what = "create-custom-voice"
        return await self._json(
            "POST", "create-custom-voice", kind="submit", what=what, parse=parse_voice_id, body=body
        )
