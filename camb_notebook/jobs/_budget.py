"""Budgets: caps on what one batch creates (billable characters sent, tasks created), applied chunk by chunk.

A batch admits its chunks in the order it sends them while the next one fits; the first that would pass a cap
stops all further creates (never a smaller chunk later, so a rerun's chunks line up with this run's and the
result cache serves what was sent). Free chunks (served by the cache) always pass: they bill nothing.
Rows that were not sent carry a `not_sent: ...` message saying why. Pure, any thread.
Usage: `gate = BudgetGate(max_characters=4_000)`; `if gate.admit(chars, free=False): ...`.
"""

from __future__ import annotations

from camb_notebook.api import UsageError

__all__ = ["NOT_SENT", "BudgetGate", "check_budget", "is_not_sent"]

NOT_SENT = "not_sent"  # the camb_status of rows a budget kept from being sent; their messages start with it


def check_budget(max_characters: object, max_tasks: object) -> None:
    """Refuse a cap that is not a positive whole number (one line each, before anything runs)."""
    for name, value, unit in (
        ("max_characters", max_characters, "characters"),
        ("max_tasks", max_tasks, "tasks"),
    ):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise UsageError(f"{name} must be a whole number of {unit}, not {value!r}")
        if value < 1:
            raise UsageError(
                f"{name} must be at least 1, not {value:,}",
                hint=f"Pass a positive {name}, or leave it out for no cap (dry_run=True shows the cost)",
            )


def is_not_sent(message: str | None) -> bool:
    """True for the error message of a row a budget kept from being sent."""
    return message is not None and message.startswith(NOT_SENT + ":")


class BudgetGate:
    """Counts a batch's creates; admits chunks while they fit, and after the first refusal only free ones."""

    def __init__(self, max_characters: int | None = None, max_tasks: int | None = None) -> None:
        """Caps (None: none); nothing admitted yet."""
        self.max_characters = max_characters
        self.max_tasks = max_tasks
        self.characters = 0  # billable characters of the chunks admitted for a create
        self.tasks = 0  # chunks admitted for a create
        self.stopped_by: str | None = None  # "max_characters" or "max_tasks" once a chunk was refused

    @property
    def capped(self) -> bool:
        """True when any cap is set."""
        return self.max_characters is not None or self.max_tasks is not None

    def fits(self, characters: int) -> bool:
        """Whether one more create of `characters` stays within every cap (counting nothing)."""
        if self.max_characters is not None and self.characters + characters > self.max_characters:
            return False
        return self.max_tasks is None or self.tasks + 1 <= self.max_tasks

    def admit(self, characters: int, *, free: bool) -> bool:
        """Admit the next chunk in send order (counting it); False once the caps stopped creating."""
        if free:
            return True
        if self.stopped_by is None and self.fits(characters):
            self.characters += characters
            self.tasks += 1
            return True
        if self.stopped_by is None:
            over_chars = (
                self.max_characters is not None and self.characters + characters > self.max_characters
            )
            self.stopped_by = "max_characters" if over_chars else "max_tasks"
        return False

    def reason(self) -> str:
        """The `not_sent` message of the rows left out: which cap, and how much was sent."""
        cap = self.max_characters if self.stopped_by == "max_characters" else self.max_tasks
        return (
            f"{NOT_SENT}: the budget {self.stopped_by}={cap:,} stopped the batch after {self.characters:,}"
            f" characters in {self.tasks:,} tasks; run it again with a larger budget to send only the rest"
        )

    def progress_text(self) -> str | None:
        """`1,234/4,000 chars` (and tasks, when capped) for the progress bar; None without caps."""
        parts = []
        if self.max_characters is not None:
            parts.append(f"{self.characters:,}/{self.max_characters:,} chars")
        if self.max_tasks is not None:
            parts.append(f"{self.tasks:,}/{self.max_tasks:,} tasks")
        return " · ".join(parts) or None
