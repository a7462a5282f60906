"""What each `%camb` subcommand and `%%camb_translate` does: validate, delegate to the session, show, store.

Everything is checked (arguments, languages, `$var` types) before a job is created, so a bad line never leaves
a half-made job. Job commands show a live progress drawer and return at once; `-o NAME` is filled by a done
callback on the main thread, long after the cell returned. Main thread only. Usage: via `CambMagics`.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from camb_notebook._magic_args import (
    VAR,
    Command,
    help_text,
    literal,
    parse_cell_line,
    parse_line,
    split_texts,
    var_value,
)
from camb_notebook.api import MissingKeyError, UsageError, resolve_language

if TYPE_CHECKING:
    import pandas as pd

    from camb_notebook._session import Camb
    from camb_notebook.jobs import Job
    from camb_notebook.magics import CambMagics

__all__ = ["WaitInterrupted", "apply_settings", "run_cell", "run_line", "start_sandbox"]

_KEY_HINT = "Set CAMB_API_KEY, add it to .env, or run %camb key --prompt"
# The API's integers for --formality and --gender (camb-api.md §1), as the batch engine takes them.
FORMALITY = {"formal": 1, "informal": 2}
GENDER = {"unknown": 0, "male": 1, "female": 2, "neutral": 9}
_BODY_VAR = re.compile(r"\s*\$([A-Za-z_]\w*)\s*")
# Columns of the frame `%%camb_translate` returns, renamed from the long batch layout.
_CELL_COLUMNS = {
    "camb_target": "target",
    "camb_translation": "translation",
    "camb_status": "status",
    "camb_error": "error",
}


class WaitInterrupted(KeyboardInterrupt):
    """Raised when a `--wait` or `%camb wait` is interrupted; one line says what keeps running."""

    def _render_traceback_(self) -> list[str]:
        """Show the interrupt as one line (the cell still fails, so Run All stops)."""
        return [f"Interrupted: {self}"]


# ---- session plumbing ------------------------------------------------------------------------------------


def _session(magics: CambMagics) -> Camb:
    """The shared session with this magic's engine settings applied."""
    from camb_notebook._session import session

    current = session()
    apply_settings(magics, current)
    return current


def _job_session(magics: CambMagics) -> Camb:
    """The session for a job-creating command, after checking that an API key can be found."""
    current = _session(magics)
    if current.key_status().startswith("no API key"):
        raise MissingKeyError("No CAMB.AI API key", hint=_KEY_HINT)
    return current


def _existing_session() -> Camb | None:
    """The default session if one exists already (so changing a setting never creates one)."""
    from camb_notebook import _session

    return _session._default


def _settings(magics: CambMagics) -> dict[str, Any]:
    """The engine settings a new session is built with."""
    return {"poll_cap": magics.poll_cap, "deadline": magics.deadline, "max_in_flight": magics.max_in_flight}


def apply_settings(magics: CambMagics, current: Camb | None = None) -> None:
    """Push `poll_cap`, `deadline` and `max_in_flight` into the session's engine (if a session exists yet)."""
    current = current or _existing_session()
    if current is None:
        return
    manager = current.manager
    manager.policy = dataclasses.replace(manager.policy, cap=magics.poll_cap, deadline=magics.deadline)
    manager.max_in_flight = magics.max_in_flight


def _show(magics: CambMagics, job: Job) -> None:
    """Display the live progress drawer for `job` (text line when `CambMagics.progress == 'text'`)."""
    from camb_notebook.widgets import TextProgress, progress

    if magics.progress == "text":
        TextProgress(job, in_output=True)
    else:
        progress(job)


def _block(call: Callable[[], Any]) -> Any:
    """Run a blocking wait; an interrupt becomes one line saying what keeps running."""
    try:
        return call()
    except KeyboardInterrupt as exc:
        raise WaitInterrupted(
            str(exc) or "stopped waiting; the jobs keep running in the background"
        ) from None


def _store(shell: Any, name: str, convert: Callable[[Any], Any]) -> Callable[[Job], None]:
    """A done callback that puts the job's (converted) result into the user namespace as `name`."""

    def store(job: Job) -> None:
        if job.error is None:
            shell.push({name: convert(job.result())})

    return store


def _plain(result: Any) -> Any:
    """The value `-o` stores: a single translation as its text, anything else as the result object."""
    from camb_notebook.api import TranslationResult

    if isinstance(result, TranslationResult) and len(result.texts) == 1:
        return result.texts[0]
    return result


def _launch(
    magics: CambMagics, job: Job, out: str | None, wait: bool, convert: Callable[[Any], Any] = _plain
) -> Any:
    """Show the job, arrange `-o`, and block when asked; the result appears under the progress bar."""
    if out:
        job.add_done_callback(_store(magics.shell, out, convert))
    _show(magics, job)
    if wait:
        result = _block(job.result)
        if magics.progress == "text":
            return convert(result)
    return None


# ---- argument helpers ------------------------------------------------------------------------------------


