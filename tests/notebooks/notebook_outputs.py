"""Read an executed notebook: cells by code, their text and errors, and the widget state nbclient stored.

A cell's output names a root model (`application/vnd.jupyter.widget-view+json`); its widget tree is every
model reachable through `IPY_MODEL_` references.
Usage: `state = WidgetState(nb)`, `state.models(cell, "AudioModel")`.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["WidgetState", "cell_errors", "code_cell", "text_output"]

VIEW_MIME = "application/vnd.jupyter.widget-view+json"
STATE_MIME = "application/vnd.jupyter.widget-state+json"
_REF = "IPY_MODEL_"
# stderr text that means something went wrong (other stderr, e.g. a font cache notice, is fine)
_BAD = re.compile(r"Traceback|Error|Warning|Exception")


class WidgetState:
    """The stored widget models of one executed notebook."""

    def __init__(self, nb: Any) -> None:
        """Index the models by id (empty when the notebook stored none)."""
        stored = nb.metadata.get("widgets", {}).get(STATE_MIME, {})
        self.entries: dict[str, dict[str, Any]] = dict(stored.get("state", {}))

    def roots(self, cell: Any) -> list[str]:
        """Model ids of the widgets the cell's outputs display."""
        return [
            out["data"][VIEW_MIME]["model_id"]
            for out in cell.get("outputs", [])
            if VIEW_MIME in out.get("data", {})
        ]

    def tree(self, model_id: str) -> list[str]:
        """`model_id` and every model it references, depth first (each once)."""
        seen: list[str] = []
        stack = [model_id]
        while stack:
            current = stack.pop()
            if current in seen or current not in self.entries:
                continue
            seen.append(current)
            stack.extend(reversed(_refs(self.entries[current]["state"])))
        return seen

    def models(self, cell: Any, model_name: str | None = None) -> list[dict[str, Any]]:
        """The stored entries (`model_name`, `state`, `buffers`) shown by the cell, optionally of one kind."""
        found = []
        for root in self.roots(cell):
            for model_id in self.tree(root):
                entry = self.entries[model_id]
                if model_name is None or entry["model_name"] == model_name:
                    found.append(entry)
        return found

    def texts(self, cell: Any) -> str:
        """Every HTML/Label value shown by the cell, joined (what a reader sees in the drawer)."""
        return " ".join(
            str(entry["state"].get("value", ""))
            for entry in self.models(cell)
            if entry["model_name"] in ("HTMLModel", "LabelModel")
        )

    def outputs(self, cell: Any) -> list[dict[str, Any]]:
        """The outputs captured by the Output widgets the cell shows (tables under a finished job)."""
        shown = self.models(cell, "OutputModel")
        return [out for entry in shown for out in entry["state"].get("outputs", [])]


def _refs(value: Any) -> list[str]:
    """Model ids referenced anywhere in a state value."""
    if isinstance(value, str):
        return [value[len(_REF) :]] if value.startswith(_REF) else []
    if isinstance(value, dict):
        return [ref for item in value.values() for ref in _refs(item)]
    if isinstance(value, (list, tuple)):
        return [ref for item in value for ref in _refs(item)]
    return []


def cell_errors(nb: Any) -> list[str]:
    """Error outputs and alarming stderr text of every cell, as `[index] text` lines."""
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                found.append(f"[{index}] {out['ename']}: {out['evalue']}")
            elif out["output_type"] == "stream" and out["name"] == "stderr" and _BAD.search(out["text"]):
                found.append(f"[{index}] {out['text']}")
    return found


def code_cell(nb: Any, startswith: str) -> Any:
    """The first code cell whose source starts with `startswith` (the tests find cells by their code)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith(startswith):
            return cell
    raise AssertionError(f"no code cell starts with {startswith!r}")


def text_output(cell: Any) -> str:
    """Everything a cell printed or returned as text/plain."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif "text/plain" in out.get("data", {}):
            parts.append(out["data"]["text/plain"])
    return "".join(parts)
