"""`%camb dictionaries`: create from a CSV, list, show terms, delete — against the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from IPython.utils.capture import capture_output


def _run(ip: Any, cell: str) -> Any:
    """Run a cell quietly and return its ExecutionResult."""
    with capture_output():
        return ip.run_cell(cell)


def test_dictionaries_create_list_show_delete(ip: Any, sandboxed: Any, tmp_path: Path) -> None:
    """The subcommand's four forms; `-o` stores the frame."""
    csv = tmp_path / "terms.csv"
    csv.write_text("en-us,fr-fr\nvoice,voix\n", encoding="utf-8")
    assert _run(ip, f'%camb dictionaries --create "{csv}" --name Product -o made').success
    assert ip.user_ns["made"]["name"].tolist() == ["Product"]
    assert _run(ip, "%camb dictionaries --show Product -o terms").success
    assert ip.user_ns["terms"][["en-us", "fr-fr"]].values.tolist() == [["voice", "voix"]]
    assert _run(ip, "%camb dictionaries --delete Product -o left").success
    assert ip.user_ns["left"].empty
    failed = _run(ip, "%camb dictionaries --create x.csv")
    assert not failed.success and "--create needs --name" in str(failed.error_in_exec)