def _targets(magics: CambMagics, value: str | None) -> list[str]:
    """Resolve `--to a,b` (or `CambMagics.default_target`) to locale tags; fails before any job exists."""
    raw = value or magics.default_target
    if not raw:
        raise UsageError(
            "No target language", hint="Pass --to fr-fr (or set %config CambMagics.default_target)"
        )
    return [resolve_language(part.strip()).locale for part in raw.split(",") if part.strip()]


def _source(magics: CambMagics, value: str | None) -> str:
    """Resolve `--from` (or `CambMagics.default_source`), allowing `auto`."""
    return resolve_language(value or magics.default_source, allow_auto=True).locale


def _options(args: argparse.Namespace) -> dict[str, Any]:
    """Formality and gender as the API's integers (None when not given)."""
    return {
        "formality": FORMALITY[args.formality] if args.formality else None,
        "gender": GENDER[args.gender] if args.gender else None,
    }


def _texts_from(value: Any, column: str | None, label: str) -> pd.DataFrame:
    """A one-column frame `text` from a list/tuple/Series/DataFrame given as `$var` (else UsageError)."""
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        if column is None or column not in value.columns:
            raise UsageError(
                f"{label} is a DataFrame",
                hint=f"Name the text column with --column (one of {list(value.columns)})",
            )
        return pd.DataFrame({"text": value[column]})
    if isinstance(value, (pd.Series, list, tuple)):
        return pd.DataFrame({"text": list(value)})
    raise UsageError(f"{label} is a {type(value).__name__}", hint="Use a list, Series or DataFrame of texts")


def _translate_texts(
    magics: CambMagics, frame: pd.DataFrame, args: argparse.Namespace, out: str | None
) -> Any:
    """Translate a frame of texts into every target as one batch; the result is the long frame."""
    from camb_notebook.frames import assemble_long
    from camb_notebook.jobs import translation_batch

    if frame.empty:
        raise UsageError("No texts to translate", hint="Give at least one non-empty text")
    targets, source = _targets(magics, args.target), _source(magics, args.source)
    session = _job_session(magics)
    batch = translation_batch(
        session.manager,
        frame["text"].tolist(),
        to=targets,
        source=source,
        finalize=lambda outcome: assemble_long(frame, "text", outcome).rename(columns=_CELL_COLUMNS),
        formality=FORMALITY.get(args.formality or ""),
        gender=GENDER.get(args.gender or ""),
    )
    return _launch(magics, batch, out, args.wait, convert=lambda result: result)


# ---- %camb subcommands -----------------------------------------------------------------------------------


def _help(magics: CambMagics, args: argparse.Namespace, out: str | None) -> None:
    """`%camb help [SUBCOMMAND]`."""
    print(help_text(args.topic))


def _key(magics: CambMagics, args: argparse.Namespace, out: str | None) -> None:
    """`%camb key [--prompt]`: masked status, or a hidden prompt whose key is used for this kernel only."""
    from camb_notebook.api import ApiKey

    session = _session(magics)
    if args.prompt:
        key = ApiKey(getpass.getpass("CAMB.AI API key (hidden): "))
        session.set_key(key)
        print(f"Using key {key.masked} in this kernel (not saved anywhere).")
        return
    print(repr(session))
    if session.key_status().startswith("no API key"):
        print(_KEY_HINT)


def start_sandbox(magics: CambMagics) -> None:
    """Start the embedded sandbox (once) and make the shared session use it."""
    from camb_notebook._session import Camb

    session = Camb.use_sandbox(**_settings(magics))
    print(f"Sandbox API running at {session.base_url}; the session now uses it.")


def _sandbox(magics: CambMagics, args: argparse.Namespace, out: str | None) -> None:
    """`%camb sandbox [start|stop|status]`."""
    from camb_notebook import _session

    if args.action == "start":
        start_sandbox(magics)
        return
    sandbox = _session._sandbox
    running = sandbox is not None and sandbox.running
    current = _existing_session()
    in_use = running and current is not None and sandbox is not None and current.base_url == sandbox.base_url
    if args.action == "status":
        where = f"Sandbox running at {sandbox.base_url}" if running and sandbox else "No sandbox running"
        print(where + ("; the session uses it." if in_use else " (start one: %camb sandbox start)."))
        return
    if not running or sandbox is None:
        print("No sandbox is running.")
        return
    sandbox.stop()
    if in_use:
        with _session._lock:
            _session._default = None
    print("Sandbox stopped; the next command uses CAMB_API_BASE (or the real API).")


def _frame_result(value: pd.DataFrame, shell: Any, out: str | None) -> pd.DataFrame | None:
    """Store a frame under `out` (store only), or return it for display."""
    if out:
        shell.push({out: value})
        return None
    return value


def _languages(magics: CambMagics, args: argparse.Namespace, out: str | None) -> pd.DataFrame | None:
    """`%camb languages [QUERY]`."""
    return _frame_result(_session(magics).languages(" ".join(args.query) or None), magics.shell, out)


