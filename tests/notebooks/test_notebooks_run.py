"""Every notebook in `notebooks/` runs top to bottom in a real kernel on the sandbox and shows what it says.

Each test executes one notebook (see conftest.py: fresh kernel, fast sandbox, `CAMB_SANDBOX=1` as `make demo`
sets it, except quickstart, which relies on its own `%camb sandbox start`), fails on any error output, and
checks the cells' results and the stored widget state: bars that ended green (or red where the notebook makes
a chunk fail), audio players, result tables, the board and the panel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from notebook_outputs import WidgetState, code_cell, text_output
from notebook_runner import NotebookRunner
from suite_helpers import hold_tasks, release_tasks, wait_until

from camb_notebook.jobs import Journal
from camb_notebook.sandbox import pseudo_localize

pytestmark = pytest.mark.kernel


def bars(state: WidgetState, cell: Any) -> list[dict[str, Any]]:
    """The progress bars a cell shows, as their stored traits."""
    return [entry["state"] for entry in state.models(cell, "FloatProgressModel")]


def finished_green(state: WidgetState, cell: Any) -> bool:
    """True when the cell shows at least one bar and every one is full and green."""
    shown = bars(state, cell)
    return bool(shown) and all(b["value"] == b["max"] and b["bar_style"] == "success" for b in shown)


def html_of(cell: Any) -> str:
    """The cell's text/html outputs, joined."""
    return "".join(out.get("data", {}).get("text/html", "") for out in cell.get("outputs", []))


def test_quickstart(execute: Callable[[str], NotebookRunner], notebook_env: dict[str, str]) -> None:
    """quickstart: sandbox, a translated cell (green bar, table), speech with a player, board, panel."""
    del notebook_env["CAMB_SANDBOX"]  # a plain `jupyter lab`: only the notebook's `%camb sandbox start`
    nb = execute("quickstart").nb
    state = WidgetState(nb)
    assert "Sandbox API running at http://127.0.0.1:" in text_output(code_cell(nb, "%camb sandbox start"))

    translate = code_cell(nb, "%%camb_translate")
    assert finished_green(state, translate)
    assert "6/6" in state.texts(translate)
    assert any("text/html" in out.get("data", {}) for out in state.outputs(translate))
    table = html_of(code_cell(nb, "greetings["))
    assert pseudo_localize("Your order has shipped.", "es-es") in table

    speech = code_cell(nb, "%camb tts")
    assert finished_green(state, speech)
    (player,) = state.models(speech, "AudioModel")
    assert player["state"]["format"] == "wav" and player.get("buffers")

    board = state.texts(only_cell(nb, "%camb jobs"))
    assert "2 jobs · 0 running · 0 failed" in board  # the two-target cell is one batch, and the speech
    (tabs,) = state.models(code_cell(nb, "%camb panel"), "TabModel")
    assert tabs["state"]["titles"] == ["Translate", "Speech", "Transcribe", "Dub", "Story", "Catalog", "Jobs"]


def only_cell(nb: Any, source: str) -> Any:
    """The code cell whose whole source is `source`."""
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and c.source.strip() == source]
    return cell


def test_batch_translation(execute: Callable[[str], NotebookRunner]) -> None:
    """batch_translation: two injected chunk failures show amber, retry_failed() fixes them, charts render."""
    nb = execute("batch_translation").nb
    state = WidgetState(nb)

    first = code_cell(nb, "%config CambMagics.max_in_flight")
    (bar,) = bars(state, first)
    assert bar["bar_style"] == "warning"  # a partial batch: the rows that finished are in the table
    assert "failed" in state.texts(first) and "PROCESSING_ERROR" in state.texts(first)
    assert "retry_failed()" in state.texts(first) and "camb_status" in str(state.outputs(first))
    counts = text_output(code_cell(nb, "translated = await batch"))
    assert "failed" in counts and "skipped      25" in counts

    retry = code_cell(nb, "retry = batch.retry_failed()")
    assert finished_green(state, retry)
    final = text_output(code_cell(nb, "translated = await retry"))
    assert "failed" not in final and "ok         1975" in final
    head = html_of(code_cell(nb, 'translated[["review"'))
    assert "[sandbox fr-fr: " in head and "[sandbox ja-jp: " in head

    safe = html_of(code_cell(nb, "ui = pd.DataFrame("))  # protected: placeholders kept, no QA error
    assert (
        "{name}" in safe
        and "%d" in safe
        and "&lt;b&gt;%(order_id)s&lt;/b&gt;" in safe
        and ">error<" not in safe
    )
    raw = code_cell(nb, "from camb_notebook.widgets import qa_view")  # unprotected: the QA summary flags them
    assert "Translation QA" in state.texts(raw) and "placeholder_missing" in state.texts(raw)
    assert "placeholder_missing" in str(state.outputs(raw))  # the counts table
    assert "placeholder_missing" not in state.texts(code_cell(nb, "qa_view(safe)"))
    assert "rows checked" in str(state.outputs(code_cell(nb, "qa_view(translated)")))

    chart = code_cell(nb, "%matplotlib inline")
    assert any("image/png" in out.get("data", {}) for out in chart.outputs)
    assert "succeeded" in text_output(code_cell(nb, "jobs = camb.jobs()"))


