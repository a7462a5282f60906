"""Wire routes and request bodies per family: JSON bodies, and multipart bodies rebuilt for every attempt.

Pure builders (no I/O except opening upload files inside `multipart_body`). Languages are resolved here
for the typed conveniences; the generic `create` takes wire field names with languages already resolved.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from camb_notebook.api._errors import UsageError
from camb_notebook.api._language_data import TTS_STREAM_LOCALES
from camb_notebook.api._languages import LanguageLike, resolve_language
from camb_notebook.api._models import FAMILIES, Family

__all__ = [
    "ROUTES",
    "Route",
    "clean_body",
    "lang",
    "multipart_body",
    "route_for",
    "stream_locale",
    "tts_stream_body",
]


@dataclass(frozen=True)
class Route:
    """Paths of one family (relative to the base URL); `upload_field` names the multipart file field."""

    create: str
    status: str
    result: str | None
    bulk: str | None
    upload_field: str | None = None
    upload_keys: tuple[str, str, str] = ("", "", "")  # (path key, bytes key, url key) in `request`


ROUTES: dict[str, Route] = {
    "translation": Route("translate", "translate/{}", "translation-result/{}", "translation-results"),
    "tts": Route("tts", "tts/{}", "tts-result/{}", "tts-results"),
    "translated_tts": Route("translated-tts", "translated-tts/{}", None, None),
    "transcription": Route(
        "transcribe",
        "transcribe/{}",
        "transcription-result/{}",
        "transcription-results",
        upload_field="media_file",
        upload_keys=("media_path", "media_bytes", "media_url"),
    ),
    "dubbing": Route("dub", "dub/{}", "dub-result/{}", "dubbing-results"),
    "story": Route(
        "story",
        "story/{}",
        "story-result/{}",
        "stories-results",
        upload_field="file",
        upload_keys=("file_path", "file_bytes", ""),
    ),
    "subtitles": Route("sub", "sub/{}", "sub-result/{}", "sub-results"),
}


def route_for(family: str) -> Route:
    """The route of a family, or a `UsageError` naming the valid ones."""
    try:
        return ROUTES[family]
    except KeyError:
        raise UsageError(f"Unknown family {family!r}", hint=f"Use one of {', '.join(FAMILIES)}") from None


def lang(value: LanguageLike, *, allow_auto: bool = False) -> int | str:
    """A language as the wire wants it (id, or "auto")."""
    return resolve_language(value, allow_auto=allow_auto).wire_value


def clean_body(**fields: Any) -> dict[str, Any]:
    """A JSON body without unset (None) fields, as the SDK sends it."""
    return {name: value for name, value in fields.items() if value is not None}


def _form_value(value: Any) -> str | list[str]:
    """A form value: bools as true/false, dicts as JSON strings (formatting_options), lists repeated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return str(value)


@contextmanager
def multipart_body(family: Family, request: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """httpx keyword arguments for one attempt of a multipart create; files are reopened every time."""
    route = route_for(family)
    path_key, bytes_key, url_key = route.upload_keys
    sources = [k for k in route.upload_keys if k and request.get(k) is not None]
    if len(sources) != 1:
        wanted = " or ".join(k for k in route.upload_keys if k)
        raise UsageError(f"{family} needs exactly one of {wanted}", hint="Pass a file path, bytes, or a URL")
    skip = {path_key, bytes_key, url_key, "filename"}
    data = {k: _form_value(v) for k, v in request.items() if k not in skip and v is not None}
    with ExitStack() as stack:
        files: dict[str, Any] = {}
        if sources[0] == url_key:
            # A file part without a filename is a plain form field; it keeps the body multipart.
            files[url_key] = (None, str(request[url_key]).encode())
        elif sources[0] == path_key:
            path = Path(request[path_key]).expanduser()
            if not path.is_file():
                raise UsageError(f"File not found: {path.name}", hint="Check the path of the file to upload")
            name = str(request.get("filename") or path.name)
            files[str(route.upload_field)] = (name, stack.enter_context(path.open("rb")), _mime(name))
        else:
            payload = request[bytes_key]
            if not isinstance(payload, (bytes, bytearray, memoryview)):
                raise UsageError(f"{bytes_key} must be bytes", hint="Read the file in binary mode")
            name = str(request.get("filename") or "upload.bin")
            files[str(route.upload_field)] = (name, bytes(payload), _mime(name))
        yield {"data": data, "files": files}


def _mime(name: str) -> str:
    """A MIME type guessed from a file name."""
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def stream_locale(language: LanguageLike) -> str:
    """The locale string `tts-stream` takes: some (as-in) have no language id; British English is en-uk."""
    given = language.strip().lower().replace("_", "-") if isinstance(language, str) else ""
    if given in TTS_STREAM_LOCALES:
        return given
    locale = resolve_language(language).locale
    return "en-uk" if locale == "en-gb" else locale


def tts_stream_body(
    text: str,
    voice_id: int,
    language: LanguageLike,
    *,
    speech_model: str | None,
    output_format: str | None,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    """The JSON body of `POST tts-stream` (language as a locale string; British English spelled en-uk)."""
    if not 3 <= len(text) <= 3000:
        raise UsageError(f"tts-stream text must be 3–3000 characters, got {len(text)}")
    locale = stream_locale(language)
    output = dict(extra.get("output_configuration") or {})
    if output_format is not None:
        output["format"] = output_format
    rest = {k: v for k, v in extra.items() if k != "output_configuration"}
    return clean_body(
        text=text,
        voice_id=voice_id,
        language=locale,
        speech_model=speech_model,
        output_configuration=output or None,
        **rest,
    )
