"""The job-creating `%camb` subcommands (translate, tts, transcribe, dub, story) and `%%camb_translate`.

Languages, `$var` types and the key are checked before anything is submitted, so bad input never leaves a job
behind; several texts or targets become one batch whose result is the long frame (`text`, `target`,
`translation`, `status`, `error`). Main thread only. Usage: via `run_line` / `run_cell` in `_magic_commands`.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from camb_notebook.api import FORMALITY, GENDER, UsageError, option_code, resolve_language
from camb_notebook.jobs import translation_batch
from camb_notebook.magics._launch import follow, job_session, launch
from camb_notebook.magics._parsing import VAR, literal, parse_cell_line, split_texts, var_value

if TYPE_CHECKING:
    import pandas as pd

    from camb_notebook.magics import CambMagics

__all__ = ["dub", "run_cell", "story", "transcribe", "translate", "tts"]

# A `%%camb_translate` body that is only `$name` (a list, Series or DataFrame variable).
_BODY_VAR = re.compile(r"\s*\$([A-Za-z_]\w*)\s*")
# Columns of the frame `%%camb_translate` returns, renamed from the long batch layout.
_CELL_COLUMNS = {
    "camb_target": "target",
    "camb_translation": "translation",
    "camb_status": "status",
    "camb_error": "error",
}


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

    if frame.empty:
        raise UsageError("No texts to translate", hint="Give at least one non-empty text")
    targets, source = _targets(magics, args.target), _source(magics, args.source)
    batch = translation_batch(
        job_session(magics).manager,
        frame["text"].tolist(),
        to=targets,
        source=source,
        formality=option_code("formality", args.formality, FORMALITY),
        gender=option_code("gender", args.gender, GENDER),
        finalize=lambda outcome: assemble_long(frame, "text", outcome).rename(columns=_CELL_COLUMNS),
    )
    return launch(magics, batch, out, args.wait, convert=lambda result: result)


def translate(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb translate TEXT|$var --to T[,T2] [--from S]`."""
    if len(args.text) == 1 and args.text[0].startswith(VAR):
        value = var_value(args.text[0], magics.shell.user_ns)
        if not isinstance(value, str):
            if args.stream:
                raise UsageError("--stream takes one text", hint="Drop --stream to translate a batch")
            return _translate_texts(magics, _texts_from(value, args.column, literal(args.text[0])), args, out)
        text = value
    else:
        text = " ".join(literal(part) for part in args.text)
    targets, source = _targets(magics, args.target), _source(magics, args.source)
    if len(targets) > 1:
        if args.stream:
            raise UsageError("--stream takes one target language", hint="Drop --stream for several targets")
        import pandas as pd

        return _translate_texts(magics, pd.DataFrame({"text": [text]}), args, out)
    session = job_session(magics)
    options: dict[str, Any] = {
        "to": targets[0],
        "source": source,
        "formality": args.formality,
        "gender": args.gender,
    }
    if args.stream:  # a gone endpoint (404/410) falls back to a translation job
        return follow(magics, session.translate(text, stream=True, **options), out, args.wait)
    return launch(magics, session.translate(text, **options), out, args.wait)


def tts(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb tts TEXT --voice V [--lang L]`."""
    text, language = " ".join(args.text), args.lang or "en-us"
    if (args.format or args.model) and not args.stream:
        raise UsageError("--format and --model apply to streamed speech", hint="Add --stream")
    session = job_session(magics)
    if args.stream:
        speech = session.tts(
            text,
            voice=args.voice,
            language=language,
            stream=True,
            speech_model=args.model,
            output_format=args.format,
        )
        return follow(magics, speech, out, args.wait)
    return launch(magics, session.tts(text, voice=args.voice, language=language), out, args.wait)


def transcribe(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb transcribe PATH_OR_URL --lang L`."""
    job = job_session(magics).transcribe(args.source, language=args.lang)
    return launch(magics, job, out, args.wait)


def dub(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb dub URL --from S --to T[,T2]`."""
    job = job_session(magics).dub(args.url, source=args.source, to=_targets(magics, args.target))
    return launch(magics, job, out, args.wait)


def story(magics: CambMagics, args: argparse.Namespace, out: str | None) -> Any:
    """`%camb story PATH --lang L`."""
    job = job_session(magics).story(args.path, language=args.lang)
    return launch(magics, job, out, args.wait)


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
