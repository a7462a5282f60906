"""The job engine: a background loop thread that creates, polls and fetches CAMB.AI tasks for the notebook.

Never imports pandas or ipywidgets. Usage: `manager = JobManager(api); job = manager.submit(family, request)`.
The names below are the engine's public surface for the sessions, frames, streams, widgets and magics layers.
"""

from __future__ import annotations

from camb_notebook.jobs._batch import BatchJob, translation_batch
from camb_notebook.jobs._batch_plan import BatchOutcome, Errors
from camb_notebook.jobs._dispatch import Dispatcher
from camb_notebook.jobs._job import FINAL_STATES, Job, JobState
from camb_notebook.jobs._job_display import set_display_hook
from camb_notebook.jobs._journal import JobRecord, Journal, default_home
from camb_notebook.jobs._loop import LoopThread, wait_future
from camb_notebook.jobs._manager import JobManager
from camb_notebook.jobs._poll import PollGroup, PollPolicy, TaskApi, fetch_result, poll_until_terminal
from camb_notebook.jobs._settings import DEFAULTS, Settings

__all__ = [
    "DEFAULTS",
    "FINAL_STATES",
    "BatchJob",
    "BatchOutcome",
    "Dispatcher",
    "Errors",
    "Job",
    "JobManager",
    "JobRecord",
    "JobState",
    "Journal",
    "LoopThread",
    "PollGroup",
    "PollPolicy",
    "Settings",
    "TaskApi",
    "default_home",
    "fetch_result",
    "poll_until_terminal",
    "set_display_hook",
    "translation_batch",
    "wait_future",
]
