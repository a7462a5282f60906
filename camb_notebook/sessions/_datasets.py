"""Camb's dataset methods (a mixin): translate a Parquet/CSV/JSON Lines dataset larger than memory.

Kept out of `_camb.py` so the facade stays one concept; `Camb` inherits it. The datasets room (and pyarrow)
loads on the first call. Usage: `camb.translate_dataset("in.parquet", "out.parquet", to=["fr-fr"])`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, overload

from camb_notebook.api import ApiKey, resolve_api_key
from camb_notebook.jobs import JobManager
from camb_notebook.sessions._connection import Connection

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from camb_notebook.datasets import DatasetEstimate, DatasetJob
    from camb_notebook.datasets._translate import DatasetArgs

__all__ = ["DatasetMethods"]


class DatasetMethods:
    """`translate_dataset` on the session (needs the `datasets` extra: pyarrow)."""

    _manager: JobManager  # the session's engine (Camb sets it)
    _connection: Connection  # the session's key and endpoint (Camb sets it)

    def _for_workers(self) -> tuple[str, ApiKey]:
        """(endpoint, key) for engines in other processes (a Dask cluster's workers); raises without a key."""
        return self._connection.endpoint, resolve_api_key(self._connection._key)

    @overload
    def translate_dataset(
        self,
        source: str | os.PathLike[str],
        dest: str | os.PathLike[str],
        *,
        to: str | Sequence[str],
        dry_run: Literal[False] = ...,
        **options: Unpack[DatasetArgs],
    ) -> DatasetJob: ...

    @overload
    def translate_dataset(
        self,
        source: str | os.PathLike[str],
        dest: str | os.PathLike[str],
        *,
        to: str | Sequence[str],
        dry_run: Literal[True],
        **options: Unpack[DatasetArgs],
    ) -> DatasetEstimate: ...

    @overload
    def translate_dataset(
        self,
        source: str | os.PathLike[str],
        dest: str | os.PathLike[str],
        *,
        to: str | Sequence[str],
        dry_run: bool,
        **options: Unpack[DatasetArgs],
    ) -> DatasetJob | DatasetEstimate: ...

    def translate_dataset(
        self,
        source: str | os.PathLike[str],
        dest: str | os.PathLike[str],
        *,
        to: str | Sequence[str],
        dry_run: bool = False,
        **options: Unpack[DatasetArgs],
    ) -> DatasetJob | DatasetEstimate:
        """Translate `source[column]` into every target, writing Parquet `dest` in batches; returns at once.

        `source`: a Parquet file or directory, a .csv or a .jsonl file (`format=` when the suffix does not
        say). `dest`: a `.parquet` file, else a directory of parts: the input columns plus
        `<column>_<target>` per target, `camb_status_<target>` / `camb_error_<target>` per target, and the row
        summary `camb_status` / `camb_error`, rows in input order (as df.camb.translate). Options: `column`
        ("text"), `source_lang`, `batch_rows` (50,000), `chunk_size`, `max_chars`, `concurrency`, `formality`,
        `gender`, `cache`, `errors`, `overwrite`. Memory holds about `batch_rows` rows; texts seen in an
        earlier batch are not sent again. Re-running the same call after a crash continues where it stopped
        and creates no task for finished rows; a chunk whose create the crash left unknown stops it until
        repeated with `resend_ambiguous=True`. Result: DatasetResult.

        `dry_run=True` reads the column once and returns a DatasetEstimate (rows, distinct texts, billable
        characters, tasks; `.run()` starts the run); nothing is sent or written. `max_characters` /
        `max_tasks` cap what the whole run creates (the session's `max_characters` by default): the run stops
        at a batch boundary with the remaining rows `not_sent` (`DatasetResult.not_sent_rows`), keeps the
        batches written, and the same call with a larger budget continues from them.
        """
        from camb_notebook.datasets import translate_dataset

        return translate_dataset(self._manager, source, dest, to=to, dry_run=dry_run, **options)
