"""A grid of audio players for the first rows of a speech frame (`df.camb.players()`).

Each player embeds its file as a data URI, so the grid survives saving and exporting the notebook; files
over `max_bytes` are listed without a player. Labels and texts are escaped (they come from user data).
Usage: `out = batch.result(); out.camb.players(8)`.
"""

from __future__ import annotations

import base64
import html
import mimetypes
from collections.abc import Hashable
from pathlib import Path

import pandas as pd

from camb_notebook.api import UsageError

__all__ = ["AudioGrid", "audio_grid"]

_MAX_BYTES = 2_000_000


class AudioGrid:
    """HTML players for some rows: `(label, caption, path or None, note)` per cell."""

    def __init__(self, cells: list[tuple[str, str, str | None, str]], total: int) -> None:
        """Keep the cells; `total` is the number of rows the frame has (the grid shows the first ones)."""
        self.cells = cells
        self.total = total

    def __repr__(self) -> str:
        """`<AudioGrid 8 of 200 rows>`."""
        return f"<AudioGrid {len(self.cells)} of {self.total} rows>"

    def _repr_html_(self) -> str:
        """The players in a responsive grid (a data URI per file)."""
        parts = []
        for label, caption, path, note in self.cells:
            player = _player(path) if path is not None else ""
            parts.append(
                "<div style='border:1px solid var(--jp-border-color2,#ddd);padding:6px;border-radius:4px'>"
                f"<div><b>{html.escape(label)}</b> <span style='opacity:.7'>{html.escape(note)}</span></div>"
                f"<div style='font-size:90%;margin:4px 0'>{html.escape(caption)}</div>{player}</div>"
            )
        more = self.total - len(self.cells)
        tail = f"<div style='opacity:.7'>… and {more} more row(s)</div>" if more > 0 else ""
        grid = "display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:8px"
        return f"<div class='camb-audio-grid' style='{grid}'>{''.join(parts)}</div>{tail}"


def _player(path: str) -> str:
    """An `<audio>` element embedding the file (or why it is not embedded)."""
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError:
        return "<i>file missing</i>"
    if size > _MAX_BYTES:
        return f"<i>{size:,} bytes: open {html.escape(path)}</i>"
    mime = mimetypes.guess_type(file.name)[0] or "audio/wav"
    data = base64.b64encode(file.read_bytes()).decode("ascii")
    return f"<audio controls preload='none' style='width:100%' src='data:{mime};base64,{data}'></audio>"


def audio_grid(
    frame: pd.DataFrame, n: int = 12, *, text: Hashable | None = None, path: Hashable = "audio_path"
) -> AudioGrid:
    """Players for the first `n` rows of a `df.camb.tts` result (captioned by `text`, else column one)."""
    if path not in frame.columns:
        raise UsageError(f"no column {path!r}: players() needs the frame a df.camb.tts batch returned")
    if n < 1:
        raise UsageError(f"n must be at least 1, not {n}")
    caption = text if text is not None else frame.columns[0]
    cells = []
    for label, row in frame.head(n).iterrows():
        file = row[path]
        duration = row.get("duration_s")
        note = f"{duration:.1f} s" if isinstance(duration, float) and duration == duration else ""
        if not isinstance(file, str):
            note = str(row.get("camb_status", "no audio"))
        cells.append((str(label), str(row[caption]), file if isinstance(file, str) else None, note))
    return AudioGrid(cells, len(frame))
