"""The job engine: a background loop thread that creates, polls and fetches CAMB.AI tasks for the notebook.

Never imports pandas or ipywidgets. Usage: `manager = JobManager(api); job = manager.submit(family, request)`.
"""

from __future__ import annotations

from camb_notebook.jobs._batch import *  # noqa: F403
from camb_notebook.jobs._batch import __all__ as _batch_all
from camb_notebook.jobs._batch_plan import BatchOutcome as BatchOutcome
from camb_notebook.jobs._batch_plan import Errors as Errors
from camb_notebook.jobs._dispatch import *  # noqa: F403
from camb_notebook.jobs._dispatch import __all__ as _dispatch_all
from camb_notebook.jobs._job import *  # noqa: F403
from camb_notebook.jobs._job import __all__ as _job_all
from camb_notebook.jobs._journal import *  # noqa: F403
from camb_notebook.jobs._journal import __all__ as _journal_all
from camb_notebook.jobs._loop import *  # noqa: F403
from camb_notebook.jobs._loop import __all__ as _loop_all
from camb_notebook.jobs._loop import wait_future as wait_future
from camb_notebook.jobs._manager import *  # noqa: F403
from camb_notebook.jobs._manager import __all__ as _manager_all
from camb_notebook.jobs._poll import *  # noqa: F403
from camb_notebook.jobs._poll import __all__ as _poll_all
from camb_notebook.jobs._settings import DEFAULTS as DEFAULTS
from camb_notebook.jobs._settings import Settings as Settings

__all__ = sorted(
    [
        *_batch_all,
        "BatchOutcome",
        "Errors",
        *_dispatch_all,
        *_job_all,
        *_journal_all,
        *_loop_all,
        *_manager_all,
        *_poll_all,
        "DEFAULTS",
        "Settings",
        "wait_future",  # blocking waits elsewhere (streams) use the same interruptible slices
    ]
)
