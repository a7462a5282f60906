"""`%camb dataset translate IN OUT --column text --to fr-fr,de-de`: a dataset larger than memory, in batches.

The handler checks the key, languages and paths before anything starts, then shows the run's progress
drawer (rows done, ETA); `--wait` blocks, `-o NAME` stores the `DatasetResult`. `--dry-run` shows the
DatasetEstimate (nothing sent or written); `--max-characters` / `--max-tasks` cap the run;
`--resend-ambiguous` sends chunks a crash left ambiguous (see `translate_dataset`). Main thread only.
Usage: `run_line(magics, "dataset translate in.parquet out.parquet --to fr-fr")` (in `_registry`).
"""

from __future__ import annotations

import argparse
from typing import Any

from IPython.core.magic_arguments import argument, magic_arguments

from camb_notebook.magics._context import MagicsContext
from camb_notebook.magics._cost import COST, cost_options, show_estimate
from camb_notebook.magics._launch import job_session, launch, session_for
from camb_notebook.magics._parsing import OUT, WAIT
from camb_notebook.magics._translate import targets

__all__ = ["dataset"]


@magic_arguments("camb dataset")
@WAIT
@OUT
@COST
@argument("action", choices=["translate"], help="what to do with the dataset")
@argument("path", metavar="IN", help="a Parquet file or directory, a .csv or a .jsonl file")
@argument("dest", metavar="OUT", help="a .parquet file, or a directory of Parquet parts")
@argument("--overwrite", action="store_true", help="replace OUT (or another call's unfinished run)")
@argument(
    "--resend-ambiguous",
    action="store_true",
    help="send again chunks whose earlier create may have made a task (possibly billed twice)",
)
@argument("--batch-rows", type=int, default=50_000, metavar="N", help="rows per batch (default 50000)")
@argument("--format", choices=["parquet", "csv", "jsonl"], help="input format when its suffix does not say")
@argument("--from", dest="source", default="en-us", metavar="LANG", help="source language (default en-us)")
@argument("--to", dest="target", metavar="LANG[,LANG]", help="target language(s)")
@argument("--column", default="text", metavar="NAME", help="the column to translate (default text)")
def dataset(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> Any:
    """Translate a dataset larger than memory into Parquet, in batches, resumably."""
    to = targets(magics, args.target)
    cost = cost_options(magics, args)
    session = session_for(magics) if cost["dry_run"] else job_session(magics)  # a dry run needs no key
    job = session.translate_dataset(
        args.path,
        args.dest,
        column=args.column,
        to=to,
        source_lang=args.source,
        batch_rows=args.batch_rows,
        format=args.format,
        overwrite=args.overwrite,
        resend_ambiguous=args.resend_ambiguous,
        **cost,
    )
    if cost["dry_run"]:
        return show_estimate(magics, job, out)
    return launch(magics, job, out, args.wait)
