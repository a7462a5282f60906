"""Voice ids are checked against the account's `list-voices` before anything is sent (issue #16 item 15).

A known id costs no request once the list is kept; an unknown one refetches once, then is one UsageError
line; when the list cannot be fetched the id is sent with one warning, and the list is not asked for again
for a while. Real sandbox over loopback HTTP.
"""

from __future__ import annotations

import warnings

import pytest

from camb_notebook.api import AuthenticationError, CambWarning, TtsResult, UsageError, Voice
from camb_notebook.sandbox import Sandbox, make_wav, read_wav_text
from camb_notebook.sessions import Camb

LIST = "GET list-voices"
KNOWN = 20298  # a built-in sandbox voice


def _lists(sandbox: Sandbox) -> int:
    """list-voices requests the sandbox has answered so far."""
    return sandbox.stats.requests.get(LIST, 0)


def _tasks(sandbox: Sandbox) -> int:
    """Tasks the sandbox has created so far (any family)."""
    return sandbox.stats.total_tasks


def test_an_unknown_voice_is_one_line_and_creates_nothing(camb: Camb, camb_sandbox: Sandbox) -> None:
    """`voice=999999` is refused (one line naming it and the way to list voices); no task, no stream."""
    for call in (
        lambda: camb.tts("Hello there", voice=999999),
        lambda: camb.tts("Hello there", voice=999999, stream=True),
        lambda: camb.translated_tts("Hello there", voice=999999, to="fr-fr"),
        lambda: camb.tts("Hello there", voice=-5),
    ):
        with pytest.raises(UsageError) as caught:
            call()
        line = str(caught.value)
        assert "is not one of this account's 12 voices" in line and "\n" not in line
        assert "%camb voices" in (caught.value.hint or "")
    assert _tasks(camb_sandbox) == 0
    assert camb_sandbox.stats.requests.get("POST tts-stream", 0) == 0


def test_a_known_voice_costs_no_request_once_the_list_is_kept(camb: Camb, camb_sandbox: Sandbox) -> None:
    """The first check fetches the list once; later calls (and voices()) reuse or refresh it explicitly."""
    first = camb.tts("Hello there", voice=KNOWN)
    assert _lists(camb_sandbox) == 1
    for _ in range(5):
        camb.tts("Hello again", voice=KNOWN, cache=False)
    assert _lists(camb_sandbox) == 1
    assert isinstance(first.result(timeout=20), TtsResult)
    camb.voices()  # an explicit listing asks the server again (and refreshes what is kept)
    camb.tts("Hello there", voice=KNOWN + 1)
    assert _lists(camb_sandbox) == 2


def test_a_voice_made_elsewhere_since_is_found_by_one_refetch(camb: Camb, camb_sandbox: Sandbox) -> None:
    """A voice cloned by another session after this one kept its list: one refetch, then it speaks."""
    camb.voices()
    with Camb(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url) as other:
        made = other.clone_voice(make_wav("A sample for the clone."), name="Elsewhere", gender="male")
    lists = _lists(camb_sandbox)
    result = camb.tts("Spoken by the new voice", voice=made.id).result(timeout=20)
    assert read_wav_text(result.audio) == "Spoken by the new voice"
    assert _lists(camb_sandbox) == lists + 1


def test_a_voice_cloned_in_this_session_or_given_as_a_voice_needs_no_list(
    camb: Camb, camb_sandbox: Sandbox
) -> None:
    """clone_voice's id is usable at once; a Voice object is trusted as it is (no list-voices request)."""
    made = camb.clone_voice(make_wav("My own sample."), name="Mine", gender="female")
    camb.tts("Mine speaks", voice=made.id).result(timeout=20)
    camb.tts("A Voice object", voice=Voice(KNOWN, "Alice")).result(timeout=20)
    assert _lists(camb_sandbox) == 0


def test_when_the_list_cannot_be_fetched_the_voice_is_sent_with_one_warning(
    camb: Camb, camb_sandbox: Sandbox
) -> None:
    """list-voices answering 503 (past the client's retries): one CambWarning, the task is created anyway,
    and the next call neither asks for the list again nor warns again (the server judges the id)."""
    camb_sandbox.fail_next("503", route=LIST, times=20)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        job = camb.tts("Hello there", voice=KNOWN)
    shown = [str(w.message) for w in caught if issubclass(w.category, CambWarning)]
    assert len(shown) == 1 and f"voice {KNOWN} was not checked" in shown[0] and "\n" not in shown[0]
    assert isinstance(job.result(timeout=20), TtsResult)
    lists = _lists(camb_sandbox) + camb_sandbox.stats.faults_injected.get("503", 0)
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        camb.tts("Hello again", voice=999999)  # unchecked too: the list was unavailable a moment ago
    assert not [w for w in again if issubclass(w.category, CambWarning)]
    assert _lists(camb_sandbox) + camb_sandbox.stats.faults_injected.get("503", 0) == lists


def test_a_refused_key_is_said_at_once(camb_sandbox: Sandbox) -> None:
    """With a key the server refuses, the voice check says so in one line before any task exists."""
    session = Camb(api_key="wrong-key-0123456789", base_url=camb_sandbox.base_url)
    with session, pytest.raises(AuthenticationError):
        session.tts("Hello there", voice=KNOWN)
    assert _tasks(camb_sandbox) == 0
