"""Language catalog data the sandbox serves: the CAMB.AI language ids and the tts-stream locales.

Read from `camb_notebook/_data/languages.json` by path (the client's catalog reads the same file), so the
sandbox still imports no code of ours.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["DATA_FILE", "LANGUAGES", "TTS_STREAM_LOCALES"]

DATA_FILE = Path(__file__).resolve().parents[1] / "_data" / "languages.json"

_DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))

# (id, locale tag, English name); the locale tag is the SDK enum name lowercased with `_` → `-`.
LANGUAGES: tuple[tuple[int, str, str], ...] = tuple(
    (int(lang_id), str(locale), str(name)) for lang_id, locale, name in _DATA["languages"]
)
# The locales `tts-stream` accepts (British English is spelled `en-uk` there).
TTS_STREAM_LOCALES: frozenset[str] = frozenset(_DATA["tts_stream_locales"])
