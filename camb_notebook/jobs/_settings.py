"""Settings: the engine defaults, each written once; `Camb`, `JobManager`, `PollPolicy`, `%config` read them.

Frozen, so a session's settings change only by replacing the object (`dataclasses.replace`).
Usage: `Settings(poll_cap=5)`; `DEFAULTS.max_in_flight`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULTS", "Settings"]


@dataclass(frozen=True)
class Settings:
    """What a user may tune about the engine; the defaults hold for the real API and the sandbox alike."""

    max_in_flight: int | None = None  # cap on tasks held on the server at once (None: discover the limit)
    poll_cap: float = 10.0  # longest pause between two status polls of a job, in seconds
    deadline: float | None = 900.0  # give up polling a job after this many seconds (None: never)
    max_characters: int | None = None  # default budget of every batch: billable characters it may send

    def __post_init__(self) -> None:
        """Refuse values the engine cannot work with (one line each, before anything runs)."""
        if self.max_in_flight is not None and self.max_in_flight < 1:
            _refuse(f"max_in_flight must be at least 1, not {self.max_in_flight}")
        if self.poll_cap <= 0:
            _refuse(f"poll_cap must be positive, not {self.poll_cap}")
        if self.deadline is not None and self.deadline <= 0:
            _refuse(f"deadline must be positive or None, not {self.deadline}")
        if self.max_characters is not None and self.max_characters < 1:
            _refuse(f"max_characters must be at least 1 or None, not {self.max_characters}")


def _refuse(message: str) -> None:
    """Raise the one-line UsageError (imported only here: reading DEFAULTS must not load the wire layer)."""
    from camb_notebook.api import UsageError

    raise UsageError(message)


DEFAULTS = Settings()