def _voices(magics: CambMagics, args: argparse.Namespace, out: str | None) -> pd.DataFrame | None:
    """`%camb voices [QUERY]`."""
    return _frame_result(_session(magics).voices(" ".join(args.query) or None), magics.shell, out)


def _translate(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb translate TEXT|$var --to T[,T2] [--from S]`."""
    if len(args.text) == 1 and args.text[0].startswith(VAR):
        value = var_value(args.text[0], magics.shell.user_ns)
        if not isinstance(value, str):
            return _translate_texts(magics, _texts_from(value, args.column, literal(args.text[0])), args, out)
        text = value
    else:
        text = " ".join(literal(part) for part in args.text)
    targets, source = _targets(magics, args.target), _source(magics, args.source)
    if len(targets) > 1:
        import pandas as pd

        return _translate_texts(magics, pd.DataFrame({"text": [text]}), args, out)
    session = _job_session(magics)
    job = session.translate(text, to=targets[0], source=source, formality=args.formality, gender=args.gender)
    return _launch(magics, job, out, args.wait)


def _tts(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb tts TEXT --voice V [--lang L]`."""
    text = " ".join(args.text)
    job = _job_session(magics).tts(text, voice=args.voice, language=args.lang or "en-us")
    return _launch(magics, job, out, args.wait)


def _transcribe(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb transcribe PATH_OR_URL --lang L`."""
    job = _job_session(magics).transcribe(args.source, language=args.lang)
    return _launch(magics, job, out, args.wait)


def _dub(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb dub URL --from S --to T[,T2]`."""
    job = _job_session(magics).dub(args.url, source=args.source, to=_targets(magics, args.target))
    return _launch(magics, job, out, args.wait)


def _story(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb story PATH --lang L`."""
    job = _job_session(magics).story(args.path, language=args.lang)
    return _launch(magics, job, out, args.wait)


def _jobs(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb jobs [--df]`: the live board, or the jobs DataFrame (also when stored with -o)."""
    session = _session(magics)
    if args.df or out or magics.progress == "text":
        return _frame_result(session.jobs(), magics.shell, out)
    from camb_notebook.widgets import jobs_board

    return jobs_board(session)


def _pick(session: Camb, ref: str) -> list[Job]:
    """`all` → every unfinished job; otherwise the job with this id (or unique prefix)."""
    if ref == "all":
        return [job for job in session.manager.jobs() if not job.done()]
    return [session.get_job(ref)]


def _wait(magics: CambMagics, args: argparse.Namespace, out: str | None) -> None:
    """`%camb wait [JOB|all] [--timeout S]`: block until final; report how each ended."""
    session = _session(magics)
    jobs = _pick(session, args.job)
    done = _block(lambda: session.wait(jobs, timeout=args.timeout))
    for job in done:
        print(f"{job!r}" + (f": {type(job.error).__name__}: {job.error}" if job.error else ""))
    if not done:
        print("No running jobs.")


def _result(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb result JOB`: the job's result (waits if needed; raises its error as one line)."""
    job = _session(magics).get_job(args.job)
    value = _plain(_block(job.result))
    if out:
        magics.shell.push({out: value})
        return None
    return value


def _cancel(magics: CambMagics, args: argparse.Namespace, out: str | None) -> None:
    """`%camb cancel JOB|all`: stop local polling and say what keeps running on the server."""
    session = _session(magics)
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
    jobs = _session(magics).resume()
    print(f"Resumed {len(jobs)} job(s) from the journal." if jobs else "No unfinished jobs in the journal.")
    for job in jobs:
        _show(magics, job)


def _panel(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb panel`."""
    from camb_notebook.widgets import panel

    return panel(_session(magics))


def _config(magics: CambMagics, args: argparse.Namespace, out: str | None) -> None:
    """`%camb config`: the CambMagics traits plus the endpoint in use."""
    for name in sorted(magics.class_trait_names(config=True)):
        print(f"CambMagics.{name} = {getattr(magics, name)!r}")
    print(repr(_session(magics)))


_COMMANDS: dict[str, Callable[[CambMagics, argparse.Namespace, str | None], Any]] = {
    "help": _help,
    "key": _key,
    "sandbox": _sandbox,
    "languages": _languages,
    "voices": _voices,
    "translate": _translate,
    "tts": _tts,
    "transcribe": _transcribe,
    "dub": _dub,
    "story": _story,
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


def run_cell(magics: CambMagics, line: str, cell: str) -> Any:
    """`%%camb_translate`: the cell's texts (or a `$var` body) into every target, as one DataFrame."""
    import pandas as pd

    args, out = parse_cell_line(line)
    match = _BODY_VAR.fullmatch(cell)
    if match:
        frame = _texts_from(
            var_value(VAR + match.group(1), magics.shell.user_ns), args.column, f"${match.group(1)}"
        )
    else:
        texts: Sequence[str] = split_texts(cell, args.split)
        if not texts:
            raise UsageError(
                "The cell is empty", hint="Put one text per line under %%camb_translate --to ..."
            )
        frame = pd.DataFrame({"text": texts})
    return _translate_texts(magics, frame, args, out)
