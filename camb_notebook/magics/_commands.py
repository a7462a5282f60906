"""The `%camb` subcommands that create no job: key, sandbox, languages, voices, jobs, wait, result, cancel,
resume, panel and config.

Each handler carries its own `magic_arguments` parser; its docstring is the one-line summary `%camb help`
shows. `_registry` names them. Main thread only. Usage: `run_line(magics, "jobs --df")` (in `_registry`).
"""

from __future__ import annotations

import argparse
import getpass
from typing import TYPE_CHECKING, Any

from IPython.core.magic_arguments import argument, magic_arguments

from camb_notebook.magics._context import MagicsContext
from camb_notebook.magics._launch import KEY_HINT, block, existing_session, plain, session_for, settings, show
from camb_notebook.magics._parsing import OUT

if TYPE_CHECKING:
    import pandas as pd

    from camb_notebook.jobs import Job
    from camb_notebook.sessions import Camb

__all__ = [
    "cancel",
    "config",
    "jobs",
    "key",
    "languages",
    "panel",
    "result",
    "resume",
    "sandbox",
    "start_sandbox",
    "voices",
    "wait",
]


@magic_arguments("camb key")
@argument("--prompt", action="store_true", help="type the key in (hidden) and use it for this kernel")
def key(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> None:
    """Show where the API key comes from (masked), or prompt for it."""
    from camb_notebook.api import ApiKey, MissingKeyError

    session = session_for(magics)
    if args.prompt:  # the typed key is used for this kernel only, never stored or echoed
        typed = ApiKey(getpass.getpass("CAMB.AI API key (hidden): "))
        session.set_key(typed)
        print(f"Using key {typed.masked} in this kernel (not saved anywhere).")
        return
    print(repr(session))
    try:
        session.require_key()
    except MissingKeyError:
        print(KEY_HINT)


def start_sandbox(magics: MagicsContext) -> None:
    """Start the embedded sandbox (once); the shared session uses it, built with the magics' settings."""
    from camb_notebook.sessions import use_sandbox

    session = use_sandbox(**settings(magics))
    session.manager.max_characters = magics.max_characters  # the session's default budget
    print(f"Sandbox API running at {session.base_url}; the session now uses it.")


@magic_arguments("camb sandbox")
@argument("action", nargs="?", default="status", choices=["start", "stop", "status"])
def sandbox(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> None:
    """Start, stop or show the local sandbox API and point the session at it."""
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
    running, current = running_sandbox(), existing_session()
    if running is None:
        print("No sandbox running (%camb sandbox start, or CAMB_SANDBOX=1 before the first command).")
    else:
        in_use = current is not None and current.base_url == running.base_url
        uses = "the session uses it" if in_use else "the session uses another endpoint"
        print(f"Sandbox running at {running.base_url}; {uses}.")


def _frame_result(value: pd.DataFrame, shell: Any, out: str | None) -> pd.DataFrame | None:
    """Store a frame under `out` (store only), or return it for display."""
    if out:
        shell.push({out: value})
        return None
    return value


@magic_arguments("camb languages")
@OUT
@argument("query", nargs="*", help="filter by id, locale or name")
def languages(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> pd.DataFrame | None:
    """List the supported languages as a DataFrame."""
    return _frame_result(session_for(magics).languages(" ".join(args.query) or None), magics.shell, out)


@magic_arguments("camb voices")
@OUT
@argument("query", nargs="*", help="words to search: name, gender, age, language (e.g. german female)")
def voices(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> pd.DataFrame | None:
    """List the voices (gender, age, language as words), searchable by words."""
    return _frame_result(session_for(magics).voices(" ".join(args.query) or None), magics.shell, out)


@magic_arguments("camb jobs")
@OUT
@argument("--df", action="store_true", help="a DataFrame instead of the live board")
@argument("--prune", action="store_true", help="drop finished jobs older than 30 days and old cache entries")
@argument("--older-than", type=float, default=None, help="with --prune: days (default 30)")
@argument("--max-mb", type=float, default=None, help="with --prune: cache size cap in MB (default 500)")
@argument("--repair", action="store_true", help="move a broken journal file aside and start a new one")
def jobs(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> Any:
    """Show this kernel's jobs (live board, or a DataFrame); prune or repair the journal."""
    from camb_notebook.widgets import frontend, jobs_board

    session = session_for(magics)
    if args.prune or args.repair:
        for flag, value in (("--older-than", args.older_than), ("--max-mb", args.max_mb)):
            if value is not None and value < 0:
                from camb_notebook.api import UsageError

                raise UsageError(f"{flag} must be at least 0, not {value:g}")
        manager = session.manager
        if args.repair:
            moved = manager.repair_journal()
            print(f"Moved the broken journal to {moved}." if moved else f"{manager.journal.path} is fine.")
        if args.prune:
            print(manager.prune(older_than_days=args.older_than, max_cache_mb=args.max_mb))
        return None  # a frame when asked, stored with -o, or without a widget frontend
    if args.df or out or magics.progress == "text" or frontend() != "widgets":
        return _frame_result(session.jobs(), magics.shell, out)
    return jobs_board(session)


def _pick(session: Camb, ref: str) -> list[Job]:
    """`all` → every unfinished job; otherwise the job with this id (or unique prefix)."""
    if ref == "all":
        return [job for job in session.manager.registry.user_jobs() if not job.done()]  # a batch once
    return [session.get_job(ref)]


@magic_arguments("camb wait")
@argument("--timeout", type=float, metavar="SECONDS", help="stop waiting after this long")
@argument("job", nargs="?", default="all", metavar="JOB|all")
def wait(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> None:
    """Block until a job (or all jobs) finish; interrupt to stop waiting."""
    session = session_for(magics)
    waited = _pick(session, args.job)
    done = block(lambda: session.wait(waited, timeout=args.timeout))
    for job in done:
        print(f"{job!r}" + (f": {type(job.error).__name__}: {job.error}" if job.error else ""))
    if not done:
        print("No running jobs.")


@magic_arguments("camb result")
@OUT
@argument("job", metavar="JOB")
def result(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> Any:
    """Show the result of a finished job (raises its error if it failed)."""
    job = session_for(magics).get_job(args.job)
    value = plain(block(job.result))  # waits if needed; a failure is one line
    rows = getattr(job, "rows", None)  # an earlier kernel's batch of translations: its texts as a table
    if callable(rows) and job.family == "translation":
        import pandas as pd

        value = pd.DataFrame(list(rows()), columns=["chunk", "target", "text", "translation"])
    if out:
        magics.shell.push({out: value})
        return None
    return _media_view(value, getattr(job, "request", None))


def _media_view(value: Any, request: Any) -> Any:
    """Speech, dub and story results as their player and links (widget frontends); anything else as is."""
    from camb_notebook.widgets import frontend

    media = getattr(value, "audio", None) or any(
        getattr(value, name, None) for name in ("audio_url", "video_url", "dialogue_url")
    )
    if not media or frontend() != "widgets":
        return value
    import ipywidgets as w
    from IPython.display import display

    from camb_notebook.widgets._results import result_views

    display(w.VBox(result_views(value, request)))
    return None


@magic_arguments("camb cancel")
@argument("job", metavar="JOB|all")
def cancel(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> None:
    """Stop waiting for a job (or all jobs)."""
    session = session_for(magics)
    cancelled = [job for job in _pick(session, args.job) if job.cancel("cancelled from %camb cancel")]
    for job in cancelled:
        where = (
            f"server task {job.task_id} may still run (the API has no cancel route)"
            if job.task_id
            else "not submitted"
        )
        print(f"Cancelled {job.id}: {where}")
    if not cancelled:
        print("Nothing to cancel.")


@magic_arguments("camb resume")
def resume(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> None:
    """Pick up jobs a previous kernel left running (from the journal)."""
    resumed = session_for(magics).resume()
    print(
        f"Resumed {len(resumed)} job(s) from the journal."
        if resumed
        else "No unfinished jobs in the journal."
    )
    for job in resumed:
        show(magics, job)


@magic_arguments("camb panel")
def panel(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> Any:
    """Show the jobs panel (key, endpoint, jobs)."""
    from camb_notebook.widgets import panel as jobs_panel

    return jobs_panel(session_for(magics))


@magic_arguments("camb config")
def config(magics: MagicsContext, args: argparse.Namespace, out: str | None) -> None:
    """Show the settings in effect (`%config CambMagics.<name> = value` changes them)."""
    session = session_for(magics)
    for name in sorted(magics.class_trait_names(config=True)):
        value = getattr(magics, name)
        note = ""
        if name == "max_in_flight" and value is None:
            note = f"  # discover the server's limit (window now {session.manager.limit.total})"
        print(f"CambMagics.{name} = {value!r}{note}")
    print(repr(session))
