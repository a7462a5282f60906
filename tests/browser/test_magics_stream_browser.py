"""`%camb tts --stream` in a real JupyterLab and chromium: audio starts playing before the stream ends."""

from __future__ import annotations

import re

import nbformat
import pytest
from labserver import Lab
from playwright.sync_api import Page, expect

from camb_notebook.sandbox._catalog import VOICES

pytestmark = pytest.mark.browser

CELL = (
    "%load_ext camb_notebook\n"
    f"%camb tts This sentence is long enough to arrive in several chunks --voice {VOICES[0]['id']}"
    " --stream --format wav -o spoken"
)
# True once the live player scheduled audio: then whether the status line still says the stream is running.
SCHEDULED_WHILE_RECEIVING = """() => {
  const streams = Object.values(window.__cambStreams || {});
  if (!streams.some(s => s.scheduled >= 1)) return false;
  return document.body.innerText.includes("tts-stream: receiving") ? "receiving" : "ended";
}"""


def test_streamed_speech_plays_while_it_arrives(lab: Lab, page: Page) -> None:
    """The first WAV chunk is scheduled with Web Audio while the status says receiving; a player follows."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(CELL)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(nb, lab.root / "stream.ipynb")
    before = lab.sandbox.config.stream_chunk_delay
    lab.sandbox.configure(stream_chunk_delay=0.6)
    try:
        page.goto(lab.notebook_url("stream.ipynb"))
        page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).wait_for(timeout=60_000)
        page.locator(".jp-Cell .jp-InputArea-editor").first.click()
        page.keyboard.press("Shift+Enter")
        moment = page.wait_for_function(SCHEDULED_WHILE_RECEIVING, timeout=60_000)
        assert moment.json_value() == "receiving"
        expect(page.get_by_text(re.compile(r"tts-stream: done"))).to_be_visible(timeout=30_000)
        expect(page.locator(".jp-OutputArea-output audio")).to_have_count(1)
        expect(page.locator(".jp-OutputArea-output script")).to_have_count(0)  # a widget, no script
        played = page.evaluate(
            "() => { const s = Object.values(window.__cambStreams)[0]; return [s.scheduled, s.ctx.state]; }"
        )
        assert played[0] >= 2 and played[1] == "running"
    finally:
        lab.sandbox.configure(stream_chunk_delay=before)
