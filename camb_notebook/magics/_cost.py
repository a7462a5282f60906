"""Cost options of the magics' batches: `--dry-run`, `--max-characters`, `--max-tasks`.

Each batch command stacks `@COST` on its parser and passes `cost_options(magics, args)` to the engine's batch
entry, which prices or caps the batch (`CambMagics.max_characters` is the session's default budget). A dry
run returns the Estimate for display (or stores it with `-o`); it never waits. Main thread only.
Usage: `@COST` over a `magic_arguments` handler; `translation_batch(..., **cost_options(magics, args))`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TypeVar

from IPython.core.magic_arguments import argument

from camb_notebook.api import UsageError
from camb_notebook.magics._context import MagicsContext

__all__ = ["COST", "cost_options", "show_estimate"]

F = TypeVar("F", bound=Callable[..., Any])

_DRY_RUN = argument("--dry-run", action="store_true", help="show what the batch would cost; send nothing")
_MAX_CHARACTERS = argument(
    "--max-characters", type=int, metavar="N", help="stop creating tasks before N billable characters"
)
_MAX_TASKS = argument("--max-tasks", type=int, metavar="N", help="stop creating tasks after N tasks")


def COST(handler: F) -> F:  # named like the OUT/WAIT argument decorators it sits with
    """Add `--dry-run`, `--max-characters` and `--max-tasks` to a batch command's parser."""
    return _DRY_RUN(_MAX_CHARACTERS(_MAX_TASKS(handler)))  # type: ignore[no-any-return]


def cost_options(magics: MagicsContext, args: argparse.Namespace) -> dict[str, Any]:
    """The engine's batch options from the line; `--dry-run` with `--wait` is refused (nothing to wait)."""
    dry_run = bool(getattr(args, "dry_run", False))
    if dry_run and getattr(args, "wait", False):
        raise UsageError("--dry-run sends nothing, so there is nothing to --wait for", hint="Drop --wait")
    return {
        "dry_run": dry_run,
        "max_characters": getattr(args, "max_characters", None),
        "max_tasks": getattr(args, "max_tasks", None),
    }


def show_estimate(magics: MagicsContext, estimate: Any, out: str | None) -> Any:
    """Return a dry run's Estimate for display, or store it under `out` (then show nothing)."""
    if out:
        magics.shell.push({out: estimate})
        return None
    return estimate
