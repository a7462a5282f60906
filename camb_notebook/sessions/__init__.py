"""The session layer: the `Camb` facade, request building, and the process-wide default session and sandbox.

Sits between the front (magics, widgets, frames, streams) and the engine (`jobs/`); never imports pandas at
module level. Usage: `camb = session(); job = camb.translate("Hello", to="fr-fr")`.
"""

from __future__ import annotations

from camb_notebook.sessions._camb import Camb
from camb_notebook.sessions._process import current, running_sandbox, session, stop_sandbox, use_sandbox
from camb_notebook.sessions._streams import LiveStream, SpeechStream, TranslationStream

__all__ = [
    "Camb",
    "LiveStream",
    "SpeechStream",
    "TranslationStream",
    "current",
    "running_sandbox",
    "session",
    "stop_sandbox",
    "use_sandbox",
]
