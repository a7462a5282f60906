"""What a subcommand handler may use of the magics: the shell and the `CambMagics` settings, as a Protocol.

Handlers receive this rather than the `CambMagics` class, so the modules below `_magics` never import it.
Usage: `def handler(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> Any`.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["MagicsContext"]


class MagicsContext(Protocol):
    """The shell and the settings a `%camb` handler reads (`CambMagics` is one)."""

    shell: Any  # the IPython shell: `user_ns` for `$var`, `push()` for `-o NAME`
    poll_cap: float  # longest pause between two status polls of a job, in seconds
    max_in_flight: int | None  # cap on tasks held on the server at once (None: discover the limit)
    deadline: float | None  # give up polling a job after this many seconds (None: never)
    max_characters: int | None  # default budget of every batch (billable characters; None: no cap)
    default_target: str  # target language when --to is omitted ("" means --to is required)
    default_source: str  # source language when --from is omitted
    progress: str  # "widget" (a live widget) or "text" (one text line)

    def class_trait_names(self, **metadata: Any) -> list[str]:
        """The names of the settings (`config=True` for the ones `%config` changes)."""
        ...
