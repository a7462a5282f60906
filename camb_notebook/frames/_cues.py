"""`cues.camb.translate(to=[...])`: translated subtitles on the session's engine, keeping every cue's timing.

The work is `Camb.translate_subtitles` (`subtitles.translate_cues`); this front end only finds the session
(the default one unless `session=` is given). Main thread.
Usage: `tracks = cues.camb.translate(to=["es-es"]).result()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from camb_notebook.jobs import BatchJob, Estimate

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
) -> BatchJob[dict[str, pd.DataFrame]] | Estimate:
    """Translate a cue frame (start/end/text) into each target; the BatchJob's result is `{target: cues}`.

    Options are `Camb.translate_subtitles`'s: batch options, `dry_run`, budgets, protection and QA.
    """
    if session is None:
        from camb_notebook.sessions import session as default_session

        session = default_session()
    return session.translate_subtitles(frame, to=to, source=source, **options)
