"""The job engine: a background loop thread that creates, polls and fetches CAMB.AI tasks for the notebook.

Never imports pandas or ipywidgets. Usage: `manager = JobManager(api); job = manager.submit(family, request)`.
The names below are the engine's public surface for the sessions, frames, streams, widgets and magics layers.
`Settings`/`DEFAULTS` load at once and cost nothing; the rest load with the engine (and httpx) on first use,
so the magics' traits can read `DEFAULTS` at `%load_ext` without loading the engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from camb_notebook.jobs._settings import DEFAULTS, Settings

if TYPE_CHECKING:
    from camb_notebook.jobs._batch import BatchJob
    from camb_notebook.jobs._batch_entry import BatchArgs, translation_batch
    from camb_notebook.jobs._batch_plan import BatchOutcome, Errors, invalid_reason
    from camb_notebook.jobs._batch_quality import QualityArgs, QualityOptions, quality_options
    from camb_notebook.jobs._batch_summary import BatchSummary
    from camb_notebook.jobs._budget import NOT_SENT, is_not_sent
    from camb_notebook.jobs._direct import submit_direct
    from camb_notebook.jobs._dispatch import Dispatcher
    from camb_notebook.jobs._earlier_batch import EarlierBatch, fold_state
    from camb_notebook.jobs._estimate import Estimate
    from camb_notebook.jobs._job import FINAL_STATES, Job, JobState
    from camb_notebook.jobs._job_display import set_display_hook
    from camb_notebook.jobs._journal import JobRecord, Journal, default_home
    from camb_notebook.jobs._loop import LoopThread, wait_future
    from camb_notebook.jobs._manager import JobManager
    from camb_notebook.jobs._memory import release_free_memory
    from camb_notebook.jobs._poll import PollGroup, PollPolicy, TaskApi, fetch_result, poll_until_terminal
    from camb_notebook.jobs._speech_batch import (
        SpeechAudio,
        SpeechBatch,
        SpeechOutcome,
        dubbing_batch,
        transcription_batch,
        tts_batch,
    )
    from camb_notebook.jobs._text_store import TextStore

__all__ = [
    "DEFAULTS",
    "FINAL_STATES",
    "NOT_SENT",
    "BatchArgs",
    "BatchJob",
    "BatchOutcome",
    "BatchSummary",
    "Dispatcher",
    "EarlierBatch",
    "Errors",
    "Estimate",
    "Job",
    "JobManager",
    "JobRecord",
    "JobState",
    "Journal",
    "LoopThread",
    "PollGroup",
    "PollPolicy",
    "QualityArgs",
    "QualityOptions",
    "Settings",
    "SpeechAudio",
    "SpeechBatch",
    "SpeechOutcome",
    "TaskApi",
    "TextStore",
    "default_home",
    "dubbing_batch",
    "fetch_result",
    "fold_state",
    "invalid_reason",
    "is_not_sent",
    "poll_until_terminal",
    "quality_options",
    "release_free_memory",
    "set_display_hook",
    "submit_direct",
    "transcription_batch",
    "translation_batch",
    "tts_batch",
    "wait_future",
]

# The modules that define the names above (each public name is the same object in whichever imports it).
_MODULES = (
    "_batch",
    "_batch_entry",
    "_batch_plan",
    "_batch_quality",
    "_batch_summary",
    "_budget",
    "_direct",
    "_dispatch",
    "_earlier_batch",
    "_estimate",
    "_job",
    "_job_display",
    "_journal",
    "_loop",
    "_manager",
    "_memory",
    "_poll",
    "_speech_batch",
    "_text_store",
)


def __getattr__(name: str) -> Any:
    """Load the engine on first use of one of its public names (then it is a plain attribute here)."""
    if name in __all__:
        for module in _MODULES:
            found = importlib.import_module(f"camb_notebook.jobs.{module}")
            if hasattr(found, name):
                value = getattr(found, name)
                globals()[name] = value
                return value
    raise AttributeError(f"module 'camb_notebook.jobs' has no attribute {name!r}")
