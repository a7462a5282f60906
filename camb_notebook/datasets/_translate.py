"""translate_dataset: check a dataset call, open (or continue) its run state, and start its DatasetJob.

Everything that can be wrong with the call (missing file, unknown format, no such column, a `dest` that
exists, another call's unfinished run, a bad budget) fails here with one line, before anything runs.
`dry_run=True` stops after the checks with a DatasetEstimate (`_estimate`): no run state, no `dest`.
Usage: `job = translate_dataset(manager, "in.parquet", "out.parquet", to=["fr-fr"])`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypedDict, overload

from camb_notebook.api import UsageError, formality_code, gender_code, resolve_language
from camb_notebook.datasets._estimate import DatasetEstimate, estimate_dataset
from camb_notebook.datasets._job import DatasetJob
from camb_notebook.datasets._output import RunState, check_outputs
from camb_notebook.datasets._source import open_source
from camb_notebook.jobs import Errors, JobManager
from camb_notebook.jobs._batch_options import BatchOptions, resolve_targets
from camb_notebook.jobs._batch_plan import DEFAULT_CHUNK_SIZE, DEFAULT_MAX_CHARS, chunk_texts
from camb_notebook.jobs._budget import check_budget

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["DEFAULT_BATCH_ROWS", "MANIFEST_VERSION", "DatasetArgs", "translate_dataset"]

DEFAULT_BATCH_ROWS = 50_000
# The output layout of a run's parts: 2 added the per-target camb_status_<t> / camb_error_<t> columns. A
# partial run of another version is refused (its parts would not stack with this one's).
MANIFEST_VERSION = 2


class DatasetArgs(TypedDict, total=False):
    """`translate_dataset`'s options but `dry_run`: one list for its overloads."""

    column: str
    source_lang: str
    batch_rows: int
    format: str | None
    chunk_size: int | None
    max_chars: int | None
    concurrency: int | None
    formality: str | int | None
    gender: str | int | None
    cache: bool
    errors: Errors
    overwrite: bool
    max_characters: int | None
    max_tasks: int | None
    resend_ambiguous: bool


@overload
def translate_dataset(
    manager: JobManager,
    source: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    *,
    to: str | Sequence[str],
    dry_run: Literal[False] = ...,
    **options: Unpack[DatasetArgs],
) -> DatasetJob: ...


@overload
def translate_dataset(
    manager: JobManager,
    source: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    *,
    to: str | Sequence[str],
    dry_run: Literal[True],
    **options: Unpack[DatasetArgs],
) -> DatasetEstimate: ...


@overload
def translate_dataset(
    manager: JobManager,
    source: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    *,
    to: str | Sequence[str],
    dry_run: bool,
    **options: Unpack[DatasetArgs],
) -> DatasetJob | DatasetEstimate: ...


def translate_dataset(
    manager: JobManager,
    source: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    *,
    column: str = "text",
    to: str | Sequence[str],
    source_lang: str = "en-us",
    batch_rows: int = DEFAULT_BATCH_ROWS,
    format: str | None = None,
    chunk_size: int | None = None,
    max_chars: int | None = None,
    concurrency: int | None = None,
    formality: str | int | None = None,
    gender: str | int | None = None,
    cache: bool = True,
    errors: Errors = "raise",
    overwrite: bool = False,
    dry_run: bool = False,
    max_characters: int | None = None,
    max_tasks: int | None = None,
    resend_ambiguous: bool = False,
) -> DatasetJob | DatasetEstimate:
    """Translate `source[column]` into every target, writing `dest` batch by batch; returns at once.

    `dry_run=True` reads the column once and returns a DatasetEstimate (nothing sent, nothing written).
    `max_characters` / `max_tasks` cap what the whole run creates (the session's `max_characters` by
    default); the run stops at a batch boundary, keeps what it wrote, and the same call continues.
    `resend_ambiguous=True` sends chunks whose earlier create may have made a task (not part of the call's
    identity: a rerun with it continues the same run).
    """
    if batch_rows < 1:
        raise UsageError(f"batch_rows must be at least 1, not {batch_rows}")
    if concurrency is not None and concurrency < 1:
        raise UsageError(f"concurrency must be at least 1, not {concurrency}")
    check_budget(max_characters, max_tasks)
    if max_characters is None:
        max_characters = manager.max_characters  # the session's default budget, as for every batch
    opened = open_source(source, format)
    if column not in opened.schema.names:
        raise UsageError(f"no column {column!r} in {opened.path.name} (columns: {opened.schema.names!r})")
    options = BatchOptions(
        source=resolve_language(source_lang, allow_auto=True).wire_value,
        targets=resolve_targets(to),
        chunk_size=DEFAULT_CHUNK_SIZE if chunk_size is None else chunk_size,
        max_chars=DEFAULT_MAX_CHARS if max_chars is None else max_chars,
        concurrency=concurrency,
        formality=formality_code(formality),
        gender=gender_code(gender),
        cache=cache,
        max_characters=max_characters,
        max_tasks=max_tasks,
        resend_ambiguous=resend_ambiguous,
    )
    chunk_texts([], chunk_size=options.chunk_size, max_chars=options.max_chars)  # validates the bounds
    check_outputs(opened.schema.names, column, options.targets)  # before the run state: nothing written
    if dry_run:
        estimate = estimate_dataset(
            manager, opened, options, column=column, batch_rows=batch_rows, errors=errors
        )

        def start() -> DatasetJob:
            return translate_dataset(
                manager,
                source,
                dest,
                column=column,
                to=to,
                source_lang=source_lang,
                batch_rows=batch_rows,
                format=format,
                chunk_size=chunk_size,
                max_chars=max_chars,
                concurrency=concurrency,
                formality=formality,
                gender=gender,
                cache=cache,
                errors=errors,
                overwrite=overwrite,
                max_characters=max_characters,
                max_tasks=max_tasks,
                resend_ambiguous=resend_ambiguous,
            )

        estimate.start = start
        return estimate
    target = Path(dest).expanduser().resolve()
    manifest = {
        "version": MANIFEST_VERSION,
        "source": str(opened.path),
        "format": opened.format,
        "files": opened.fingerprint(),
        "column": column,
        "source_language": options.source,
        "targets": list(options.targets),
        "batch_rows": batch_rows,
        "chunk_size": options.chunk_size,
        "max_chars": options.max_chars,
        "formality": options.formality,
        "gender": options.gender,
    }
    resumed = (target.with_name(target.name + ".camb-partial") / "manifest.json").exists()
    state = RunState.open(target, manifest, overwrite=overwrite)
    job = DatasetJob(
        manager,
        opened,
        state,
        options,
        column=column,
        batch_rows=batch_rows,
        errors=errors,
        source_language=source_lang,
        resumed=resumed,
    )
    return job._start()