def test_speech(execute: Callable[[str], NotebookRunner]) -> None:
    """speech: TTS and translated TTS show players, transcription gives the text back, the dub links."""
    nb = execute("speech").nb
    state = WidgetState(nb)
    spoken = "Thanks for calling. Your order will arrive on Friday."

    for start in ("speech = camb.tts", "french = camb.translated_tts"):
        cell = code_cell(nb, start)
        assert finished_green(state, cell), start
        (player,) = state.models(cell, "AudioModel")
        assert player.get("buffers"), start

    heard = code_cell(nb, "heard = camb.transcribe")
    assert finished_green(state, heard)
    assert any("text/html" in out.get("data", {}) for out in state.outputs(heard))
    transcript = text_output(code_cell(nb, "from camb_notebook.frames import transcript_frame"))
    assert "Thanks for calling." in transcript and "Your order will arrive on Friday." in transcript
    assert pseudo_localize(spoken, "fr-fr") in text_output(code_cell(nb, "bonjour = await french"))

    dub = code_cell(nb, "dubbed = camb.dub")
    assert finished_green(state, dub)
    links = state.texts(dub)
    assert "es-es video" in links and "de-de video" in links
    frame = text_output(code_cell(nb, "from camb_notebook.frames import dubbing_frame"))
    assert "es-es" in frame and "de-de" in frame
    assert text_output(code_cell(nb, "camb.jobs()")).count("succeeded") == 4


def test_resume_after_restart(
    execute: Callable[..., NotebookRunner], notebook_env: dict[str, str], camb_sandbox: Any
) -> None:
    """resume_after_restart: restart mid-batch; %camb resume finishes all six chunks with no new task."""
    # The first kernel must never see a chunk finish, however slow the restart is on a loaded machine: the
    # sandbox holds every translation task PENDING until the new kernel is up, then finishes them at once.
    hold_tasks(camb_sandbox, "translation")
    notebook_env["CAMB_SANDBOX_PORT"] = camb_sandbox.base_url.rsplit(":", 1)[1].split("/", 1)[0]
    journal = Journal(notebook_env["CAMB_NOTEBOOK_HOME"])

    def journaled() -> bool:
        """All six chunks are on the server and their task ids in the journal (the row resume reads)."""
        rows = journal.unfinished()
        journal.close()
        return camb_sandbox.stats.tasks_created.get("translation", 0) >= 6 and (
            len(rows) == 6 and all(r.state == "pending" and r.task_id for r in rows)
        )

    def all_created() -> None:
        wait_until(journaled, 60, "the batch's six tasks created and journaled as pending")

    def release() -> None:
        assert camb_sandbox.stats.tasks_created["translation"] == 6
        release_tasks(camb_sandbox)

    runner = execute("resume_after_restart", before_restart=all_created, after_restart=release)
    nb, state = runner.nb, WidgetState(runner.nb)
    assert runner.restarts == 1
    assert "<Camb http://127.0.0.1:" in text_output(code_cell(nb, 'os.environ.pop("CAMB_SANDBOX"'))

    (cut_short,) = bars(state, code_cell(nb, "batch = tickets.camb.translate"))
    assert cut_short["value"] < cut_short["max"]  # the first kernel died before the batch finished
    resumed = code_cell(nb, "%camb resume")
    assert "Resumed 6 job(s) from the journal." in text_output(resumed)
    assert len(bars(state, resumed)) == 6 and finished_green(state, resumed)
    rerun = text_output(code_cell(nb, "created_before"))
    assert "translation tasks created on the server: 6 before, 6 after" in rerun
    assert camb_sandbox.stats.tasks_created["translation"] == 6
    # the sandbox is the test's, so the clean-up cell leaves it running
    assert "stopped" not in text_output(code_cell(nb, "import signal"))


