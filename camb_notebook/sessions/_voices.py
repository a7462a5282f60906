"""Voices on the session: the account's voice list (kept, to check voice ids) and `camb.clone_voice(...)`.

A mixin of `Camb`. `checked_voice(id)` refuses an id that is not in the account's `list-voices` with one line
before anything is sent. The list is fetched once per key and kept: a known id costs no request; an unknown
one refetches once (a voice made elsewhere since), then is refused. When the list cannot be fetched (network,
5xx, 429, a bad answer) the id is sent unchecked with one warning, and the list is not asked for again for a
minute, so a flaky `list-voices` never blocks speech nor adds a request per call. Clone names are checked and
coded before anything is sent; the synchronous `create-custom-voice` runs on the engine's loop thread while
the caller waits interruptibly.
Usage: `me = camb.clone_voice("me.wav", name="Me", gender="female", age=35)`; `camb.tts("Hello", voice=me)`.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from camb_notebook.api import (
    ApiError,
    AuthenticationError,
    CambWarning,
    UsageError,
    Voice,
    gender_code,
    resolve_language,
)
from camb_notebook.sessions._requests import translated_tts_request, tts_request

if TYPE_CHECKING:
    from camb_notebook.api import ApiClient
    from camb_notebook.jobs import JobManager

__all__ = ["VoiceMethods"]

LIST_TIMEOUT = 15.0  # seconds a voice check waits for list-voices before sending the id unchecked
RETRY_AFTER = 60.0  # seconds before a list that could not be fetched is asked for again


@dataclass
class _VoiceList:
    """The voices one client (one key) was last told about, or when fetching them last failed."""

    client: object
    voices: dict[int, Voice] = field(default_factory=dict)
    fetched: bool = False
    failed_at: float | None = None


class VoiceMethods:
    """`clone_voice` for `Camb` (which provides `api` and `manager`)."""

    if TYPE_CHECKING:

        @property
        def api(self) -> ApiClient:
            """The wire client."""

        @property
        def manager(self) -> JobManager:
            """The engine (its loop thread runs the request)."""

    def voice_list(self, *, refresh: bool = False) -> list[Voice]:
        """The account's voices (`GET list-voices`), kept for this key; `refresh=True` asks again."""
        kept = self._voice_list()
        if refresh or not kept.fetched:
            voices = self.manager.loop.run_sync(self.api.list_voices)
            kept.voices = {voice.id: voice for voice in voices}
            kept.fetched, kept.failed_at = True, None
        return list(kept.voices.values())

    def checked_voice(self, voice: int | Voice) -> int:
        """The id of `voice` (an int or a Voice) if it is one of the account's voices, else a UsageError.

        A Voice object is trusted as it is. See the module docstring for when the list is fetched.
        """
        if isinstance(voice, Voice):
            return voice.id
        if isinstance(voice, bool) or not isinstance(voice, int):
            raise UsageError(f"voice must be a voice id (int) or a Voice, got {voice!r}", hint="See voices()")
        kept = self._voice_list()
        if voice in kept.voices:
            return voice
        if kept.failed_at is not None and time.monotonic() - kept.failed_at < RETRY_AFTER:
            return voice  # the list could not be fetched a moment ago: already warned, sent unchecked
        try:
            self.manager.loop.run_sync(self._fetch_voices(kept), timeout=LIST_TIMEOUT)
        except AuthenticationError:
            raise  # the key is refused: speech would be too, so say that now
        except (ApiError, TimeoutError) as exc:
            kept.failed_at = time.monotonic()
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            warnings.warn(
                f"voice {voice} was not checked: the voice list could not be fetched ({reason}); sent as is",
                CambWarning,
                stacklevel=3,
            )
            return voice
        if voice in kept.voices:
            return voice
        raise UsageError(
            f"voice {voice} is not one of this account's {len(kept.voices)} voices",
            hint="List them with %camb voices (or camb.voices())",
        )

    def _tts_request(
        self, text: str, voice: int | Voice, language: Any, *, stream: bool, stream_only: object = None
    ) -> dict[str, Any]:
        """A checked tts request whose voice is one of the account's (checked last: it may need a request).

        `stream_only`: a stream-only option given (speech_model / output_format), refused without stream=True.
        """
        request = tts_request(text, voice, language, stream=True)  # tts-stream either way (tts is deprecated)
        if not 3 <= len(request["text"]) <= 3000:
            raise UsageError(f"speech text must be 3–3000 characters (tts-stream's limit), got {len(text)}")
        if stream_only and not stream:
            raise UsageError("speech_model and output_format apply to streamed speech", hint="stream=True")
        return request | {"voice_id": self.checked_voice(voice)}

    def _translated_tts_request(self, text: str, voice: int | Voice, to: Any, source: Any) -> dict[str, Any]:
        """A checked translated-tts request whose voice is one of the account's."""
        request = translated_tts_request(text, voice, to, source)
        return request | {"voice_id": self.checked_voice(voice)}

    async def _fetch_voices(self, kept: _VoiceList) -> None:
        """Loop thread: fetch list-voices into `kept`."""
        voices = await self.api.list_voices()
        kept.voices = {voice.id: voice for voice in voices}
        kept.fetched, kept.failed_at = True, None

    def _voice_list(self) -> _VoiceList:
        """The kept list of the current client (a new key starts a new, empty list)."""
        kept: _VoiceList | None = getattr(self, "_kept_voices", None)
        if kept is None or kept.client is not self.api:
            kept = _VoiceList(client=self.api)
            self._kept_voices = kept
        return kept

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
        made = Voice(voice_id, name.strip(), code, age, language_id, description)
        self._voice_list().voices[voice_id] = made  # usable by id at once, with no new list-voices request
        return made
