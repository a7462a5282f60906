"""Camb's dataset methods (a mixin): translate a Parquet/CSV/JSON Lines dataset larger than memory.

Kept out of `_camb.py` so the facade stays one concept; `Camb` inherits it. The datasets room (and pyarrow)
loads on the first call. Usage: `camb.translate_dataset("in.parquet", "out.parquet", to=["fr-fr"])`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from camb_notebook.api import ApiKey, resolve_api_key
from camb_notebook.jobs import Errors, JobManager
from camb_notebook.sessions._connection import Connection

if TYPE_CHECKING:
    from camb_notebook.datasets import DatasetJob

__all__ = ["DatasetMethods"]


class DatasetMethods:
    """`translate_dataset` on the session (needs the `datasets` extra: pyarrow)."""

    _manager: JobManager  # the session's engine (Camb sets it)
    _connection: Connection  # the session's key and endpoint (Camb sets it)

    def _for_workers(self) -> tuple[str, ApiKey]:
        """(endpoint, key) for engines in other processes (a Dask cluster's workers); raises without a key."""
        return self._connection.endpoint, resolve_api_key(self._connection._key)

    def translate_dataset(
        self,
        source: str | os.PathLike[str],
        dest: str | os.PathLike[str],
        *,
        column: str = "text",
        to: str | Sequence[str],
        source_lang: str = "en-us",
        batch_rows: int = 50_000,
        format: str | None = None,
        chunk_size: int | None = None,
        max_chars: int | None = None,
        concurrency: int | None = None,
        formality: str | int | None = None,
        gender: str | int | None = None,
        cache: bool = True,
        errors: Errors = "raise",
        overwrite: bool = False,
        resend_ambiguous: bool = False,
    ) -> DatasetJob:
        """Translate `source[column]` into every target, writing Parquet `dest` in batches; returns at once.

        `source`: a Parquet file or directory, a .csv or a .jsonl file (`format=` when the suffix does not
        say). `dest`: a `.parquet` file, else a directory of parts: the input columns plus
        `<column>_<target>`, `camb_status` and `camb_error`, rows in input order. Memory holds about
        `batch_rows` rows; texts seen in an earlier batch are not sent again. Re-running the same call
        after a crash continues where it stopped and creates no task for finished rows; a chunk whose create
        the crash left unknown stops it until repeated with `resend_ambiguous=True`. Result: DatasetResult.
        """
        from camb_notebook.datasets import translate_dataset

        return translate_dataset(
            self._manager,
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
            resend_ambiguous=resend_ambiguous,
        )
