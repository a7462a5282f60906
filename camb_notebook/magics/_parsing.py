"""Argument parsing for `%camb` and `%%camb_translate`: tokens, `NAME <<`, `$var`, one-line parse errors.

Pure functions over strings and the user namespace; nothing here talks to the API or creates jobs, so a bad
line fails before any work starts. Each subcommand's own `magic_arguments` parser sits on its handler; this
module runs such a parser and turns argparse's complaints into `camb_notebook.api.UsageError` (one line, cell
marked failed). Usage: `parse_args(parser, tokenize('hi --to fr'))`.
"""

from __future__ import annotations

import argparse
import keyword
import re
from collections.abc import Mapping
from typing import Any

from IPython.core.error import UsageError as IPythonUsageError
from IPython.core.magic_arguments import argument

from camb_notebook.api import UsageError

__all__ = [
    "OUT",
    "VAR",
    "WAIT",
    "check_name",
    "literal",
    "literal_args",
    "parse_args",
    "split_out",
    "split_texts",
    "tokenize",
    "var_value",
    "with_out",
]

# An unquoted `$name` token becomes VAR + name, so only the parser fields that take data can resolve it.
VAR = "\x00$"
_VAR_TOKEN = re.compile(r"\$([A-Za-z_]\w*)")
_OUT_PREFIX = re.compile(r"\s*([A-Za-z_]\w*)\s*<<(.*)", re.DOTALL)
_ESCAPABLE = " \t\n'\"\\$"

# The two options shared by many subcommand parsers.
OUT = argument("-o", "--out", metavar="NAME", help="store the result in this variable when it arrives")
WAIT = argument("--wait", action="store_true", help="block until done (interrupt to stop waiting)")


def tokenize(line: str) -> list[str]:
    """Split like a shell (quotes, backslash escapes, `# comment` to the end); mark unquoted `$name` tokens
    as variable references."""
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
        if c == "#" and not started:  # a word starting with `#` begins a comment, as in a shell
            break
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


def literal_args(args: argparse.Namespace, keep: frozenset[str] = frozenset()) -> argparse.Namespace:
    """Turn `$name` references back into text in every field but the data fields named in `keep`."""
    for key, value in vars(args).items():
        if key in keep:
            continue
        if isinstance(value, str):
            setattr(args, key, literal(value))
        elif isinstance(value, list):
            setattr(args, key, [literal(v) for v in value])
    return args


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


def parse_args(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Run one `magic_arguments` parser, turning argparse's complaint into a one-line UsageError."""
    prog = parser.prog
    try:
        args: argparse.Namespace = parser.parse_args(argv)
    except IPythonUsageError as exc:
        raise UsageError(
            f"%{prog}: {exc}", hint=f"See %camb help {prog.removeprefix('camb').strip()}"
        ) from None
    return args


def with_out(args: argparse.Namespace, prefix_out: str | None, prog: str) -> str | None:
    """Merge `NAME <<` with `-o NAME` (they must agree) and validate the name."""
    flag_out: str | None = getattr(args, "out", None)
    if prefix_out and not hasattr(args, "out"):
        raise UsageError(f"%{prog} has no result to store", hint=f"Drop the '{prefix_out} <<' prefix")
    if prefix_out and flag_out and prefix_out != flag_out:
        raise UsageError(f"Two result names: {prefix_out} << and -o {flag_out}", hint="Give only one")
    out = prefix_out or flag_out
    return check_name(out) if out else None


def split_texts(body: str, mode: str) -> list[str]:
    """Split a cell into texts: each non-empty line, each blank-line-separated paragraph, or all of it."""
    if mode == "none":
        return [body.strip()] if body.strip() else []
    if mode == "paragraphs":
        paragraphs = re.split(r"\n\s*\n", body.strip())
        return [p.strip() for p in paragraphs if p.strip()]
    return [stripped for stripped in (raw.strip() for raw in body.splitlines()) if stripped]
