"""What each `%camb` subcommand does: parse, then delegate to the session, the widgets or `_magic_tasks`.

Non-job subcommands (help, key, sandbox, languages, voices, jobs, wait, result, cancel, resume, panel, config)
live here next to the dispatch table. Main thread only. Usage: `run_line(magics, "jobs --df")`.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from camb_notebook.magics import _tasks as tasks
from camb_notebook.magics._launch import (
    KEY_HINT,
    block,
    existing_session,
    plain,
    session_for,
    settings,
    show,
)
from camb_notebook.magics._parsing import Command, help_text, parse_line

if TYPE_CHECKING:
    import pandas as pd

    from camb_notebook.jobs import Job
    from camb_notebook.magics import CambMagics
    from camb_notebook.sessions import Camb

__all__ = ["run_line", "start_sandbox"]


def _help(magics: CambMagics, args: argparse.Namespace, out: str | None) -> None:
    """`%camb help [SUBCOMMAND]`."""
    print(help_text(args.topic))


def _key(magics: CambMagics, args: argparse.Namespace, out: str | None) -> None:
    """`%camb key [--prompt]`: masked status, or a hidden prompt whose key is used for this kernel only."""
    from camb_notebook.api import ApiKey, MissingKeyError

    session = session_for(magics)
    if args.prompt:
        key = ApiKey(getpass.getpass("CAMB.AI API key (hidden): "))
        session.set_key(key)
        print(f"Using key {key.masked} in this kernel (not saved anywhere).")
        return
    print(repr(session))
    try:
        session.require_key()
    except MissingKeyError:
        print(KEY_HINT)


def start_sandbox(magics: CambMagics) -> None:
    """Start the embedded sandbox (once) and make the shared session use it."""
    from camb_notebook.sessions import use_sandbox

    session = use_sandbox(**settings(magics))
    print(f"Sandbox API running at {session.base_url}; the session now uses it.")


def _sandbox(magics: CambMagics, args: argparse.Namespace, out: str | None) -> None:
    """`%camb sandbox [start|stop|status]`."""
    from camb_notebook.sessions import running_sandbox, stop_sandbox

    if args.action == "start":
        start_sandbox(magics)
        return
    if args.action == "stop":
        if stop_sandbox():
            print("Sandbox stopped; the next command uses CAMB_API_BASE (or the real API).")
        else:
            print("No sandbox is running.")
        return
    sandbox, current = running_sandbox(), existing_session()
    if sandbox is None:
        print("No sandbox running (%camb sandbox start, or CAMB_SANDBOX=1 before the first command).")
    else:
        in_use = current is not None and current.base_url == sandbox.base_url
        uses = "the session uses it" if in_use else "the session uses another endpoint"
        print(f"Sandbox running at {sandbox.base_url}; {uses}.")


def _frame_result(value: pd.DataFrame, shell: Any, out: str | None) -> pd.DataFrame | None:
    """Store a frame under `out` (store only), or return it for display."""
    if out:
        shell.push({out: value})
        return None
    return value


def _languages(magics: CambMagics, args: argparse.Namespace, out: str | None) -> pd.DataFrame | None:
    """`%camb languages [QUERY]`."""
    return _frame_result(session_for(magics).languages(" ".join(args.query) or None), magics.shell, out)


def _voices(magics: CambMagics, args: argparse.Namespace, out: str | None) -> pd.DataFrame | None:
    """`%camb voices [QUERY]`."""
    return _frame_result(session_for(magics).voices(" ".join(args.query) or None), magics.shell, out)


def _jobs(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb jobs [--df]`: the live board, or the jobs DataFrame (stored with -o, or without widgets)."""
    from camb_notebook.widgets import frontend, jobs_board

    session = session_for(magics)
    if args.df or out or magics.progress == "text" or frontend() != "widgets":
        return _frame_result(session.jobs(), magics.shell, out)
    return jobs_board(session)


def _pick(session: Camb, ref: str) -> list[Job]:
    """`all` → every unfinished job; otherwise the job with this id (or unique prefix)."""
    if ref == "all":
        return [job for job in session.manager.jobs() if not job.done()]
    return [session.get_job(ref)]


def _wait(magics: CambMagics, args: argparse.Namespace, out: str | None) -> None:
    """`%camb wait [JOB|all] [--timeout S]`: block until final; report how each ended."""
    session = session_for(magics)
    jobs = _pick(session, args.job)
    done = block(lambda: session.wait(jobs, timeout=args.timeout))
    for job in done:
        print(f"{job!r}" + (f": {type(job.error).__name__}: {job.error}" if job.error else ""))
    if not done:
        print("No running jobs.")


def _result(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb result JOB`: the job's result (waits if needed; raises its error as one line)."""
    job = session_for(magics).get_job(args.job)
    value = plain(block(job.result))
    if out:
        magics.shell.push({out: value})
        return None
    return value


def _cancel(magics: CambMagics, args: argparse.Namespace, out: str | None) -> None:
    """`%camb cancel JOB|all`: stop local polling and say what keeps running on the server."""
    session = session_for(magics)
    jobs = _pick(session, args.job)
    cancelled = [job for job in jobs if job.cancel("cancelled from %camb cancel")]
    for job in cancelled:
        where = (
            f"server task {job.task_id} may still run (the API has no cancel route)"
            if job.task_id
            else "not submitted"
        )
        print(f"Cancelled {job.id}: {where}")
    if not cancelled:
        print("Nothing to cancel.")


def _resume(magics: CambMagics, args: argparse.Namespace, out: str | None) -> None:
    """`%camb resume`: reattach jobs of dead kernels and show each."""
    jobs = session_for(magics).resume()
    print(f"Resumed {len(jobs)} job(s) from the journal." if jobs else "No unfinished jobs in the journal.")
    for job in jobs:
        show(magics, job)


def _panel(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb panel`."""
    from camb_notebook.widgets import panel

    return panel(session_for(magics))


def _config(magics: CambMagics, args: argparse.Namespace, out: str | None) -> None:
    """`%camb config`: the CambMagics traits plus the endpoint in use."""
    for name in sorted(magics.class_trait_names(config=True)):
        print(f"CambMagics.{name} = {getattr(magics, name)!r}")
    print(repr(session_for(magics)))


_COMMANDS: dict[str, Callable[[CambMagics, argparse.Namespace, str | None], Any]] = {
    "help": _help,
    "key": _key,
    "sandbox": _sandbox,
    "languages": _languages,
    "voices": _voices,
    "translate": tasks.translate,
    "tts": tasks.tts,
    "transcribe": tasks.transcribe,
    "dub": tasks.dub,
    "story": tasks.story,
    "jobs": _jobs,
    "wait": _wait,
    "result": _result,
    "cancel": _cancel,
    "resume": _resume,
    "panel": _panel,
    "config": _config,
}


def run_line(magics: CambMagics, line: str) -> Any:
    """Parse a `%camb` line and run its subcommand."""
    command: Command = parse_line(line)
    return _COMMANDS[command.name](magics, command.args, command.out)
