"""The API key: a masked wrapper, its resolution order, and the httpx auth hook that is its only reader.

`ApiKey` never shows more than its last 4 characters (none for short keys) and refuses to be pickled,
so it cannot reach a journal or cache. Resolution: argument → CAMB_API_KEY → `.env` in the working
directory → getpass (only when asked to be interactive and a prompt is possible).
Usage: `key = resolve_api_key()`; `httpx.AsyncClient(auth=KeyAuth(key, base_url))`.
"""

from __future__ import annotations

import getpass
import hmac
import os
import sys
from collections.abc import Generator
from pathlib import Path
from typing import NoReturn

import httpx

from camb_notebook.api._errors import MissingKeyError, UsageError

__all__ = ["ENV_VAR", "ApiKey", "KeyAuth", "resolve_api_key"]

ENV_VAR = "CAMB_API_KEY"
_SHOW_TAIL_FROM = 12  # keys shorter than this show no characters at all


class ApiKey:
    """A secret API key; `repr`/`str` show at most the last 4 characters, `reveal()` gives the text."""

    __slots__ = ("__value",)

    def __init__(self, value: str | ApiKey) -> None:
        text = value.reveal() if isinstance(value, ApiKey) else value
        if not isinstance(text, str):
            raise UsageError(f"The API key must be a string, not {type(text).__name__}")
        if not text.strip():
            raise MissingKeyError("The API key is empty")
        text = text.strip()
        # httpx would reject such a header value with an error that quotes the whole key: refuse it first,
        # naming only the position.
        bad = next((i for i, ch in enumerate(text) if not " " <= ch < "\x7f"), None)
        if bad is not None:
            raise UsageError(
                f"The API key has a control or non-ASCII character at position {bad + 1}",
                hint="Copy the key again, without line breaks (CAMB_API_KEY or .env)",
            )
        self.__value = text

    def reveal(self) -> str:
        """Return the key text; only the auth hook and scrubbing call this."""
        return self.__value

    @property
    def masked(self) -> str:
        """The key as shown to people: '…' plus at most the last 4 characters."""
        value = self.__value
        return "…" + value[-4:] if len(value) >= _SHOW_TAIL_FROM else "…"

    def scrub(self, text: str) -> str:
        """Replace any occurrence of the key in `text` (e.g. a server message echoing it)."""
        return text.replace(self.__value, self.masked)

    def __repr__(self) -> str:
        return f"ApiKey('{self.masked}')"

    def __str__(self) -> str:
        return self.masked

    def __format__(self, spec: str) -> str:
        return format(self.masked, spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ApiKey):
            return NotImplemented
        return hmac.compare_digest(self.__value.encode(), other.__value.encode())

    def __hash__(self) -> int:
        return hash(("ApiKey", self.masked))

    def __reduce__(self) -> NoReturn:
        raise UsageError("An ApiKey cannot be pickled", hint="Store the key in CAMB_API_KEY or .env instead")


class KeyAuth(httpx.Auth):
    """Adds `x-api-key` to requests for the API's own origin only (never to presigned media URLs)."""

    def __init__(self, key: ApiKey, base_url: str | httpx.URL) -> None:
        self._key = key
        url = httpx.URL(str(base_url))
        self._origin = (url.scheme, url.host, url.port)

    def __repr__(self) -> str:
        return f"KeyAuth({self._key!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Attach the key when the request goes to the API's origin."""
        if (request.url.scheme, request.url.host, request.url.port) == self._origin:
            request.headers["x-api-key"] = self._key.reveal()
        yield request


def _key_from_dotenv(path: Path) -> ApiKey | None:
    """Read CAMB_API_KEY from a `.env` file (KEY=VALUE lines, optional `export`, optional quotes)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for raw in lines:
        name, sep, rest = raw.strip().removeprefix("export ").partition("=")
        if sep and name.strip() == ENV_VAR:
            rest = rest.strip()
            if len(rest) >= 2 and rest[0] == rest[-1] and rest[0] in "'\"":
                rest = rest[1:-1]
            else:
                rest = rest.split(" #", 1)[0].strip()
            return ApiKey(rest) if rest else None
    return None


def _can_prompt() -> bool:
    """True when a password prompt can be answered: a terminal on stdin, or an IPython kernel."""
    if "ipykernel" in sys.modules:
        return True
    stdin = sys.stdin
    try:
        return stdin is not None and stdin.isatty()
    except (ValueError, OSError):
        return False


def _prompt() -> ApiKey | None:
    """Ask for the key without echoing it; None when the frontend cannot answer."""
    try:
        typed = getpass.getpass("CAMB.AI API key: ")
    except (NotImplementedError, EOFError, OSError):
        return None
    return ApiKey(typed) if typed.strip() else None


def resolve_api_key(explicit: str | ApiKey | None = None, *, interactive: bool = False) -> ApiKey:
    """Find the key: argument → CAMB_API_KEY → .env in the cwd → getpass (if interactive), else raise."""
    if explicit is not None:
        return ApiKey(explicit)
    if os.environ.get(ENV_VAR, "").strip():
        return ApiKey(os.environ[ENV_VAR])
    found = _key_from_dotenv(Path.cwd() / ".env")
    if found is not None:
        return found
    if interactive and _can_prompt():
        typed = _prompt()
        if typed is not None:
            return typed
    raise MissingKeyError("No CAMB.AI API key found")
