"""API key: masking, resolution order, .env parsing, prompting rules, and the origin-bound auth hook."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import httpx
import pytest
from api_fakes import CANARY

from camb_notebook.api import ApiKey, KeyAuth, MissingKeyError, UsageError, resolve_api_key
from camb_notebook.api import _key as key_module


def test_masking_shows_at_most_last_four() -> None:
    """repr/str/format show '…' plus the last 4 characters, none at all for short keys."""
    key = ApiKey(CANARY)
    for shown in (repr(key), str(key), f"{key}", f"{key:>30}"):
        assert CANARY not in shown and CANARY[:-4] not in shown
    assert str(key) == "…4680"
    assert str(ApiKey("sandbox")) == "…"
    assert key.reveal() == CANARY


def test_equality_and_no_pickling() -> None:
    """Keys compare by value; pickling (a journal or cache) is refused."""
    assert ApiKey(CANARY) == ApiKey(f" {CANARY} ") and ApiKey(CANARY) != ApiKey("other-key-000000")
    with pytest.raises(UsageError):
        pickle.dumps(ApiKey(CANARY))


def test_empty_key_is_missing() -> None:
    """A blank key is rejected with the fix; a non-string key is a usage error."""
    with pytest.raises(MissingKeyError, match="CAMB_API_KEY"):
        ApiKey("  ")
    with pytest.raises(UsageError, match="string"):
        ApiKey(12345)  # type: ignore[arg-type]


def test_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Explicit beats CAMB_API_KEY beats .env in the working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("OTHER=1\nexport CAMB_API_KEY='from-dotenv-key-1111'  \n")
    assert resolve_api_key().reveal() == "from-dotenv-key-1111"
    monkeypatch.setenv("CAMB_API_KEY", "from-env-key-2222")
    assert resolve_api_key().reveal() == "from-env-key-2222"
    assert resolve_api_key("explicit-key-3333").reveal() == "explicit-key-3333"


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("CAMB_API_KEY=plain-value-1", "plain-value-1"),
        ('CAMB_API_KEY="quoted # value"', "quoted # value"),
        ("CAMB_API_KEY=v-2 # comment", "v-2"),
        ("CAMB_API_KEY = spaced-3", "spaced-3"),
    ],
)
def test_dotenv_forms(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, line: str, value: str) -> None:
    """Common .env spellings are understood."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(f"# keys\n{line}\n")
    assert resolve_api_key().reveal() == value


def test_missing_key_never_prompts_without_interactive(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without interactive=True there is no prompt, just MissingKeyError."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(key_module.getpass, "getpass", lambda prompt: pytest.fail("prompted"))
    with pytest.raises(MissingKeyError):
        resolve_api_key()


def test_interactive_prompt_needs_a_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """interactive=True prompts only when stdin is a TTY (or a kernel can answer)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.setattr(key_module.getpass, "getpass", lambda prompt: "typed-key-4444")

    class Stdin:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    monkeypatch.setattr(sys, "stdin", Stdin(False))
    with pytest.raises(MissingKeyError):
        resolve_api_key(interactive=True)
    monkeypatch.setattr(sys, "stdin", Stdin(True))
    assert resolve_api_key(interactive=True).reveal() == "typed-key-4444"


def test_prompt_that_cannot_be_answered(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A frontend without stdin (StdinNotImplementedError is a NotImplementedError) gives MissingKeyError."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "ipykernel", sys)

    def refuse(prompt: str) -> str:
        raise NotImplementedError("raw_input was called, but this frontend does not support input requests")

    monkeypatch.setattr(key_module.getpass, "getpass", refuse)
    with pytest.raises(MissingKeyError):
        resolve_api_key(interactive=True)


def test_auth_hook_sends_key_only_to_api_origin() -> None:
    """x-api-key goes to the API host only, never to presigned media URLs elsewhere."""
    auth = KeyAuth(ApiKey(CANARY), "https://client.camb.ai/apis")
    own = next(auth.auth_flow(httpx.Request("GET", "https://client.camb.ai/apis/list-voices")))
    foreign = next(auth.auth_flow(httpx.Request("GET", "https://bucket.s3.amazonaws.com/a.flac?sig=1")))
    assert own.headers["x-api-key"] == CANARY
    assert "x-api-key" not in foreign.headers and "authorization" not in foreign.headers
    assert CANARY not in repr(auth)
