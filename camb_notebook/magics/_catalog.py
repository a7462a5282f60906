"""`%camb catalog translate FILE --to fr-fr,pl-pl --out PATTERN` and `%camb catalog show FILE`.

translate: a localization catalog (.po/.pot, XLIFF, JSON, Android, Apple, CSV/XLSX) through the batch
engine; `--out 'locale/{lang}/LC_MESSAGES/app.po'` writes each target's file when done, `-o NAME` stores
`{target: frame}` (`--out` is the files' pattern here, so the variable is `-o` only). show: a table of
units per state, then the catalog's frame. The catalog room loads on first use.
Usage: `run_line(magics, "catalog show messages.pot")` (in `_registry`).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, cast

from IPython.core.magic_arguments import argument, magic_arguments

from camb_notebook.api import UsageError
from camb_notebook.magics._context import MagicsContext
from camb_notebook.magics._launch import job_session, launch
from camb_notebook.magics._parsing import WAIT
from camb_notebook.magics._translate import targets

if TYPE_CHECKING:
    from camb_notebook.jobs import Job

__all__ = ["catalog", "state_counts"]


def state_counts(frame: Any) -> Any:
    """A one-row frame: units per state (new, translated, fuzzy, obsolete) and the total."""
    import pandas as pd

    counts = frame["state"].value_counts()
    row = {state: int(counts.get(state, 0)) for state in ("new", "translated", "fuzzy", "obsolete")}
    return pd.DataFrame([{**row, "total": len(frame)}], index=["units"])


@magic_arguments("camb catalog")
@WAIT
@argument("-o", dest="out", metavar="NAME", help="store the result ({target: frame}) in this variable")
@argument("--format", metavar="NAME", help="the catalog format when the file's name and content do not say")
@argument("--from", dest="source", metavar="LANG", help="source language (default: the file's, else en-us)")
@argument("--only", choices=["missing", "fuzzy", "all"], default="missing", help="which units to translate")
@argument("--out", dest="pattern", metavar="PATTERN", help="where to write each target: {lang}, {locale}")
@argument("--to", dest="target", metavar="LANG[,LANG]", help="target language(s)")
@argument("action", choices=["translate", "show"], help="translate the catalog, or show its units")
@argument("path", metavar="FILE", help="the catalog file")
def catalog(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> Any:
    """Translate a localization catalog's missing units, or show its units per state."""
    from camb_notebook.catalogs import read

    if args.action == "show":
        from IPython.display import display

        frame = read(args.path, format=args.format)
        if out:
            magics.shell.user_ns[out] = frame
        display(state_counts(frame))
        return frame
    targets(magics, args.target)  # checks every language before anything starts
    names = [part.strip() for part in (args.target or magics.default_target or "").split(",") if part.strip()]
    source: Any = read(args.path, format=args.format) if args.format else args.path
    if args.pattern is not None and "{" not in args.pattern and len(names) > 1:
        raise UsageError(
            f"--out {args.pattern!r} names one file for {len(names)} targets",
            hint="Use {lang} or {locale} in --out, e.g. 'locale/{lang}/LC_MESSAGES/app.po'",
        )
    job = cast(
        "Job",
        job_session(magics).translate_catalog(
            source, to=names, out=args.pattern, only=args.only, source=args.source
        ),
    )
    return launch(magics, job, out, args.wait)
