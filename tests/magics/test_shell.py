"""The magics in an in-process IPython shell: registration, traitlets config, one-line failures."""

from __future__ import annotations

from typing import Any

import pytest
from IPython.utils.io import capture_output

from camb_notebook.api import LanguageError, UsageError


def _magics(ip: Any) -> Any:
    """The registered CambMagics instance."""
    return ip.magics_manager.registry["CambMagics"]


def test_load_registers_both_magics_and_unload_removes_them(ip: Any) -> None:
    """`%load_ext` adds `%camb` and `%%camb_translate`; `%unload_ext` takes them away again."""
    assert "camb" in ip.magics_manager.magics["line"]
    assert "camb_translate" in ip.magics_manager.magics["cell"]
    ip.extension_manager.unload_extension("camb_notebook")
    assert "camb" not in ip.magics_manager.magics["line"]
    assert "CambMagics" not in ip.magics_manager.registry
    ip.extension_manager.load_extension("camb_notebook")
    assert "camb" in ip.magics_manager.magics["line"]


def test_percent_config_sets_traits(ip: Any) -> None:
    """`%config CambMagics.x = v` changes the registered instance; `%config CambMagics` lists the traits."""
    ip.run_line_magic("config", "CambMagics.default_target = 'de-de'")
    ip.run_line_magic("config", "CambMagics.progress = 'text'")
    assert (_magics(ip).default_target, _magics(ip).progress) == ("de-de", "text")
    with capture_output() as captured:
        ip.run_line_magic("config", "CambMagics")
    names = ("poll_cap", "max_in_flight", "deadline", "default_target")
    assert all(name in captured.stdout for name in names)


def test_config_file_values_apply_at_load(_global_shell: Any) -> None:
    """`c.CambMagics.deadline = 60` (ipython_config.py) is picked up when the extension loads."""
    _global_shell.config.CambMagics.deadline = 60.0
    _global_shell.config.CambMagics.max_in_flight = 3
    try:
        _global_shell.extension_manager.load_extension("camb_notebook")
        magics = _magics(_global_shell)
        assert (magics.deadline, magics.max_in_flight) == (60.0, 3)
    finally:
        _global_shell.extension_manager.unload_extension("camb_notebook")
        _global_shell.config.pop("CambMagics", None)


def test_help_prints_the_subcommands(ip: Any) -> None:
    """`%camb help` prints the overview and `%camb translate --help` the options."""
    with capture_output() as captured:
        ip.run_line_magic("camb", "")
        ip.run_line_magic("camb", "translate --help")
    assert "translate" in captured.stdout and "--formality" in captured.stdout


@pytest.mark.parametrize(
    ("cell", "error", "words"),
    [
        ("%camb frobnicate", UsageError, "Unknown subcommand"),
        ("%camb translate hi --to fr-fr --bogus", UsageError, "unrecognized arguments"),
        ("%camb translate hi --to klingon", LanguageError, "klingon"),
        ("%%camb_translate --to fr-fr\n\n   \n", UsageError, "The cell is empty"),
        ("%%camb_translate --to fr-fr,xx-zz\nHello", LanguageError, "xx-zz"),
        ("%camb translate $missing --to fr-fr", UsageError, "$missing is not defined"),
        ("%camb translate hi", UsageError, "No target language"),
    ],
)
def test_bad_input_fails_the_cell_with_one_line(ip: Any, cell: str, error: type, words: str) -> None:
    """Bad input marks the cell failed and prints exactly one line, without a traceback or a job."""
    with capture_output() as captured:
        result = ip.run_cell(cell)
    assert isinstance(result.error_in_exec, error)
    lines = [line for line in captured.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, captured.stdout
    assert words in lines[0] and "Traceback" not in captured.stdout
