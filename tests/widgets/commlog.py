"""CommLog: the comm messages widgets sent in a test, read back as the frontend would see them."""

from __future__ import annotations

from typing import Any


class CommLog:
    """The comm messages widgets sent (what a frontend would receive), newest last."""

    def __init__(self) -> None:
        """Start with no messages."""
        self.messages: list[tuple[str, str, dict[str, Any]]] = []

    def states(self, widget: Any) -> list[dict[str, Any]]:
        """Every state dict sent for `widget`: the one in comm_open, then each update."""
        found = []
        for msg_type, comm_id, data in self.messages:
            if comm_id != widget.model_id:
                continue
            if msg_type == "comm_open" or (msg_type == "comm_msg" and data.get("method") == "update"):
                found.append(data.get("state", {}))
        return found

    def sent(self, widget: Any, key: str) -> list[Any]:
        """Every value of trait `key` the frontend received for `widget`, in order."""
        return [state[key] for state in self.states(widget) if key in state]

    def latest(self, widget: Any, key: str) -> Any:
        """The value of trait `key` the frontend holds for `widget` now."""
        values = self.sent(widget, key)
        assert values, f"no {key!r} was ever sent for {widget!r}"
        return values[-1]
