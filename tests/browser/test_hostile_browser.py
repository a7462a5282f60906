"""A hostile server through every display in a real JupyterLab (issue 16, item 1).

The sandbox's `hostile_content` mode puts script payloads in every string and header it serves (texts,
transcripts, voice names, statuses, messages, error texts, content types) and `javascript:` in every URL.
One notebook runs every display path: progress bars with their results (table, audio, links, transcript),
`%camb result` of a tts job (a player), a live `--stream` player, `%camb voices`, the jobs board (and its
Result button), the panel, a batch bar, and a failed job. No dialog may fire, no payload element may exist
in the page, no `javascript:` link, no `<script>` in an output; the saved .ipynb holds the payload only as
text (escaped wherever it is HTML).
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import nbformat
import pytest
from labserver import Lab
from playwright.sync_api import Page, expect

from camb_notebook.sandbox import FaultRule
from camb_notebook.sandbox._catalog import VOICES
from camb_notebook.sandbox._hostile import PAYLOAD

pytestmark = pytest.mark.browser

VOICE = VOICES[0]["id"]
CELLS = [
    "%load_ext camb_notebook",
    '%camb translate "Hello there" --to fr-fr --wait',
    f'%camb tts "Hello there" --voice {VOICE} --wait',
    "from camb_notebook.sessions import session\n"
    "tts_id = next(j.id for j in session().manager.jobs() if j.family == 'tts')\n"
    'get_ipython().run_line_magic("camb", f"result {tts_id}")',
    "%camb dub https://example.com/a.mp4 --from en-us --to fr-fr --wait",
    "%camb story tale.txt --lang en-us --wait",
    f'%camb tts "Streaming starts playing early" --voice {VOICE} --stream --format wav',
    "%camb voices",
    "%%camb_translate --to fr-fr --wait\nOne\nTwo",
    "%camb jobs",
    "%camb panel",
    "%camb transcribe https://example.com/a.wav --lang en-us --wait",  # fails: the error path
]
# Elements the payload would create if written as markup anywhere (the class survives upper-casing).
PLANTED = """() => document.querySelectorAll(
  '[class="camb-pwned" i], a[href^="javascript" i], .jp-OutputArea-output script').length"""
RUNNING = "() => [...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'))"
CLIPPED = "b => [...b.querySelectorAll('.widget-toggle-button')].some(x => x.scrollWidth > x.clientWidth)"
MARKERS = ("<img src=x", "<script class=camb-pwned", "javascript:")


def _notebook(lab: Lab) -> str:
    """Write the notebook (and the story file it narrates) into the lab root; returns its name."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(nb, lab.root / "hostile.ipynb")
    (lab.root / "tale.txt").write_text("Once upon a time a server sent markup.\n", encoding="utf-8")
    return "hostile.ipynb"


def _saved(lab: Lab, name: str) -> dict[str, Any]:
    """The notebook as JupyterLab saved it (waits, with a deadline, until the save holds the outputs)."""
    deadline = time.monotonic() + 30
    while True:
        saved: dict[str, Any] = json.loads((lab.root / name).read_text(encoding="utf-8"))
        if any(cell.get("outputs") for cell in saved["cells"]) or time.monotonic() > deadline:
            return saved
        time.sleep(0.1)


def _html_in(saved: dict[str, Any]) -> list[str]:
    """Every HTML string the saved notebook would render: html outputs and HTML widgets' saved values."""
    found = []
    for cell in saved["cells"]:
        for output in cell.get("outputs", []):
            found.append(str(output.get("data", {}).get("text/html", "")))
    states = saved.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model in states.get("state", {}).values():
        if model.get("model_name") in ("HTMLModel", "HTMLMathModel"):
            found.append(str(model.get("state", {}).get("value", "")))
    return found


def test_hostile_server_content_stays_text_everywhere(lab: Lab, page: Page) -> None:
    """Every display path shows the payload as text; nothing runs, nothing live is saved."""
    name = _notebook(lab)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    before = lab.sandbox.config.copy()
    lab.sandbox.configure(
        hostile_content=True,
        processing_time={"translation": 0.2, "dubbing": 0.2},
        stream_chunk_delay=0.3,
        faults=[FaultRule("error=SOURCE_NOT_FOUND", route="POST transcribe")],
    )
    try:
        page.goto(lab.notebook_url(name))
        page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).wait_for(timeout=60_000)
        page.locator(".jp-Cell .jp-InputArea-editor").first.click()
        for _ in CELLS:
            page.keyboard.press("Shift+Enter")
        cells = page.locator(".jp-Notebook .jp-Cell")
        expect(cells.nth(len(CELLS) - 1).locator(".jp-OutputArea-output")).not_to_have_count(
            0, timeout=120_000
        )
        page.wait_for_function(f"() => !({RUNNING})()", timeout=120_000)
        expect(page.get_by_text(re.compile(r"tts-stream: done"))).to_be_visible(timeout=30_000)
        assert (page.evaluate(PLANTED), dialogs) == (0, [])  # first: nothing planted, nothing ran
        board = page.locator(".camb-board").first
        board.locator("button:not([disabled])", has_text="Result").first.click()  # the board's result view
        assert board.evaluate(CLIPPED) is False  # filter labels ("succeeded") are not cut
        expect(cells.nth(3).locator("audio")).to_have_count(1)  # `%camb result <tts id>`: a player
        expect(page.get_by_text("(link withheld)").first).to_be_visible()
        expect(page.get_by_text(re.compile(r"source not found")).first).to_be_visible()
        assert page.get_by_text(PAYLOAD[:30]).count() > 0  # the payload arrived, shown as text
        assert page.evaluate(PLANTED) == 0
        page.keyboard.press("Control+s")
        saved = _saved(lab, name)
        assert page.evaluate(PLANTED) == 0 and dialogs == []
    finally:
        lab.sandbox.config.__dict__.update(before.__dict__)
    assert sum(len(cell.get("outputs", [])) for cell in saved["cells"]) >= len(CELLS) - 1
    html_outputs = _html_in(saved)
    assert not [h for h in html_outputs if any(marker in h for marker in MARKERS)]
