"""The session's tables as DataFrames: jobs, the language catalog, the account's voices (`_voice_table`).

Imported on first use, so a session works without loading pandas. Usage: `jobs_frame(manager.jobs())`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from camb_notebook.api import CATALOG, search_languages
from camb_notebook.sessions._voice_table import voices_frame

if TYPE_CHECKING:
    from camb_notebook.jobs import Job

__all__ = ["jobs_frame", "languages_frame", "voices_frame"]


def languages_frame(query: str | None = None) -> pd.DataFrame:
    """The bundled language catalog (id, locale, name), optionally searched by name or tag."""
    found = CATALOG.languages if query is None else search_languages(query, limit=len(CATALOG))
    return pd.DataFrame([(x.id, x.locale, x.name) for x in found], columns=["id", "locale", "name"])


def _utc(seconds: float | None) -> pd.Timestamp | None:
    """An epoch time as a UTC timestamp (None stays None)."""
    return None if seconds is None else pd.Timestamp(seconds, unit="s", tz="UTC")


_JOB_COLUMNS = [
    "id",
    "family",
    "state",
    "server_status",
    "task_id",
    "run_id",
    "created_at",
    "finished_at",
    "seconds",
    "cached",
    "error",
]


def jobs_frame(jobs: Iterable[Job]) -> pd.DataFrame:
    """The jobs table: one row per job in the given order, UTC times, errors as one-line strings."""
    rows = [
        {
            "id": job.id,
            "family": job.family,
            "state": job.state,
            "server_status": job.server_status,
            "task_id": job.task_id,
            "run_id": job.run_id,
            "created_at": _utc(job.created_at),
            "finished_at": _utc(job.finished_at),
            "seconds": None if job.finished_at is None else round(job.finished_at - job.created_at, 3),
            "cached": job.cached,
            "error": None if job.error is None else f"{type(job.error).__name__}: {job.error}",
        }
        for job in jobs
    ]
    return pd.DataFrame(rows, columns=_JOB_COLUMNS)
