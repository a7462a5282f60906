"""`cues.camb.translate(to=[...])`: translated subtitles on the session's engine, keeping every cue's timing.

The work is `camb_notebook.subtitles.translate_cues`; this front end only finds the session (the default one
unless `session=` is given). Main thread. Usage: `tracks = cues.camb.translate(to=["es-es"]).result()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from camb_notebook.jobs import BatchJob
from camb_notebook.subtitles import translate_cues

if TYPE_CHECKING:
    from camb_notebook.sessions import Camb

__all__ = ["translate_cue_frame"]


def translate_cue_frame(
    frame: pd.DataFrame,
    to: str | Sequence[str],
    source: str = "en-us",
    *,
    session: Camb | None = None,
    **options: Any,
) -> BatchJob[dict[str, pd.DataFrame]]:
    """Translate a cue frame (start/end/text) into each target; the BatchJob's result is `{target: cues}`."""
    if session is None:
        from camb_notebook.sessions import session as default_session

        session = default_session()
    return translate_cues(frame, session.manager, to=to, source=source, **options)
