"""LivePlayer: a widget that plays `--stream` WAV audio while it arrives (JupyterLab, Notebook 7, VS Code).

The player's ES module (`_player.js`) runs in the frontend's widget manager, so it works where outputs may not
run scripts, and nothing server-sent is ever written as markup. The kernel side only sets `audio` (all bytes
so far): each view, however late it renders, plays from the start and then only the new tail. Each update
resends every byte so far; streamed speech is short, and it keeps a late or reloaded view correct without a
round trip (the kernel may be blocked in `--wait`). Main thread only. Usage: `LivePlayer(audio=b"RIFF…")`.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

__all__ = ["LivePlayer"]


class LivePlayer(anywidget.AnyWidget):  # type: ignore[misc]  # anywidget ships no stubs for the base
    """16-bit PCM WAV decoded and scheduled back to back with Web Audio as `audio` grows."""

    _esm = Path(__file__).with_name("_player.js")
    audio = traitlets.Bytes(b"").tag(sync=True)
