"""The job `%camb` subcommands besides translate: tts, transcribe, dub and story.

Each handler carries its own `magic_arguments` parser (its docstring is the summary in `%camb help`); the
key and languages are checked before anything is submitted. Main thread only.
Usage: `run_line(magics, "tts hi --voice 20298")` (in `_registry`).
"""

from __future__ import annotations

import argparse
from typing import Any

from IPython.core.magic_arguments import argument, magic_arguments

from camb_notebook.api import UsageError
from camb_notebook.magics._context import MagicsContext
from camb_notebook.magics._launch import follow, job_session, launch
from camb_notebook.magics._parsing import OUT, WAIT
from camb_notebook.magics._translate import targets

__all__ = ["AUDIO_FORMATS", "SPEECH_MODELS", "dub", "story", "transcribe", "tts"]

# The output formats and speech models the tts-stream route documents.
AUDIO_FORMATS = [
    "wav",
    "mp3",
    "flac",
    "adts",
    *(f"pcm_{k}" for k in ("s16le", "s16be", "s32le", "s32be", "f32le", "f32be")),
]
SPEECH_MODELS = ["mars-pro", "mars-flash", "mars-instruct", "mars-8.1-pro-beta", "mars-8.1-flash-beta"]


@magic_arguments("camb tts")
@WAIT
@OUT
@argument("--stream", action="store_true", help="stream the audio (tts-stream) and report time to first byte")
@argument("--format", choices=AUDIO_FORMATS, help="audio format of the stream (default: the API's)")
@argument("--model", choices=SPEECH_MODELS, help="speech model of the stream (default: the API's)")
@argument("--lang", metavar="LANG", help="spoken language (default en-us)")
@argument("--voice", type=int, required=True, metavar="ID", help="voice id (see %%camb voices)")
@argument("text", nargs="+", help="the text to speak (quote it)")
def tts(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> Any:
    """Turn text into speech."""
    text, language = " ".join(args.text), args.lang or "en-us"
    if (args.format or args.model) and not args.stream:
        raise UsageError("--format and --model apply to streamed speech", hint="Add --stream")
    session = job_session(magics)
    if args.stream:
        speech = session.tts(
            text,
            voice=args.voice,
            language=language,
            stream=True,
            speech_model=args.model,
            output_format=args.format,
        )
        return follow(magics, speech, out, args.wait)
    return launch(magics, session.tts(text, voice=args.voice, language=language), out, args.wait)


@magic_arguments("camb transcribe")
@WAIT
@OUT
@argument("--lang", required=True, metavar="LANG", help="spoken language, or auto")
@argument("source", metavar="PATH_OR_URL", help="an audio/video file or a public URL")
def transcribe(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> Any:
    """Transcribe an audio or video file into timed segments."""
    job = job_session(magics).transcribe(args.source, language=args.lang)
    return launch(magics, job, out, args.wait)


@magic_arguments("camb dub")
@WAIT
@OUT
@argument("--to", dest="target", required=True, metavar="LANG[,LANG]", help="target language(s)")
@argument("--from", dest="source", required=True, metavar="LANG", help="source language")
@argument("url", metavar="URL", help="public video/audio URL")
def dub(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> Any:
    """Dub a video into other languages."""
    job = job_session(magics).dub(args.url, source=args.source, to=targets(magics, args.target))
    return launch(magics, job, out, args.wait)


@magic_arguments("camb story")
@WAIT
@OUT
@argument("--lang", required=True, metavar="LANG", help="language of the story")
@argument("path", metavar="PATH", help="a .txt or .docx file")
def story(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> Any:
    """Narrate a story file."""
    job = job_session(magics).story(args.path, language=args.lang)
    return launch(magics, job, out, args.wait)
