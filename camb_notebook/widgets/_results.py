"""Result views: what appears under a finished job's bar (a table head, an audio player, links + transcript).

Batch DataFrames, translated texts, speech audio, transcripts, dubbing and story results each get the view
that suits them (audio and links are read by shape, so translated-tts shows both). Tables go through
`Output.append_display_data` so JupyterLab styles them like any DataFrame. Main thread only (makes widgets).
Usage: `box.children = result_views(job.result(), request=job.request)`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as w
import pandas as pd

from camb_notebook.api import DubbingResult, StoryResult, TranscriptionResult
from camb_notebook.streams import audio_type, safe_url

__all__ = ["HEAD_ROWS", "result_frame", "result_views"]

HEAD_ROWS = 10  # rows shown under a bar; the row count says how many exist
# JupyterLab's link colour (a widget's HTML is not rendered markdown, so links would look like plain text)
_LINK_STYLE = "color:var(--jp-content-link-color,#1976d2);text-decoration:underline"


def _table(frame: pd.DataFrame) -> w.Output:
    """A DataFrame's first rows plus its row count, rendered like a normal cell output."""
    out = w.Output(layout=w.Layout(max_height="360px", overflow="auto"))
    out.append_display_data(frame.head(HEAD_ROWS))
    rows = len(frame)
    more = f" (showing {HEAD_ROWS})" if rows > HEAD_ROWS else ""
    out.append_stdout(f"{rows} row{'s' if rows != 1 else ''}{more}\n")
    return out


def result_frame(result: Any, request: Mapping[str, Any] | None = None) -> pd.DataFrame | None:
    """The tabular part of a result (None when it has none): batch frames or dicts, texts, transcripts."""
    from camb_notebook.frames import dubbing_frame, transcript_frame

    if isinstance(result, pd.DataFrame):
        return result
    if isinstance(result, DubbingResult):
        return dubbing_frame(result)
    if isinstance(result, TranscriptionResult):
        return transcript_frame(result)
    if isinstance(result, StoryResult):
        return transcript_frame(result.transcript) if result.transcript else None
    if isinstance(result, Mapping) and result and all(isinstance(v, list) for v in result.values()):
        return pd.DataFrame({str(target): rows for target, rows in result.items()})  # a batch: target → rows
    texts = getattr(result, "texts", None)
    if isinstance(texts, Sequence) and not isinstance(texts, str):
        sources = (request or {}).get("texts")
        frame = pd.DataFrame({"translation": list(texts)})
        if isinstance(sources, Sequence) and len(sources) == len(texts) and not isinstance(sources, str):
            frame.insert(0, "text", list(sources))
        qa = getattr(result, "qa", None)  # a CheckedTranslation: QA per text, shown beside it
        if isinstance(qa, tuple) and len(qa) == len(texts):
            frame["qa_status"] = [None if r is None else r.status for r in qa]
            frame["qa_issues"] = [None if r is None else r.issues for r in qa]
        return frame
    return None


def _link(label: str, url: str) -> str:
    """One link, escaped; a URL that is not http(s) (`javascript:`, `data:`…) is named, not linked."""
    safe = safe_url(url)
    if safe is None:
        return f"<span title='not an http(s) link'>{html.escape(label)} (link withheld)</span>"
    return (
        f'<a href="{html.escape(safe)}" target="_blank" rel="noopener noreferrer"'
        f' style="{_LINK_STYLE}">{html.escape(label)}</a>'
    )


def _links(result: Any) -> w.HTML | None:
    """Download links for dubbing and story outputs (per language when a dub has several targets)."""
    pairs: list[tuple[str, str]] = []
    for name in ("video_url", "audio_url", "dialogue_url"):
        url = getattr(result, name, None)
        if url:
            pairs.append((name.removesuffix("_url"), url))
    by_language = getattr(result, "by_language", None) or {}
    for lang, sub in by_language.items():
        for name in ("video_url", "audio_url"):
            url = getattr(sub, name, None) if not isinstance(sub, Mapping) else sub.get(name)
            if url:
                pairs.append((f"{lang} {name.removesuffix('_url')}", url))
    if not pairs:
        return None
    items = " · ".join(_link(label, url) for label, url in pairs)
    return w.HTML(value=f"<span class='camb-links'>{items}</span>")


def _audio(result: Any) -> w.Widget | None:
    """An audio player for speech results (allow-listed or sniffed type; else a line saying what came)."""
    audio = getattr(result, "audio", None)
    if not isinstance(audio, bytes | bytearray) or not audio:
        return None
    kind = audio_type(getattr(result, "content_type", None), bytes(audio[:4]))
    if kind is None or kind == "audio/pcm":
        return w.Label(f"{len(audio):,} bytes of audio in a format no browser player takes")
    return w.Audio(value=bytes(audio), format=kind.split("/", 1)[1], autoplay=False, controls=True)


def result_views(result: Any, request: Mapping[str, Any] | None = None) -> list[w.Widget]:
    """The widgets that show a finished job's result, most useful first."""
    views: list[w.Widget] = []
    audio = _audio(result)
    if audio is not None:
        views.append(audio)
    links = _links(result)
    if links is not None:
        views.append(links)
    frame = result_frame(result, request)
    if frame is not None:
        views.append(_table(frame))
    if not views:
        out = w.Output()
        out.append_stdout(f"{result!r}\n")
        views.append(out)
    return views
