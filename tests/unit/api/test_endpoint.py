"""Base URL and key hygiene: clear-text remote bases refused, URL credentials masked, bad keys refused.

Each case leaked the key or credentials before: httpx quoted a key with a newline in its error, a plain-http
proxy got the key in clear text, and `repr` showed `user:pass@` from CAMB_API_BASE.
"""

from __future__ import annotations

import traceback

import httpx
import pytest
from api_fakes import CANARY

from camb_notebook.api import ApiClient, ApiKey, UsageError, checked_base_url, shown_url
from camb_notebook.sessions import Camb


@pytest.mark.parametrize("bad", [f"{CANARY[:8]}\n{CANARY[8:]}", f"{CANARY}\x00", "clé-été-0000"])
def test_key_with_control_or_non_ascii_characters_is_refused_without_showing_it(bad: str) -> None:
    """One line naming the position; neither the message nor its whole chain shows the key."""
    with pytest.raises(UsageError, match="position") as caught:
        ApiKey(bad)
    shown = "".join(traceback.format_exception(caught.value))
    assert CANARY[:8] not in shown and "clé" not in shown
    assert caught.value.__cause__ is None and caught.value.__context__ is None


@pytest.mark.parametrize(
    "url",
    ["http://api.example.com/apis", "http://10.0.0.5:8000/", "http://user:secret@proxy.example.com/apis"],
)
def test_plain_http_off_this_machine_is_refused_unless_allowed(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key would travel in clear text: refused with the fix, and the refusal hides credentials."""
    monkeypatch.delenv("CAMB_ALLOW_INSECURE", raising=False)
    with pytest.raises(UsageError, match="not TLS") as caught:
        Camb(api_key=CANARY, base_url=url)
    assert "secret" not in str(caught.value) and "allow_insecure=True" in caught.value.hint
    assert Camb(api_key=CANARY, base_url=url, allow_insecure=True).base_url == url
    monkeypatch.setenv("CAMB_ALLOW_INSECURE", "1")
    assert checked_base_url(url) == url.rstrip("/") + "/"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/", "http://localhost:8000/apis", "http://[::1]:81/", "https://x.io"]
)
def test_loopback_and_tls_bases_are_accepted(url: str) -> None:
    """The sandbox (loopback) and every https base need no flag."""
    assert checked_base_url(url).endswith("/")


@pytest.mark.parametrize("url", ["ftp://host/", "javascript:alert(1)", "client.camb.ai/apis", "http://"])
def test_a_base_that_is_not_http_is_one_line(url: str) -> None:
    """Wrong scheme or no host: one UsageError with an example of a good base."""
    with pytest.raises(UsageError, match="https://"):
        checked_base_url(url)


def test_credentials_in_the_base_url_are_masked_in_every_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    """`user:pass@` from CAMB_API_BASE never shows in repr(session), repr(api) or the endpoint."""
    monkeypatch.setenv("CAMB_API_BASE", "https://user:hunter2@proxy.example.com/apis")
    session = Camb(api_key=CANARY)
    api = ApiClient(api_key=CANARY)
    for shown in (repr(session), repr(api), session._connection.endpoint):
        assert "hunter2" not in shown and "user" not in shown and "***@proxy.example.com" in shown
    # The real URL (with its credentials) is still what requests use.
    assert httpx.URL(api.base_url).password == "hunter2"
    assert shown_url("https://a.io/x") == "https://a.io/x"
