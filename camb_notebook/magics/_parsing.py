"""Argument parsing for `%camb` and `%%camb_translate`: tokens, `NAME <<`, `$var`, one parser per subcommand.

Pure functions over strings and the user namespace; nothing here talks to the API or creates jobs, so a bad
line fails before any work starts. Every parser is an IPython `magic_arguments` parser whose errors become
`camb_notebook.api.UsageError` (one line, cell marked failed). Usage: `parse_line("translate hi --to fr")`.
"""

from __future__ import annotations

import argparse
import keyword
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from IPython.core.error import UsageError as IPythonUsageError
from IPython.core.magic_arguments import argument, magic_arguments

from camb_notebook.api import UsageError

__all__ = [
    "AUDIO_FORMATS",
    "SPEECH_MODELS",
    "SUBCOMMANDS",
    "VAR",
    "Command",
    "help_text",
    "literal",
    "parse_cell_line",
    "parse_line",
    "split_texts",
    "tokenize",
    "var_value",
]

# An unquoted `$name` token becomes VAR + name, so only the parser fields that take data can resolve it.
VAR = "\x00$"
_VAR_TOKEN = re.compile(r"\$([A-Za-z_]\w*)")
_OUT_PREFIX = re.compile(r"\s*([A-Za-z_]\w*)\s*<<(.*)", re.DOTALL)
_ESCAPABLE = " \t\n'\"\\$"
# (subcommand, field) pairs where `$var` may name a list, Series or DataFrame; elsewhere `$x` is plain text.
_DATA_FIELDS = {("translate", "text")}

# tts-stream's documented output formats and speech models (camb-api.md §3).
AUDIO_FORMATS = [
    "wav",
    "mp3",
    "flac",
    "adts",
    *(f"pcm_{k}" for k in ("s16le", "s16be", "s32le", "s32be", "f32le", "f32be")),
]
SPEECH_MODELS = ["mars-pro", "mars-flash", "mars-instruct", "mars-8.1-pro-beta", "mars-8.1-flash-beta"]

_out = argument("-o", "--out", metavar="NAME", help="store the result in this variable when it arrives")
_wait = argument("--wait", action="store_true", help="block until done (interrupt to stop waiting)")


def tokenize(line: str) -> list[str]:
    """Split like a shell (quotes, backslash escapes); mark unquoted `$name` tokens as variable references."""
    tokens: list[str] = []
    buf: list[str] = []
    started = quoted = False
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c.isspace():
            if started:
                tokens.append(_finish("".join(buf), quoted))
            buf, started, quoted = [], False, False
            i += 1
            continue
        started = True
        if c in "'\"":
            end = line.find(c, i + 1)
            while c == '"' and end > 0 and line[end - 1] == "\\":
                end = line.find(c, end + 1)
            if end < 0:
                raise UsageError(f"Unterminated {c} quote", hint="Close the quote around the text")
            part = line[i + 1 : end]
            buf.append(part.replace('\\"', '"') if c == '"' else part)
            quoted, i = True, end + 1
        elif c == "\\" and i + 1 < n and line[i + 1] in _ESCAPABLE:
            buf.append(line[i + 1])
            quoted, i = True, i + 2
        else:
            buf.append(c)
            i += 1
    if started:
        tokens.append(_finish("".join(buf), quoted))
    return tokens


def _finish(token: str, quoted: bool) -> str:
    """Encode an unquoted `$name` token as a variable reference; leave everything else as typed."""
    match = None if quoted else _VAR_TOKEN.fullmatch(token)
    return VAR + match.group(1) if match else token


def literal(value: str) -> str:
    """Turn a variable-reference token back into the `$name` the user typed (for text-only fields)."""
    return "$" + value[len(VAR) :] if value.startswith(VAR) else value


def var_value(token: str, user_ns: Mapping[str, Any]) -> Any:
    """Resolve a `$name` token against the notebook namespace (raises UsageError if it is not defined)."""
    name = token[len(VAR) :]
    if name not in user_ns:
        raise UsageError(f"${name} is not defined in the notebook", hint=f"Assign {name} = [...] first")
    return user_ns[name]


def split_out(line: str) -> tuple[str | None, str]:
    """Split an optional JupySQL-style `NAME << ` prefix off a magic line."""
    match = _OUT_PREFIX.fullmatch(line)
    if match is None:
        return None, line
    return match.group(1), match.group(2)


