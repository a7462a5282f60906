"""The one table of `%camb` subcommands: each name with its handler, whose parser and summary ride on it.

`%camb help`, `--help`, parsing and dispatch all read `COMMANDS`; a new subcommand is one handler with a
`magic_arguments` parser and one row here. Usage: `run_line(magics, "jobs --df")`; `help_text("tts")`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from IPython.core.magic_arguments import argument, magic_arguments

from camb_notebook.api import UsageError
from camb_notebook.magics import _commands as commands
from camb_notebook.magics import _tasks as tasks
from camb_notebook.magics._catalog import catalog
from camb_notebook.magics._context import MagicsContext
from camb_notebook.magics._dataset import dataset
from camb_notebook.magics._dictionaries import dictionaries
from camb_notebook.magics._parsing import literal, literal_args, parse_args, split_out, tokenize, with_out
from camb_notebook.magics._subtitles import subtitles
from camb_notebook.magics._translate import DATA_FIELDS, camb_translate, translate

__all__ = ["COMMANDS", "Command", "Handler", "ParsedLine", "help_text", "parse_line", "run_line"]

# A subcommand: the magics, the parsed options and the `-o`/`NAME <<` variable name (or None).
Handler = Callable[[MagicsContext, argparse.Namespace, str | None], Any]


@dataclass(frozen=True)
class Command:
    """One `%camb` subcommand: its name, its handler, and the fields where `$var` stays a reference."""

    name: str
    handler: Handler  # decorated with `magic_arguments`, which hangs the parser on it
    data_fields: frozenset[str] = frozenset()

    @property
    def parser(self) -> argparse.ArgumentParser:
        """The argparse parser `magic_arguments` attached to the handler."""
        parser: argparse.ArgumentParser = getattr(self.handler, "parser")  # noqa: B009
        return parser

    @property
    def summary(self) -> str:
        """The one-line description in `%camb help` (the handler's docstring)."""
        return str(self.parser.description or "").strip()


@dataclass(frozen=True)
class ParsedLine:
    """A parsed `%camb` line: the subcommand, its argparse namespace and where to store the result."""

    name: str
    args: argparse.Namespace
    out: str | None


@magic_arguments("camb help")
@argument("topic", nargs="?", help="a subcommand to explain")
def _help(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> None:
    """Show the subcommands, or the options of one."""
    print(help_text(args.topic))


COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (
        Command("help", _help),
        Command("key", commands.key),
        Command("sandbox", commands.sandbox),
        Command("languages", commands.languages),
        Command("voices", commands.voices),
        Command("dictionaries", dictionaries),
        Command("translate", translate, DATA_FIELDS),
        Command("tts", tasks.tts),
        Command("transcribe", tasks.transcribe),
        Command("dub", tasks.dub),
        Command("story", tasks.story),
        Command("subtitles", subtitles),
        Command("dataset", dataset),
        Command("catalog", catalog),
        Command("jobs", commands.jobs),
        Command("wait", commands.wait),
        Command("result", commands.result),
        Command("cancel", commands.cancel),
        Command("resume", commands.resume),
        Command("panel", commands.panel),
        Command("config", commands.config),
    )
}


def parse_line(line: str) -> ParsedLine:
    """Parse a `%camb` line (no subcommand means `help`; `-h`/`--help` anywhere explains the subcommand)."""
    prefix_out, rest = split_out(line)
    tokens = tokenize(rest)
    name = literal(tokens[0]) if tokens else "help"
    command = COMMANDS.get(name)
    if command is None:
        raise UsageError(f"Unknown subcommand %camb {name}", hint=f"Use one of: {', '.join(COMMANDS)}")
    if any(t in ("-h", "--help") for t in tokens[1:]):
        return ParsedLine("help", argparse.Namespace(topic=name), None)
    args = literal_args(parse_args(command.parser, tokens[1:]), keep=command.data_fields)
    return ParsedLine(name, args, with_out(args, prefix_out, command.parser.prog))


def run_line(magics: MagicsContext, line: str) -> Any:
    """Parse a `%camb` line and run its subcommand."""
    parsed = parse_line(line)
    return COMMANDS[parsed.name].handler(magics, parsed.args, parsed.out)


def _plain_help(text: str) -> str:
    """argparse help as IPython's magic_arguments formats it, without its reST `::` literal-block opener."""
    return text.removeprefix("::").lstrip("\n").rstrip() + "\n"


def help_text(topic: str | None) -> str:
    """The `%camb help` text: one line per subcommand, or the full options of one."""
    if topic:
        if topic.lstrip("%") == "camb_translate":
            return _plain_help(camb_translate.parser.format_help())
        command = COMMANDS.get(topic)
        if command is None:
            raise UsageError(f"No help for {topic!r}", hint=f"Use one of: {', '.join(COMMANDS)}")
        return _plain_help(command.parser.format_help())
    width = max(map(len, COMMANDS))
    lines = ["%camb SUBCOMMAND [options]   (%camb help SUBCOMMAND for its options)", ""]
    lines += [f"  {name:<{width}}  {command.summary}" for name, command in COMMANDS.items()]
    lines += [
        "",
        "%%camb_translate --to LANG[,LANG] [-o NAME] [--wait]   translate the cell into a DataFrame",
    ]
    lines += ["Job subcommands return at once; -o NAME (or NAME << ...) stores the result when it arrives."]
    lines += ["--wait blocks until then (the result shows under the progress bar); interrupt to stop."]
    return "\n".join(lines)
