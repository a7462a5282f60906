"""Custom voices in the sandbox: a cloned voice joins its key's voice list, and its sample is served back.

Cloned voices live on the SandboxState (`custom_voices`, emptied by `reset()`), each with the key that made
it, so another key never sees it. Ids start at 90001 to stay clear of the built-in catalog's.
Usage: `add_voice(state, key, fields, sample, content_type)`; `voices_for(state, key)`.
"""

from __future__ import annotations

from typing import Any

from camb_notebook.sandbox._catalog import VOICES
from camb_notebook.sandbox._state import SandboxState

__all__ = ["FIRST_CUSTOM_ID", "add_voice", "sample_of", "voices_for"]

FIRST_CUSTOM_ID = 90001


def add_voice(
    state: SandboxState, key: str, fields: dict[str, Any], sample: bytes, content_type: str
) -> dict[str, Any]:
    """Store a cloned voice (the `list-voices` row `fields` plus its id) for `key`; returns its row."""
    with state.lock:
        voice = {"id": FIRST_CUSTOM_ID + len(state.custom_voices), **fields}
        state.custom_voices.append({"key": key, "voice": voice, "sample": (content_type, sample)})
    return voice


def voices_for(state: SandboxState, key: str) -> list[dict[str, Any]]:
    """The built-in voices plus the ones this key cloned (oldest first)."""
    with state.lock:
        own = [dict(entry["voice"]) for entry in state.custom_voices if entry["key"] == key]
    return [*VOICES, *own]


def sample_of(state: SandboxState, voice_id: int) -> tuple[str, bytes] | None:
    """(content type, bytes) of a cloned voice's sample, or None."""
    with state.lock:
        for entry in state.custom_voices:
            if entry["voice"]["id"] == voice_id:
                sample: tuple[str, bytes] = entry["sample"]
                return sample
    return None
