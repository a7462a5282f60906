"""The engine settings of the magics: defaults from the engine, `%config` reaches the session, Python wins."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from typing import Any

from IPython.utils.io import capture_output


def _magics(ip: Any) -> Any:
    """The registered CambMagics instance."""
    return ip.magics_manager.registry["CambMagics"]


def _run(ip: Any, cell: str) -> Any:
    """Run a cell quietly and return its ExecutionResult."""
    with capture_output():
        return ip.run_cell(cell)


def test_engine_traits_default_to_the_engine_defaults(ip: Any) -> None:
    """The engine traits start as `camb_notebook.jobs.DEFAULTS` says, and their help shows those values."""
    from camb_notebook.jobs import DEFAULTS

    magics = _magics(ip)
    assert (magics.poll_cap, magics.max_in_flight, magics.deadline) == (
        DEFAULTS.poll_cap,
        DEFAULTS.max_in_flight,
        DEFAULTS.deadline,
    )
    traits = type(magics).class_traits()
    for name in ("poll_cap", "max_in_flight", "deadline"):
        assert f"Default: {getattr(DEFAULTS, name)!r}" in type(magics).class_get_trait_help(traits[name])


def test_policy_set_from_python_survives_later_commands(ip: Any, sandboxed: Any) -> None:
    """What a user sets on the session from Python stays through `%camb jobs` / `translate`; `%config` of
    one setting changes only that one."""
    from camb_notebook.sessions import session

    manager = session().manager
    manager.policy = dataclasses.replace(manager.policy, cap=0.05, deadline=42.0)
    manager.max_in_flight = 5
    assert _run(ip, "%camb translate hi --to fr-fr --wait").success
    assert _run(ip, "%camb jobs --df").success
    assert _run(ip, "%%camb_translate --to fr-fr --wait\nHello").success
    assert (manager.policy.cap, manager.policy.deadline, manager.max_in_flight) == (0.05, 42.0, 5)
    ip.run_line_magic("config", "CambMagics.deadline = 60.0")
    assert (manager.policy.cap, manager.policy.deadline, manager.max_in_flight) == (0.05, 60.0, 5)
    ip.run_line_magic("config", "CambMagics.max_in_flight = 7")
    assert (manager.policy.cap, manager.policy.deadline, manager.max_in_flight) == (0.05, 60.0, 7)


def test_a_session_made_by_a_magic_gets_the_traits(ip: Any, camb_sandbox_env: Any) -> None:
    """`%config` before any session exists is kept by the magics and given to the session a magic makes."""
    from camb_notebook.sessions import _process as _session

    _session._default = None
    try:
        ip.run_line_magic("config", "CambMagics.max_in_flight = 3")
        ip.run_line_magic("config", "CambMagics.deadline = 61.0")
        assert _session.current() is None  # setting a trait never makes a session
        assert _run(ip, "%camb jobs --df").success
        made = _session.current()
        assert made is not None
        assert (made.manager.max_in_flight, made.manager.policy.deadline) == (3, 61.0)
    finally:
        if _session._default is not None:
            _session._default.close()
            _session._default = None


LOAD = textwrap.dedent(
    """
    import sys
    from IPython.testing.globalipapp import start_ipython
    ip = start_ipython()
    ip.run_line_magic("load_ext", "camb_notebook")
    ip.run_line_magic("config", "CambMagics.poll_cap = 5")
    heavy = ("httpx", "pandas", "ipywidgets", "camb_notebook.api", "camb_notebook.jobs._manager",
             "camb_notebook.sessions")
    print("loaded", [name for name in heavy if name in sys.modules])
    """
)


def test_load_and_config_stay_light() -> None:
    """`%load_ext` and a `%config` before the first command import neither the engine nor httpx.

    Only the engine's defaults load (`camb_notebook.jobs.DEFAULTS`, a dataclass): the traits start from them.
    """
    out = subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "loaded []" in out.stdout.splitlines()
