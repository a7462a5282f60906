"""`%camb dictionaries`: list the account's glossaries, show one's terms, create one from a CSV/TBX file,
or delete one (the session's dictionary methods; a frame comes back, or is stored with `-o`).

Usage: `%camb dictionaries`, `%camb dictionaries --show "Product terms"`,
`%camb dictionaries --create terms.csv --name "Product terms"`, `%camb dictionaries --delete 3`.
"""

from __future__ import annotations

import argparse
from typing import Any

from IPython.core.magic_arguments import argument, magic_arguments

from camb_notebook.api import UsageError
from camb_notebook.magics._context import MagicsContext
from camb_notebook.magics._launch import session_for
from camb_notebook.magics._parsing import OUT

__all__ = ["dictionaries"]


@magic_arguments("camb dictionaries")
@OUT
@argument("--delete", metavar="ID_OR_NAME", help="delete this dictionary")
@argument("--description", help="with --create: a description")
@argument("--name", help="with --create: the new dictionary's name")
@argument(
    "--create", metavar="PATH", help="create a dictionary from a CSV (a column per language) or TBX file"
)
@argument("--show", metavar="ID_OR_NAME", help="show one dictionary's terms")
def dictionaries(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> Any:
    """List glossaries (dictionaries), show one's terms, create one from a CSV/TBX file, or delete one."""
    session = session_for(magics)
    if args.create:
        if not args.name:
            raise UsageError("--create needs --name", hint='e.g. --create terms.csv --name "Product terms"')
        made = session.create_dictionary(args.create, name=args.name, description=args.description)
        print(f"created dictionary {made} ({args.name})")
        value = session.dictionaries()
    elif args.show:
        value = session.dictionary(args.show)
    elif args.delete:
        session.delete_dictionary(args.delete)
        print(f"deleted dictionary {args.delete}")
        value = session.dictionaries()
    else:
        value = session.dictionaries()
    if out:
        magics.shell.push({out: value})
        return None
    return value
