"""Translated subtitles keep their timing: 120 cues into 3 languages on the sandbox's translation engine."""

from __future__ import annotations

import pandas as pd
from subtitle_helpers import long_transcript

import camb_notebook.frames  # noqa: F401 - registers df.camb
from camb_notebook.sandbox import Sandbox, pseudo_localize
from camb_notebook.sessions import Camb
from camb_notebook.subtitles import PRESETS, conform, cues, fit_translation, sentences, translate_cues

TARGETS = ["es-es", "fr-fr", "de-de"]


def _flat(texts: list[str]) -> str:
    """Cue texts of a sentence as the one line they were cut from."""
    return " ".join(" ".join(t.split()) for t in texts if t.strip())


def test_fit_translation_cuts_at_words_in_proportion() -> None:
    """Pieces follow the source cue lengths, never split a word, prefer punctuation, cover every word."""
    pieces = fit_translation("Hola amigo, ¿cómo estás esta mañana en la ciudad? Muy bien.", [12, 30, 9])
    assert pieces == ["Hola amigo,", "¿cómo estás esta mañana en la ciudad?", "Muy bien."]
    assert fit_translation("uno dos", [5, 5, 5]) == ["uno", "dos", ""]
    assert "".join(fit_translation("日本語のテキストです", [3, 7])) == "日本語のテキストです"


def test_sentences_follow_punctuation_speakers_and_pauses() -> None:
    """A sentence ends at . ! ?, at a change of speaker, or after a long pause."""
    frame = cues(
        [
            {"start": 0, "end": 1, "text": "Today we build", "speaker": "A"},
            {"start": 1.1, "end": 2, "text": "a small box.", "speaker": "A"},
            {"start": 2.1, "end": 3, "text": "Questions", "speaker": "A"},
            {"start": 3.1, "end": 4, "text": "Why not", "speaker": "B"},
            {"start": 9.0, "end": 10, "text": "nails", "speaker": "B"},
        ]
    )
    assert sentences(frame) == [(0, 2), (2, 3), (3, 4), (4, 5)]


def test_120_cues_into_3_languages_keep_count_and_timing(camb: Camb, camb_sandbox: Sandbox) -> None:
    """Same cue count, every start/end unchanged; each sentence's words all present; limits met or flagged."""
    original = conform(cues(long_transcript(120)), "netflix")
    assert len(original) == 120
    before = camb_sandbox.stats.tasks_created.get("translation", 0)
    batch = translate_cues(original, camb.manager, to=TARGETS, preset="netflix", chunk_size=25)
    tracks = batch.result()
    assert sorted(tracks) == sorted(TARGETS)
    groups = sentences(original)
    distinct = len({_flat(original["text"].tolist()[a:b]) for a, b in groups})  # the engine sends each once
    assert camb_sandbox.stats.tasks_created.get("translation", 0) - before == 3 * -(-distinct // 25)
    limits = PRESETS["netflix"]
    for target, frame in tracks.items():
        assert len(frame) == 120
        assert frame["start"].tolist() == original["start"].tolist()
        assert frame["end"].tolist() == original["end"].tolist()
        assert frame["source_text"].tolist() == original["text"].tolist()
        for first, stop in groups:
            source = _flat(original["text"].tolist()[first:stop])
            assert _flat(frame["text"].tolist()[first:stop]) == pseudo_localize(source, target)
        for row in frame.itertuples():
            meets = (
                row.cps <= limits.max_cps
                and row.max_line_length <= limits.max_chars_per_line
                and row.lines <= limits.max_lines
                and limits.min_duration - 1e-9 <= row.duration <= limits.max_duration + 1e-9
            )
            assert meets or row.flags, (target, row)
        assert (frame["flags"].str.contains("too_fast")).any()  # the sandbox's texts are 30 % longer


def test_failed_sentences_keep_their_source_text_and_are_flagged(camb: Camb, camb_sandbox: Sandbox) -> None:
    """A failed chunk leaves its cues in the source language, flagged `untranslated`; the rest is fitted."""
    original = cues(long_transcript(24))
    camb_sandbox.fail_next("error=SOURCE_NOT_FOUND", route="POST translate", times=1)
    batch = translate_cues(original, camb.manager, to=["es-es"], chunk_size=4, cache=False)
    track = batch.result()["es-es"]  # a partial batch still has a result; failed chunks are marked
    failed = track[track["flags"].str.contains("untranslated")]
    assert 0 < len(failed) < len(track)
    assert (failed["text"] == failed["source_text"]).all()
    assert track["start"].tolist() == original["start"].tolist()


def test_frame_accessor_translates_cues_on_the_default_session(camb: Camb) -> None:
    """`cues.camb.translate(to=[...])` (no column) translates cues; with a column, that column."""
    original = cues(long_transcript(6))
    tracks = original.camb.translate(to=["it-it"], session=camb).result()
    assert list(tracks) == ["it-it"]
    assert tracks["it-it"]["end"].tolist() == original["end"].tolist()
    wide = original.camb.translate("text", to=["it-it"], session=camb).result()
    assert isinstance(wide, pd.DataFrame) and len(wide) == 6


def test_cost_first_and_protection_apply_to_subtitle_batches(camb: Camb, camb_sandbox: Sandbox) -> None:
    """dry_run gives the batch's Estimate (nothing sent; run() fits as usual); placeholders stay protected."""
    original = cues(
        [
            {"start": 0.0, "end": 2.0, "text": "Hello {name},"},
            {"start": 2.1, "end": 4.0, "text": "your order ships today."},
        ]
    )
    before = camb_sandbox.stats.tasks_created.get("translation", 0)
    estimate = camb.translate_subtitles(original, to=["es-es"], dry_run=True)
    assert not isinstance(estimate, dict) and estimate.tasks == 1  # type: ignore[union-attr]
    assert camb_sandbox.stats.tasks_created.get("translation", 0) == before
    track = estimate.run().result()["es-es"]  # type: ignore[union-attr]
    assert "{name}" in track["text"].iloc[0]
    assert track["end"].tolist() == [2.0, 4.0]
    unprotected = camb.translate_subtitles(original, to=["es-es"], protect=False, cache=False).result()
    assert "{name}" not in unprotected["es-es"]["text"].iloc[0]  # type: ignore[index]
