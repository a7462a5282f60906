"""The API's base URL: resolved once, checked before the key is ever sent, and shown without credentials.

The key travels in a header, so a plain `http://` base on another host would send it in clear text: such a
base is refused unless the caller says `allow_insecure=True` or sets CAMB_ALLOW_INSECURE=1 (loopback, e.g. the
sandbox, is always allowed).
Credentials written into the URL (`http://user:pass@proxy/`) are masked wherever the URL is shown.
Usage: `url = checked_base_url(base_url, allow_insecure=False)`; `shown_url(url)` for reprs and messages.
"""

from __future__ import annotations

import ipaddress
import os

import httpx

from camb_notebook.api._errors import UsageError

__all__ = ["BASE_ENV_VAR", "DEFAULT_BASE_URL", "checked_base_url", "is_loopback", "shown_url"]

DEFAULT_BASE_URL = "https://client.camb.ai/apis"
BASE_ENV_VAR = "CAMB_API_BASE"


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine (`localhost`, 127.0.0.0/8, ::1)."""
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def shown_url(url: str | httpx.URL) -> str:
    """The URL as it may be shown: any `user:password@` replaced by `***@`."""
    text = str(url)
    try:
        parsed = httpx.URL(text)
    except httpx.InvalidURL:
        return "<invalid URL>"
    if not parsed.userinfo:
        return text
    return str(parsed.copy_with(username="***", password=None))


def checked_base_url(base_url: str | None, *, allow_insecure: bool = False) -> str:
    """The base URL to use (argument → CAMB_API_BASE → the real API), with a trailing slash, checked."""
    text = (base_url or os.environ.get(BASE_ENV_VAR) or DEFAULT_BASE_URL).strip()
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL:
        raise UsageError(
            "The API base URL is not a valid URL", hint="Use e.g. https://client.camb.ai/apis/"
        ) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise UsageError(
            f"The API base URL {shown_url(url)!r} must start with https:// (or http:// on this machine)",
            hint="Use e.g. https://client.camb.ai/apis/",
        )
    allow_insecure = allow_insecure or os.environ.get("CAMB_ALLOW_INSECURE") == "1"
    if url.scheme == "http" and not allow_insecure and not is_loopback(url.host):
        raise UsageError(
            f"The API base URL {shown_url(url)} is not TLS: the API key would travel in clear text",
            hint="Use https://, or pass allow_insecure=True (CAMB_ALLOW_INSECURE=1) on a trusted network",
        )
    return text.rstrip("/") + "/"
