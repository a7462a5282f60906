"""Widgets: the live job progress bar, the jobs board and the CAMB panel (ipywidgets, imported lazily).

Importing this package registers the progress drawer as the Job display hook, so a Job shown in a cell
becomes a live bar. Usage: `camb_notebook.panel()`, `progress(job)`, `JobsBoard(session)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from camb_notebook.jobs import set_display_hook
from camb_notebook.widgets._progress import JobProgress, TextProgress, frontend, progress

if TYPE_CHECKING:
    import pandas as pd

    from camb_notebook.jobs import Job
    from camb_notebook.sessions import Camb
    from camb_notebook.widgets._board import JobsBoard
    from camb_notebook.widgets._panel import Panel
    from camb_notebook.widgets._qa import QaView

__all__ = [
    "JobProgress",
    "JobsBoard",
    "Panel",
    "QaView",
    "TextProgress",
    "frontend",
    "jobs_board",
    "panel",
    "progress",
    "qa_view",
]


def _display_job(job: Job) -> None:
    """Display hook: show a displayed Job as a live progress drawer (it displays itself)."""
    progress(job, show=True)


def panel(session: Camb | None = None) -> Panel:
    """The CAMB panel (Translate / Speech / Transcribe / Dub / Story / Catalog / Jobs) for `session`."""
    from camb_notebook.widgets._panel import Panel

    return Panel(session)


def jobs_board(session: Camb | None = None) -> JobsBoard:
    """The live jobs board (what `%camb jobs` shows) for `session` (default: shared)."""
    from camb_notebook.widgets._board import JobsBoard

    return JobsBoard(session)


def qa_view(frame: pd.DataFrame) -> QaView:
    """The QA summary (counts per target and check: a table and a bar chart) of a translated frame."""
    from camb_notebook.widgets._qa import QaView

    return QaView(frame)


def __getattr__(name: str) -> Any:
    """Import the board and panel classes on first use (they import pandas and ipywidgets)."""
    if name == "JobsBoard":
        from camb_notebook.widgets._board import JobsBoard

        return JobsBoard
    if name == "QaView":
        from camb_notebook.widgets._qa import QaView

        return QaView
    if name == "Panel":
        from camb_notebook.widgets._panel import Panel

        return Panel
    raise AttributeError(f"module 'camb_notebook.widgets' has no attribute {name!r}")


set_display_hook(_display_job)
