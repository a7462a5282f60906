"""Bundled language catalog: the CAMB.AI language ids with locale tags and English names.

Read once from `camb_notebook/_data/languages.json`, the one table the sandbox serves too. Ids and tags
follow camb-sdk 1.6.6 (the `Languages` enum name lowercased, `_` → `-`); the English names are ours.
Data only; lookups live in `_languages.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["DATA_FILE", "DEFAULT_REGIONS", "LANGUAGE_ROWS", "TTS_STREAM_LOCALES"]

DATA_FILE = Path(__file__).resolve().parents[1] / "_data" / "languages.json"

_DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))

# (id, locale tag, English name)
LANGUAGE_ROWS: tuple[tuple[int, str, str], ...] = tuple(
    (int(lang_id), str(locale), str(name)) for lang_id, locale, name in _DATA["languages"]
)
# The locale a bare code or bare name means ('fr' → 'fr-fr').
DEFAULT_REGIONS: dict[str, str] = dict(_DATA["default_regions"])
# The locale strings `POST tts-stream` accepts; a few (e.g. as-in) have no language id at all.
TTS_STREAM_LOCALES: frozenset[str] = frozenset(_DATA["tts_stream_locales"])