def check_name(name: str) -> str:
    """Validate a variable name given to `-o/--out` or `NAME <<`."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(f"{name!r} is not a valid variable name", hint="Use a Python identifier like df")
    return name


@dataclass(frozen=True)
class Command:
    """A parsed `%camb` line: the subcommand, its argparse namespace and where to store the result."""

    name: str
    args: argparse.Namespace
    out: str | None


# ---- one magic_arguments parser per subcommand (the docstring is the one-line summary in `%camb help`) ----


@magic_arguments("camb help")
@argument("topic", nargs="?", help="a subcommand to explain")
def _help() -> None:
    """Show the subcommands, or the options of one."""


@magic_arguments("camb key")
@argument("--prompt", action="store_true", help="type the key in (hidden) and use it for this kernel")
def _key() -> None:
    """Show where the API key comes from (masked), or prompt for it."""


@magic_arguments("camb sandbox")
@argument("action", nargs="?", default="status", choices=["start", "stop", "status"])
def _sandbox() -> None:
    """Start, stop or show the local sandbox API and point the session at it."""


@magic_arguments("camb languages")
@_out
@argument("query", nargs="*", help="filter by id, locale or name")
def _languages() -> None:
    """List the supported languages as a DataFrame."""


@magic_arguments("camb voices")
@_out
@argument("query", nargs="*", help="filter by name")
def _voices() -> None:
    """List the available voices as a DataFrame."""


@magic_arguments("camb translate")
@_wait
@_out
@argument("--stream", action="store_true", help="show the text growing in place (one text, one target)")
@argument("--column", help="the text column when $var is a DataFrame")
@argument("--gender", choices=["male", "female", "neutral", "unknown"])
@argument("--formality", choices=["formal", "informal"])
@argument("--from", dest="source", metavar="LANG", help="source language, or auto")
@argument("--to", dest="target", metavar="LANG[,LANG]", help="target language(s), comma separated")
@argument("text", nargs="+", help="the text (quote it), or $var holding a list, Series or DataFrame")
def _translate() -> None:
    """Translate a text, or a list/Series/DataFrame from `$var`, into one or more languages."""


@magic_arguments("camb tts")
@_wait
@_out
@argument("--stream", action="store_true", help="stream the audio (tts-stream) and report time to first byte")
@argument("--format", choices=AUDIO_FORMATS, help="audio format of the stream (default: the API's)")
@argument("--model", choices=SPEECH_MODELS, help="speech model of the stream (default: the API's)")
@argument("--lang", metavar="LANG", help="spoken language (default en-us)")
@argument("--voice", type=int, required=True, metavar="ID", help="voice id (see %%camb voices)")
@argument("text", nargs="+", help="the text to speak (quote it)")
def _tts() -> None:
    """Turn text into speech."""


@magic_arguments("camb transcribe")
@_wait
@_out
@argument("--lang", required=True, metavar="LANG", help="spoken language, or auto")
@argument("source", metavar="PATH_OR_URL", help="an audio/video file or a public URL")
def _transcribe() -> None:
    """Transcribe an audio or video file into timed segments."""


@magic_arguments("camb dub")
@_wait
@_out
@argument("--to", dest="target", required=True, metavar="LANG[,LANG]", help="target language(s)")
@argument("--from", dest="source", required=True, metavar="LANG", help="source language")
@argument("url", metavar="URL", help="public video/audio URL")
def _dub() -> None:
    """Dub a video into other languages."""


@magic_arguments("camb story")
@_wait
@_out
@argument("--lang", required=True, metavar="LANG", help="language of the story")
@argument("path", metavar="PATH", help="a .txt or .docx file")
def _story() -> None:
    """Narrate a story file."""


@magic_arguments("camb jobs")
@_out
@argument("--df", action="store_true", help="a DataFrame instead of the live board")
def _jobs() -> None:
    """Show this kernel's jobs (live board, or a DataFrame)."""


@magic_arguments("camb wait")
@argument("--timeout", type=float, metavar="SECONDS", help="stop waiting after this long")
@argument("job", nargs="?", default="all", metavar="JOB|all")
def _wait_cmd() -> None:
    """Block until a job (or all jobs) finish; interrupt to stop waiting."""


@magic_arguments("camb result")
@_out
@argument("job", metavar="JOB")
def _result() -> None:
    """Show the result of a finished job (raises its error if it failed)."""


@magic_arguments("camb cancel")
@argument("job", metavar="JOB|all")
def _cancel() -> None:
    """Stop waiting for a job (or all jobs)."""


@magic_arguments("camb resume")
def _resume() -> None:
    """Pick up jobs a previous kernel left running (from the journal)."""


@magic_arguments("camb panel")
def _panel() -> None:
    """Show the jobs panel (key, endpoint, jobs)."""


@magic_arguments("camb config")
def _config() -> None:
    """Show the settings in effect (`%config CambMagics.<name> = value` changes them)."""


SUBCOMMANDS: dict[str, Callable[[], None]] = {
    "help": _help,
    "key": _key,
    "sandbox": _sandbox,
    "languages": _languages,
    "voices": _voices,
    "translate": _translate,
    "tts": _tts,
    "transcribe": _transcribe,
    "dub": _dub,
    "story": _story,
    "jobs": _jobs,
    "wait": _wait_cmd,
    "result": _result,
    "cancel": _cancel,
    "resume": _resume,
    "panel": _panel,
    "config": _config,
}


