"""Custom voices on the session: `camb.clone_voice(sample, name=..., gender=..., age=...)` → a Voice for TTS.

A mixin of `Camb`. Names are checked and coded (gender words, language names) before anything is sent; the
synchronous `create-custom-voice` runs on the engine's loop thread while the caller waits interruptibly.
Usage: `me = camb.clone_voice("me.wav", name="Me", gender="female", age=35)`; `camb.tts("Hi", voice=me)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from camb_notebook.api import UsageError, Voice, gender_code, resolve_language

if TYPE_CHECKING:
    from camb_notebook.api import ApiClient
    from camb_notebook.jobs import JobManager

__all__ = ["VoiceMethods"]


class VoiceMethods:
    """`clone_voice` for `Camb` (which provides `api` and `manager`)."""

    if TYPE_CHECKING:

        @property
        def api(self) -> ApiClient:
            """The wire client."""

        @property
        def manager(self) -> JobManager:
            """The engine (its loop thread runs the request)."""

    def clone_voice(
        self,
        sample: str | Path | bytes,
        *,
        name: str,
        gender: str | int,
        age: int | None = None,
        language: Any = None,
        description: str | None = None,
        enhance_audio: bool | None = None,
    ) -> Voice:
        """Clone a voice from a speech sample (a file path, or WAV bytes); returns it as a Voice.

        `gender` is "male", "female", "neutral" (or the API's integer); `language` a name, locale or id.
        The voice then appears in `voices()` and works as `tts(..., voice=...)`. Interrupting the wait does
        not undo the request: the voice may still be created (see `voices()`).
        """
        code = gender_code(gender)
        if code is None:
            raise UsageError("clone_voice() needs gender=", hint="Use male, female or neutral")
        if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 120):
            raise UsageError(f"age must be a whole number of years (0–120), not {age!r}")
        language_id = None if language is None else resolve_language(language).id
        voice_id: int = self.manager.loop.run_sync(
            self.api.create_custom_voice(
                sample,
                voice_name=name,
                gender=code,
                age=age,
                language=language_id,
                description=description,
                enhance_audio=enhance_audio,
            ),
        )
        return Voice(voice_id, name.strip(), code, age, language_id, description)
