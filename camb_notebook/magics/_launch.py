"""Shared plumbing of the magics: the default session, engine settings, progress, waits, `-o` storage.

A job command shows a live progress drawer and returns; `-o NAME` is filled by a done callback on the main
thread long after the cell returned; an interrupted wait becomes one line saying what keeps running.
Main thread only. Usage: `launch(magics, job, out="fr", wait=False)`.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from camb_notebook.api import CambError
from camb_notebook.magics._context import MagicsContext

if TYPE_CHECKING:
    from camb_notebook.jobs import Job
    from camb_notebook.sessions import Camb, LiveStream

__all__ = [
    "ENGINE_SETTINGS",
    "KEY_HINT",
    "WaitInterrupted",
    "WaitTimeout",
    "apply_setting",
    "apply_settings",
    "block",
    "existing_session",
    "follow",
    "job_session",
    "launch",
    "plain",
    "session_for",
    "settings",
    "show",
    "store",
]


KEY_HINT = "Set CAMB_API_KEY, add it to .env, or run %camb key --prompt"


class WaitInterrupted(KeyboardInterrupt):
    """Raised when a `--wait` or `%camb wait` is interrupted; one line says what keeps running."""

    def _render_traceback_(self) -> list[str]:
        """Show the interrupt as one line (the cell still fails, so Run All stops)."""
        return [f"Interrupted: {self}"]


class WaitTimeout(TimeoutError):
    """Raised when `%camb wait --timeout` runs out; one line says how many jobs keep running."""

    def _render_traceback_(self) -> list[str]:
        """Show the timeout as one line (the cell still fails)."""
        return [f"WaitTimeout: {self}"]


def session_for(magics: MagicsContext) -> Camb:
    """The default session; one a magic creates gets the engine settings of `magics` (once, when made).

    An existing session is used as it is: `%config` changes reach it through the `CambMagics` observer, so
    a policy set from Python (`camb.manager.policy = ...`) is never overwritten by a later command.
    """
    from camb_notebook.sessions import session

    existing = existing_session()
    if existing is not None and not existing.manager.closed:
        return existing
    made = session()
    apply_settings(magics, made)
    return made


def job_session(magics: MagicsContext) -> Camb:
    """The session for a job-creating command, after checking that an API key can be found."""
    current = session_for(magics)
    current.require_key(hint=KEY_HINT)
    return current


def existing_session() -> Camb | None:
    """The default session if one exists already (so changing a setting never creates one)."""
    from camb_notebook.sessions import current

    return current()


ENGINE_SETTINGS = ("poll_cap", "max_in_flight", "deadline", "max_characters")
_SESSION_ARGS = ENGINE_SETTINGS[:3]  # what `Camb(...)` takes; the budget is set on its engine after


def settings(magics: MagicsContext) -> dict[str, Any]:
    """The engine settings a new session is built with (`Camb(**settings(magics))`)."""
    return {name: getattr(magics, name) for name in _SESSION_ARGS}


def apply_setting(current: Camb, name: str, value: Any) -> None:
    """Push one engine setting (`poll_cap`, `deadline`, `max_in_flight`, `max_characters`) into a session."""
    manager = current.manager
    if name == "max_characters":
        manager.max_characters = value
    elif name == "max_in_flight":
        manager.max_in_flight = value
    elif name == "poll_cap":
        manager.policy = dataclasses.replace(manager.policy, cap=value)
    elif name == "deadline":
        manager.policy = dataclasses.replace(manager.policy, deadline=value)
    else:
        raise ValueError(f"not an engine setting: {name!r}")


def apply_settings(magics: MagicsContext, current: Camb) -> None:
    """Push all the engine settings of `magics` into a session (one the magics just made)."""
    from camb_notebook.jobs import Settings

    current.manager.apply(Settings(**settings(magics), max_characters=magics.max_characters))


def show(magics: MagicsContext, job: Job) -> bool:
    """Display the live progress drawer for `job`; True when that drawer also shows the result (widgets)."""
    from camb_notebook.widgets import JobProgress, TextProgress, frontend

    if magics.progress == "widget" and frontend() == "widgets":
        from IPython.display import display

        display(JobProgress(job))
        return True
    TextProgress(job, in_output="ipykernel" in sys.modules)
    return False


def block(call: Callable[[], Any]) -> Any:
    """Run a blocking wait; an interrupt or timeout becomes one line saying what keeps running."""
    try:
        return call()
    except TimeoutError as exc:
        raise WaitTimeout(str(exc)) from None
    except KeyboardInterrupt as exc:
        raise WaitInterrupted(
            str(exc) or "stopped waiting; the jobs keep running in the background"
        ) from None


def store(shell: Any, name: str, convert: Callable[[Any], Any]) -> Callable[[Job], None]:
    """A done callback that puts the job's (converted) result into the user namespace as `name`."""

    def assign(job: Job) -> None:
        if job.error is None:
            shell.push({name: convert(job.result())})

    return assign


def plain(result: Any) -> Any:
    """The value `-o` stores: a single translation as its text, anything else as the result object."""
    from camb_notebook.api import TranslationResult

    if isinstance(result, TranslationResult) and len(result.texts) == 1:
        return result.texts[0]
    return result


def launch(
    magics: MagicsContext, job: Job, out: str | None, wait: bool, convert: Callable[[Any], Any] = plain
) -> Any:
    """Show the job, arrange `-o`, block when asked; a waited result is returned unless shown or stored."""
    if out:
        job.add_done_callback(store(magics.shell, out, convert))
    drawn = show(magics, job)
    if wait:
        result = convert(block(job.result))
        if not drawn and not out:
            return result
    return None


def follow(magics: MagicsContext, live: LiveStream[Any, Any], out: str | None, wait: bool) -> None:
    """Display a stream growing in place, arrange `-o` (its text or audio, once complete), block if asked."""
    from IPython.display import display

    display(live)
    if out:
        name = out

        def store_value(done: LiveStream[Any, Any]) -> None:
            try:
                value = done.value()
            except CambError:
                return  # the view shows the error line
            magics.shell.push({name: value})

        live.add_done_callback(store_value)
    if wait:
        block(live.result)
