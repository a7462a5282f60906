"""`%camb translate` and `%%camb_translate`: one text, or many texts from `$var` or a cell, into languages.

Languages, `$var` types and the key are checked before anything is submitted, so bad input never leaves a job
behind; several texts or targets become one batch whose result is the long frame (`text`, `target`,
`translation`, `status`, `error`). Main thread only. Usage: `run_cell(magics, "--to fr-fr", "Hello")`.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from IPython.core.magic_arguments import argument, magic_arguments

from camb_notebook.api import FORMALITY_CHOICES, GENDER_CHOICES, UsageError, resolve_language
from camb_notebook.jobs import BatchJob, translation_batch
from camb_notebook.magics._context import MagicsContext
from camb_notebook.magics._cost import COST, cost_options, show_estimate
from camb_notebook.magics._launch import follow, job_session, launch, session_for
from camb_notebook.magics._parsing import (
    OUT,
    VAR,
    WAIT,
    literal,
    parse_args,
    split_out,
    split_texts,
    tokenize,
    var_value,
    with_out,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DATA_FIELDS", "camb_translate", "parse_cell_line", "run_cell", "targets", "translate"]

# Fields of `%camb translate` where `$var` may name a list, Series or DataFrame; elsewhere `$x` is plain text.
DATA_FIELDS = frozenset({"text"})
# `--gender` names: the pickers' choices plus `unknown` (the API's "not given").
_GENDERS = [*GENDER_CHOICES, "unknown"]
# A `%%camb_translate` body that is only `$name` (a list, Series or DataFrame variable).
_BODY_VAR = re.compile(r"\s*\$([A-Za-z_]\w*)\s*")
# Columns of the frame `%%camb_translate` returns, renamed from the long batch layout.
_CELL_COLUMNS = {
    "camb_target": "target",
    "camb_translation": "translation",
    "camb_status": "status",
    "camb_error": "error",
}


def targets(magics: MagicsContext, value: str | None) -> list[str]:
    """Resolve `--to a,b` (or `CambMagics.default_target`) to locale tags; fails before any job exists."""
    raw = value or magics.default_target
    if not raw:
        raise UsageError(
            "No target language", hint="Pass --to fr-fr (or set %config CambMagics.default_target)"
        )
    return [resolve_language(part.strip()).locale for part in raw.split(",") if part.strip()]


def _source(magics: MagicsContext, value: str | None) -> str:
    """Resolve `--from` (or `CambMagics.default_source`), allowing `auto`."""
    return resolve_language(value or magics.default_source, allow_auto=True).locale


def _texts_from(value: Any, column: str | None, label: str) -> pd.DataFrame:
    """A one-column frame `text` from a list/tuple/Series/DataFrame given as `$var` (else UsageError)."""
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        if column is None or column not in value.columns:
            raise UsageError(
                f"{label} is a DataFrame",
                hint=f"Name the text column with --column (one of {list(value.columns)})",
            )
        return pd.DataFrame({"text": value[column]})
    if isinstance(value, (pd.Series, list, tuple)):
        return pd.DataFrame({"text": list(value)})
    raise UsageError(f"{label} is a {type(value).__name__}", hint="Use a list, Series or DataFrame of texts")


def _translate_texts(
    magics: MagicsContext, frame: pd.DataFrame, args: argparse.Namespace, out: str | None
) -> Any:
    """Translate a frame of texts into every target as one batch; the result is the long frame."""
    from camb_notebook.frames import assemble_long

    if frame.empty:
        raise UsageError("No texts to translate", hint="Give at least one non-empty text")
    to, source = targets(magics, args.target), _source(magics, args.source)
    cost = cost_options(magics, args)
    batch = translation_batch(
        (session_for(magics) if cost["dry_run"] else job_session(magics)).manager,  # a dry run needs no key
        frame["text"].tolist(),
        to=to,
        source=source,
        formality=args.formality,
        gender=args.gender,
        finalize=lambda outcome: assemble_long(frame, "text", outcome).rename(columns=_CELL_COLUMNS),
        **cost,
    )
    if not isinstance(batch, BatchJob):
        return show_estimate(magics, batch, out)
    return launch(magics, batch, out, args.wait, convert=lambda result: result)


@magic_arguments("camb translate")
@WAIT
@OUT
@COST
@argument("--stream", action="store_true", help="show the text growing in place (one text, one target)")
@argument("--column", help="the text column when $var is a DataFrame")
@argument("--gender", choices=_GENDERS)
@argument("--formality", choices=FORMALITY_CHOICES)
@argument("--from", dest="source", metavar="LANG", help="source language, or auto")
@argument("--to", dest="target", metavar="LANG[,LANG]", help="target language(s), comma separated")
@argument("text", nargs="+", help="the text (quote it), or $var holding a list, Series or DataFrame")
def translate(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> Any:
    """Translate a text, or a list/Series/DataFrame from `$var`, into one or more languages."""
    if len(args.text) == 1 and args.text[0].startswith(VAR):
        value = var_value(args.text[0], magics.shell.user_ns)
        if not isinstance(value, str):
            if args.stream:
                raise UsageError("--stream takes one text", hint="Drop --stream to translate a batch")
            return _translate_texts(magics, _texts_from(value, args.column, literal(args.text[0])), args, out)
        text = value
    else:
        text = " ".join(literal(part) for part in args.text)
    to, source = targets(magics, args.target), _source(magics, args.source)
    cost = cost_options(magics, args)
    costed = cost["dry_run"] or cost["max_characters"] is not None or cost["max_tasks"] is not None
    if len(to) > 1 or costed:
        if args.stream:
            what = (
                "--dry-run and budgets apply to batches" if costed else "--stream takes one target language"
            )
            raise UsageError(what, hint="Drop --stream")
        import pandas as pd

        return _translate_texts(magics, pd.DataFrame({"text": [text]}), args, out)
    session = job_session(magics)
    options: dict[str, Any] = {
        "to": to[0],
        "source": source,
        "formality": args.formality,
        "gender": args.gender,
    }
    if args.stream:  # a gone endpoint (404/410) falls back to a translation job
        return follow(magics, session.translate(text, stream=True, **options), out, args.wait)
    return launch(magics, session.translate(text, **options), out, args.wait)


@magic_arguments("camb_translate")
@WAIT
@OUT
@COST
@argument("--column", help="the text column when the cell is $var holding a DataFrame")
@argument(
    "--split", choices=["lines", "paragraphs", "none"], default="lines", help="how the cell becomes texts"
)
@argument("--gender", choices=_GENDERS)
@argument("--formality", choices=FORMALITY_CHOICES)
@argument("--from", dest="source", metavar="LANG", help="source language, or auto")
@argument("--to", dest="target", metavar="LANG[,LANG]", help="target language(s), comma separated")
def camb_translate() -> None:
    """Translate the cell (one text per line by default) into a DataFrame."""


def parse_cell_line(line: str) -> tuple[argparse.Namespace, str | None]:
    """Parse the options line of `%%camb_translate` (variables are not expanded there)."""
    prefix_out, rest = split_out(line)
    args = parse_args(camb_translate.parser, [literal(t) for t in tokenize(rest)])
    return args, with_out(args, prefix_out, "camb_translate")


def run_cell(magics: MagicsContext, line: str, cell: str) -> Any:
    """`%%camb_translate`: the cell's texts (or a `$var` body) into every target, as one DataFrame."""
    import pandas as pd

    args, out = parse_cell_line(line)
    match = _BODY_VAR.fullmatch(cell)
    if match:
        frame = _texts_from(
            var_value(VAR + match.group(1), magics.shell.user_ns), args.column, f"${match.group(1)}"
        )
    else:
        texts: Sequence[str] = split_texts(cell, args.split)
        if not texts:
            raise UsageError(
                "The cell is empty", hint="Put one text per line under %%camb_translate --to ..."
            )
        frame = pd.DataFrame({"text": texts})
    return _translate_texts(magics, frame, args, out)