@magic_arguments("camb_translate")
@_wait
@_out
@argument("--column", help="the text column when the cell is $var holding a DataFrame")
@argument(
    "--split", choices=["lines", "paragraphs", "none"], default="lines", help="how the cell becomes texts"
)
@argument("--gender", choices=["male", "female", "neutral", "unknown"])
@argument("--formality", choices=["formal", "informal"])
@argument("--from", dest="source", metavar="LANG", help="source language, or auto")
@argument("--to", dest="target", metavar="LANG[,LANG]", help="target language(s), comma separated")
def _camb_translate() -> None:
    """Translate the cell (one text per line by default) into a DataFrame."""


def _parser(func: Callable[[], None]) -> Any:
    """The argparse parser that `magic_arguments` attached to a subcommand stub."""
    return func.parser  # type: ignore[attr-defined]


def _parse(func: Callable[[], None], argv: list[str]) -> argparse.Namespace:
    """Run one subcommand parser, turning argparse's complaint into a one-line UsageError."""
    parser = _parser(func)
    prog = parser.prog
    try:
        args: argparse.Namespace = parser.parse_args(argv)
    except IPythonUsageError as exc:
        raise UsageError(
            f"%{prog}: {exc}", hint=f"See %camb help {prog.removeprefix('camb').strip()}"
        ) from None
    return args


def _with_out(args: argparse.Namespace, prefix_out: str | None, prog: str) -> str | None:
    """Merge `NAME <<` with `-o NAME` (they must agree) and validate the name."""
    flag_out: str | None = getattr(args, "out", None)
    if prefix_out and not hasattr(args, "out"):
        raise UsageError(f"%{prog} has no result to store", hint=f"Drop the '{prefix_out} <<' prefix")
    if prefix_out and flag_out and prefix_out != flag_out:
        raise UsageError(f"Two result names: {prefix_out} << and -o {flag_out}", hint="Give only one")
    out = prefix_out or flag_out
    return check_name(out) if out else None


def parse_line(line: str) -> Command:
    """Parse a `%camb` line into a Command (no subcommand means `help`)."""
    prefix_out, rest = split_out(line)
    tokens = tokenize(rest)
    name = literal(tokens[0]) if tokens else "help"
    func = SUBCOMMANDS.get(name)
    if func is None:
        raise UsageError(f"Unknown subcommand %camb {name}", hint=f"Use one of: {', '.join(SUBCOMMANDS)}")
    if any(t in ("-h", "--help") for t in tokens[1:]):
        return Command("help", argparse.Namespace(topic=name), None)
    args = _parse(func, tokens[1:])
    for key, value in vars(args).items():
        if (name, key) in _DATA_FIELDS:
            continue
        if isinstance(value, str):
            setattr(args, key, literal(value))
        elif isinstance(value, list):
            setattr(args, key, [literal(v) for v in value])
    return Command(name, args, _with_out(args, prefix_out, _parser(func).prog))


def parse_cell_line(line: str) -> tuple[argparse.Namespace, str | None]:
    """Parse the options line of `%%camb_translate` (variables are not expanded there)."""
    prefix_out, rest = split_out(line)
    args = _parse(_camb_translate, [literal(t) for t in tokenize(rest)])
    return args, _with_out(args, prefix_out, "camb_translate")


def split_texts(body: str, mode: str) -> list[str]:
    """Split a cell into texts: each non-empty line, each blank-line-separated paragraph, or all of it."""
    if mode == "none":
        return [body.strip()] if body.strip() else []
    if mode == "paragraphs":
        paragraphs = re.split(r"\n\s*\n", body.strip())
        return [p.strip() for p in paragraphs if p.strip()]
    return [stripped for stripped in (raw.strip() for raw in body.splitlines()) if stripped]


def _summary(func: Callable[[], None]) -> str:
    """The one-line description a subcommand parser was built from."""
    return str(_parser(func).description or "").strip()


def help_text(topic: str | None) -> str:
    """The `%camb help` text: one line per subcommand, or the full options of one."""
    if topic:
        func = SUBCOMMANDS.get(topic) or (_camb_translate if topic.lstrip("%") == "camb_translate" else None)
        if func is None:
            raise UsageError(f"No help for {topic!r}", hint=f"Use one of: {', '.join(SUBCOMMANDS)}")
        return str(_parser(func).format_help())
    width = max(map(len, SUBCOMMANDS))
    lines = ["%camb SUBCOMMAND [options]   (%camb help SUBCOMMAND for its options)", ""]
    lines += [f"  {name:<{width}}  {_summary(func)}" for name, func in SUBCOMMANDS.items()]
    lines += [
        "",
        "%%camb_translate --to LANG[,LANG] [-o NAME] [--wait]   translate the cell into a DataFrame",
    ]
    lines += ["Job subcommands return at once; -o NAME (or NAME << ...) stores the result when it arrives."]
    lines += ["--wait blocks until then (the result shows under the progress bar); interrupt to stop."]
    return "\n".join(lines)
