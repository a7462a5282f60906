"""`%camb subtitles FILE_OR_URL --to es-es,fr-fr [-o subs]`: subtitle files next to the media, and a preview.

A local file is transcribed (upload), then its cues are translated keeping their timing (sentence batches on
the engine); a URL goes through the server's `sub` route. Each language is written as `<stem>.<lang>.srt`
and `.vtt` beside the media (URLs: in the working folder), and a player shows the media with every track
attached (`<video>`, or `<audio>` for sound files). Everything from the server is escaped: the tracks ride
as base64 data URLs, the media source is a relative path or an http(s) URL, attributes are HTML-escaped.
Main thread only. Usage: `run_line(magics, "subtitles talk.mp4 --to es-es --wait")`.
"""

from __future__ import annotations

import argparse
import base64
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlparse

from IPython.core.magic_arguments import argument, magic_arguments

from camb_notebook.api import UsageError
from camb_notebook.magics._context import MagicsContext
from camb_notebook.magics._launch import block, job_session, show
from camb_notebook.magics._parsing import OUT, WAIT
from camb_notebook.magics._translate import targets

if TYPE_CHECKING:
    import pandas as pd

    from camb_notebook.jobs import Job
    from camb_notebook.sessions import Camb

__all__ = ["preview_html", "subtitles", "write_tracks"]

_AUDIO = (".wav", ".mp3", ".flac", ".aac", ".m4a", ".ogg", ".oga", ".opus")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
Tracks = dict[str, "pd.DataFrame"]


def write_tracks(tracks: Tracks, media: str, folder: Path | None = None) -> list[Path]:
    """Write each language as `<stem>.<lang>.srt` and `.vtt` beside `media` (or in `folder`); the paths."""
    from camb_notebook.subtitles import to_srt, to_vtt

    is_url = urlparse(media).scheme in ("http", "https")
    stem = Path(urlparse(media).path if is_url else media).stem or "subtitles"
    here = folder or (Path.cwd() if is_url else Path(media).expanduser().parent)
    written = []
    for language, frame in tracks.items():
        base = here / f"{_UNSAFE.sub('_', stem)}.{_UNSAFE.sub('_', language)}"
        for suffix, write in ((".srt", to_srt), (".vtt", to_vtt)):
            path = base.with_name(base.name + suffix)
            write(frame, path)
            written.append(path)
    return written


def _media_src(media: str) -> str:
    """The player's source: an http(s) URL as given, a local file as a path relative to the working folder."""
    parsed = urlparse(media)
    if parsed.scheme in ("http", "https"):
        return media
    path = Path(media).expanduser().resolve()
    try:
        return quote(path.relative_to(Path.cwd().resolve()).as_posix())
    except ValueError:
        return quote(path.as_posix())


def preview_html(media: str, tracks: Tracks, *, default: str | None = None) -> str:
    """An HTML5 player for `media` with one WebVTT track per language (the `default` one showing)."""
    from camb_notebook.subtitles import to_vtt

    tag = "audio" if Path(urlparse(media).path).suffix.lower() in _AUDIO else "video"
    chosen = default if default in tracks else next(iter(tracks), None)
    rows = []
    for language, frame in tracks.items():
        data = base64.b64encode(to_vtt(frame).encode("utf-8")).decode("ascii")
        attrs = {
            "kind": "subtitles",
            "label": language,
            "srclang": language.split("-")[0],
            "src": f"data:text/vtt;base64,{data}",
        }
        text = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
        rows.append(f"  <track {text}{' default' if language == chosen else ''}>")
    src = html.escape(_media_src(media), quote=True)
    size = ' width="640"' if tag == "video" else ""
    listing = ", ".join(html.escape(lang) for lang in tracks)
    return (
        f'<div class="camb-subtitles"><{tag} controls preload="metadata"{size} src="{src}">\n'
        + "\n".join(rows)
        + f"\n</{tag}><div>Subtitles: {listing}</div></div>"
    )


def _first_stage(session: Camb, media: str, source: str, langs: list[str]) -> Job:
    """The server job: `sub` for a URL, a transcription for a local file."""
    if urlparse(media).scheme in ("http", "https"):
        return session.subtitles(media, to=langs, source=source)
    if not Path(media).expanduser().is_file():
        raise UsageError(f"file not found: {media}")
    return session.transcribe(Path(media).expanduser(), language=source)


def _tracks(session: Camb, job: Job, langs: list[str], source: str, preset: str, wait: bool) -> Any:
    """The cue frames (a dict) from a finished first stage, or the BatchJob that will make them."""
    from camb_notebook.api import SubtitleResult
    from camb_notebook.jobs import Estimate
    from camb_notebook.subtitles import conform, cues

    result = job.result()
    if isinstance(result, SubtitleResult):
        return session.subtitle_tracks(result, preset=preset)
    original = conform(cues(result, preset=preset), preset)
    batch = session.translate_subtitles(original, to=langs, source=source, preset=preset)
    assert not isinstance(batch, Estimate)  # no dry_run here
    if wait:
        return {source: original, **block(batch.result)}
    return original, batch


@magic_arguments("camb subtitles")
@WAIT
@OUT
@argument("--preset", default="netflix", metavar="NAME", help="layout preset: netflix (default) or bbc")
@argument("--from", dest="source", metavar="LANG", help="spoken language (default en-us)")
@argument("--to", dest="target", metavar="LANG[,LANG]", help="subtitle language(s)")
@argument("media", metavar="PATH_OR_URL", help="a video/audio file, or a public URL")
def subtitles(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> Any:
    """Subtitle a video or audio file: .srt/.vtt files per language and a player with the tracks."""
    from IPython.display import HTML, display

    from camb_notebook.subtitles import preset as check_preset

    check_preset(args.preset)
    langs = targets(magics, args.target)
    source = args.source or "en-us"
    session = job_session(magics)
    job = _first_stage(session, args.media, source, langs)

    def finish(tracks: Tracks, shown: Callable[[str], None]) -> None:
        paths = write_tracks(tracks, args.media)
        if out:
            magics.shell.push({out: tracks})
        shown(preview_html(args.media, tracks, default=langs[0]) + _listing(paths))

    if args.wait:
        show(magics, job)
        block(job.result)
        tracks = _tracks(session, job, langs, source, args.preset, wait=True)
        finish(tracks, lambda markup: display(HTML(markup)))
        return None
    import ipywidgets

    view = ipywidgets.HTML("<i>Subtitles: waiting for the server…</i>")
    display(view)
    show(magics, job)

    def shown(markup: str) -> None:
        view.value = markup

    def first_done(done: Job) -> None:
        if done.error is not None:
            view.value = f"<b>Subtitles failed:</b> {html.escape(str(done.error))}"
            return
        made = _tracks(session, done, langs, source, args.preset, wait=False)
        if isinstance(made, dict):
            finish(made, shown)
            return
        original, batch = made
        view.value = "<i>Subtitles: translating…</i>"
        batch.add_done_callback(
            lambda b: (
                finish({source: original, **b.result()}, shown)
                if b.error is None
                else shown(f"<b>Subtitles failed:</b> {html.escape(str(b.error))}")
            )
        )

    job.add_done_callback(first_done)
    return None


def _listing(paths: list[Path]) -> str:
    """The written files, escaped."""
    names = ", ".join(html.escape(p.name) for p in paths)
    return f"<div>Wrote {names}</div>"
