"""SubRip (.srt) and WebVTT (.vtt) text for cue frames, and reading both back.

Hand-written on purpose: the runtime stays free of extra dependencies, and the tests check every file we
write with two independent readers (`srt`, `webvtt-py`). A well-formed file reads and writes back byte for
byte: cue ids and cue settings of WebVTT are kept in `cue_id` / `settings` columns, `<v Name>` spans become
the `speaker` column and come back as spans.
Usage: `to_vtt(cues, "talk.es-es.vtt")`; `read("talk.srt")`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from camb_notebook.api import UsageError
from camb_notebook.subtitles._cues import cues

__all__ = ["read", "to_srt", "to_vtt"]

_SRT_TIME = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)\s*$")
_VTT_TIME = re.compile(r"^(\S+)\s+-->\s+(\S+)(?:[ \t]+(.*))?$")
_STAMP = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{3})$")
_VOICE = re.compile(r"^<v(?:\.[\w.-]+)?[ \t]+([^>]+)>(.*?)(?:</v>)?$", re.DOTALL)


def _stamp(seconds: float, separator: str) -> str:
    """`HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (WebVTT) for a time in seconds."""
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _seconds(stamp: str, where: str) -> float:
    """Seconds of an SRT/WebVTT timestamp (hours optional); a clear error names the cue."""
    found = _STAMP.match(stamp.strip())
    if not found:
        raise UsageError(f"bad timestamp {stamp!r} in {where}")
    hours, minutes, secs, millis = (int(g or 0) for g in found.groups())
    return (hours * 3600 + minutes * 60 + secs) + millis / 1000


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The cue rows in time order, checked (a frame without start/end/text is rejected)."""
    return [dict(r) for r in cues(frame, preset=None).to_dict("records")] if len(frame) else []


def _text_lines(text: str) -> str:
    """Cue text as written: no blank lines inside a cue (they would end it), no CR."""
    lines = [line for line in str(text).replace("\r", "").split("\n") if line.strip()]
    return "\n".join(lines)


def _emit(text: str, path: str | Path | None) -> str:
    """Write `text` to `path` (UTF-8, LF) when given; return it either way."""
    if path is not None:
        Path(path).expanduser().write_text(text, encoding="utf-8", newline="\n")
    return text


def to_srt(frame: pd.DataFrame, path: str | Path | None = None, *, speakers: bool = False) -> str:
    """SubRip text of the cues (numbered from 1); `speakers=True` starts cues with `Name: ` (no SRT tag)."""
    blocks = []
    for number, row in enumerate(_rows(frame), 1):
        text = _text_lines(row["text"])
        if speakers and _speaker(row):
            text = f"{_speaker(row)}: {text}"
        times = f"{_stamp(row['start'], ',')} --> {_stamp(row['end'], ',')}"
        blocks.append(f"{number}\n{times}\n{text}\n")
    return _emit("\n".join(blocks), path)


def _speaker(row: dict[str, Any]) -> str:
    """The cue's speaker, "" when none (pandas may hold a missing one as NaN)."""
    value = row.get("speaker")
    return value if isinstance(value, str) else ""


def _voice_name(name: str) -> str:
    """A speaker name safe inside `<v ...>` (no `>` or line breaks)."""
    return " ".join(name.replace(">", " ").replace("&", "&amp;").split())


def to_vtt(frame: pd.DataFrame, path: str | Path | None = None) -> str:
    """WebVTT text of the cues; a speaker becomes a `<v Name>` span, cue ids and settings are kept."""
    blocks = ["WEBVTT\n"]
    for row in _rows(frame):
        text = _text_lines(row["text"]).replace("-->", "->")
        if _speaker(row):
            text = f"<v {_voice_name(_speaker(row))}>{text}"
        times = f"{_stamp(row['start'], '.')} --> {_stamp(row['end'], '.')}"
        settings = row.get("settings")
        if isinstance(settings, str) and settings:
            times += f" {settings}"
        cue_id = row.get("cue_id")
        head = f"{cue_id}\n" if isinstance(cue_id, str) and cue_id else ""
        blocks.append(f"{head}{times}\n{text}\n")
    return _emit("\n".join(blocks), path)


def _blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks of lines (BOM and CRLF removed)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return [block.split("\n") for block in re.split(r"\n[ \t]*\n+", text.strip("\n")) if block.strip()]


def _read_srt(text: str, name: str) -> list[dict[str, Any]]:
    """Cue rows of SubRip text."""
    rows: list[dict[str, Any]] = []
    for block in _blocks(text):
        at = 1 if len(block) > 1 and block[0].strip().isdigit() else 0
        times = _SRT_TIME.match(block[at]) if at < len(block) else None
        if times is None:
            raise UsageError(f"{name}: expected a `start --> end` line, got {block[at][:60]!r}")
        where = f"{name} cue {len(rows) + 1}"
        rows.append(
            {
                "start": _seconds(times[1], where),
                "end": _seconds(times[2], where),
                "speaker": None,
                "text": "\n".join(block[at + 1 :]),
            }
        )
    return rows


def _read_vtt(text: str, name: str) -> list[dict[str, Any]]:
    """Cue rows of WebVTT text (NOTE, STYLE and REGION blocks are skipped)."""
    blocks = _blocks(text)
    if not blocks or not blocks[0][0].startswith("WEBVTT"):
        raise UsageError(f"{name}: a WebVTT file starts with WEBVTT")
    rows: list[dict[str, Any]] = []
    for block in blocks[1:]:
        if block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        at = 0 if "-->" in block[0] else 1
        times = _VTT_TIME.match(block[at].strip()) if at < len(block) else None
        if times is None:
            raise UsageError(f"{name}: expected a `start --> end` line, got {block[at][:60]!r}")
        where = f"{name} cue {len(rows) + 1}"
        body = "\n".join(block[at + 1 :])
        voice = _VOICE.match(body)
        speaker = voice[1].strip().replace("&amp;", "&") if voice else None
        rows.append(
            {
                "start": _seconds(times[1], where),
                "end": _seconds(times[2], where),
                "speaker": speaker,
                "text": voice[2] if voice else body,
                "cue_id": block[0] if at else "",
                "settings": times[3] or "",
            }
        )
    return rows


def read(path: str | Path, *, preset: Any = "netflix") -> pd.DataFrame:
    """A cue frame from an .srt or .vtt file (told apart by the `WEBVTT` header, not the name)."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise UsageError(f"file not found: {file}")
    text = file.read_text(encoding="utf-8-sig")
    is_vtt = text.lstrip().startswith("WEBVTT")
    rows = _read_vtt(text, file.name) if is_vtt else _read_srt(text, file.name)
    frame = pd.DataFrame(
        rows, columns=["start", "end", "speaker", "text", *(["cue_id", "settings"] if is_vtt else [])]
    )
    if is_vtt:
        for column in ("cue_id", "settings"):
            if not frame[column].astype(bool).any():
                frame = frame.drop(columns=column)
    return cues(frame, preset=preset)
