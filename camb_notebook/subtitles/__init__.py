"""Subtitles: cue frames from transcripts and files, SRT/WebVTT out and in, layout presets, and translation
that keeps every cue's timing.

A data room between the engine and the session: it uses `api` types and the batch engine (`jobs`), never
the session or the front. Usage: `c = cues(job.result()); to_vtt(conform(c, "netflix"), "talk.vtt")`;
`translate_cues(c, to=["es-es"]).result()["es-es"]`.
"""

from __future__ import annotations

from camb_notebook.subtitles._cues import FLAGS, conform, cues, measure
from camb_notebook.subtitles._formats import read, to_srt, to_vtt
from camb_notebook.subtitles._layout import break_lines
from camb_notebook.subtitles._presets import PRESETS, Preset, preset
from camb_notebook.subtitles._translate import fit_translation, sentences, translate_cues

__all__ = [
    "FLAGS",
    "PRESETS",
    "Preset",
    "break_lines",
    "conform",
    "cues",
    "fit_translation",
    "measure",
    "preset",
    "read",
    "sentences",
    "to_srt",
    "to_vtt",
    "translate_cues",
]
