"""Streams in the notebook: a displayed `SpeechStream` / `TranslationStream` plays or grows in place.

Importing this package makes displayed streams use `StreamDisplay`. Main thread only.
Usage: `camb.tts("Hello", voice=20298, stream=True)` as the last line of a cell.
"""

from __future__ import annotations

from camb_notebook.sessions import LiveStream
from camb_notebook.streams._display import StreamDisplay
from camb_notebook.streams._player import LivePlayer
from camb_notebook.streams._safe import AUDIO_TYPES, audio_type, safe_url

__all__ = ["AUDIO_TYPES", "LivePlayer", "StreamDisplay", "audio_type", "safe_url"]

LiveStream.display_with(StreamDisplay)