def test_localization_files(execute: Callable[[str], NotebookRunner]) -> None:
    """localization_files: .pot -> fr/pl/ja (3/3/1 plural forms), .xcstrings update, counts table, chart."""
    nb = execute("localization_files").nb
    shown = html_of(code_cell(nb, "%camb catalog show"))
    assert "translated" in shown and "One item in your cart" in shown
    plurals = html_of(code_cell(nb, "import pandas as pd"))
    assert plurals.count("[sandbox pl-pl: ") == 3 and plurals.count("[sandbox ja-jp: ") == 1
    headers = text_output(code_cell(nb, "from pathlib import Path"))
    assert 'pl "Plural-Forms: nplurals=3;' in headers and 'ja "Plural-Forms: nplurals=1;' in headers
    table = text_output(code_cell(nb, "STATES = "))
    rows = {line.split("  ")[0].strip(): line.split()[-4:] for line in table.splitlines()[1:]}
    assert rows["pl.po"] == ["0", "13", "0", "0"] and rows["ja.po"] == ["0", "9", "0", "0"]
    assert rows["xcstrings de after"] == rows["xcstrings de before"]  # a language not asked for is kept
    assert rows["xcstrings fr after"][0] == "0"
    chart = code_cell(nb, "%matplotlib inline")
    assert any("image/png" in out.get("data", {}) for out in chart.outputs)


def test_subtitles(execute: Callable[[str], NotebookRunner]) -> None:
    """subtitles: cues, a preset kept word for word, a lossless round trip, tracks with unchanged times, the
    magic's player with one track per language, and the server's sub route."""
    nb = execute("subtitles").nb
    assert "too_wide" in html_of(code_cell(nb, "heard = camb.transcribe"))  # 80-character lines
    assert text_output(code_cell(nb, "fitted = subtitles.conform")).startswith("True")
    srt_cell = text_output(code_cell(nb, "print(subtitles.to_srt(fitted))"))
    assert "00:00:00,000 --> " in srt_cell and srt_cell.rstrip().endswith("True")
    assert text_output(code_cell(nb, "tracks = await fitted.camb.translate")).startswith("True True True")
    assert pseudo_localize("First,", "es-es")[:20] in html_of(
        code_cell(nb, "tracks = await fitted.camb.translate")
    )
    player = html_of(code_cell(nb, "%camb subtitles workshop.wav"))
    assert '<audio controls preload="metadata" src="workshop.wav">' in player
    assert player.count('src="data:text/vtt;base64,') == 3 and "workshop.fr-fr.vtt" in player
    assert "['en-us', 'es-es', 'fr-fr']" in text_output(code_cell(nb, "print(sorted(subs))"))
    assert "['en-us', 'es-es']" in text_output(code_cell(nb, "job = camb.subtitles("))


def test_large_datasets(execute: Callable[[str], NotebookRunner]) -> None:
    """large_datasets: a dry run's estimate, a Parquet file translated in batches (green bar, result,
    table), the magic's rerun creates no task, and the Dask section returns every row."""
    nb = execute("large_datasets").nb
    state = WidgetState(nb)
    dry = html_of(code_cell(nb, "est = camb.translate_dataset"))
    assert "Dataset estimate" in dry and "nothing was sent" in dry and "(deduped across the dataset)" in dry
    run = code_cell(nb, "job = camb.translate_dataset")
    assert finished_green(state, run)
    assert "20000/20000" in state.texts(run)
    assert "rows=20000, failed_rows=0" in text_output(code_cell(nb, "result = job.result()"))
    assert "20000 rows, 20000 ok" in text_output(code_cell(nb, "import pandas as pd\n\nout = pd.read_parquet"))
    assert "rows: 20,000, tasks created: 0" in text_output(code_cell(nb, "print(f\"rows: {again.rows"))
    dask_cell = code_cell(nb, "ddf = dd.read_parquet")
    assert "20000 rows from 8 partitions" in text_output(dask_cell)
    assert "[sandbox fr-fr: " in html_of(dask_cell)
