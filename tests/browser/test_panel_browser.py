"""The panel in a real JupyterLab and chromium: submit, watch the bar move while another cell runs, cancel.

The panel screenshot goes to the test's temp dir; with UPDATE_SCREENSHOTS=1 it also replaces
notebooks/panel.png (the README's picture), so ordinary runs leave the work tree clean.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import nbformat
import pytest
from labserver import REPO, Lab
from playwright.sync_api import Locator, Page, expect

from camb_notebook.sandbox import pseudo_localize

pytestmark = pytest.mark.browser

LINES = ["Hello", "Good morning", "See you"]
SETUP = """\
import camb_notebook
camb = camb_notebook.session()
# one earlier run of the same size gives the engine an ETA, so the bar can move smoothly
camb.translate(["Hi", "Good evening", "Later!"], to="fr-fr").result()
ui = camb_notebook.panel()
ui"""
SLEEP = "import time\ntime.sleep(8)\nprint('slept')"


def write_notebook(lab: Lab, name: str) -> None:
    """The notebook: show the panel, then a cell that blocks the kernel for a while."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(SLEEP)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(nb, lab.root / name)


def run_cell(page: Page, index: int) -> None:
    """Focus a cell's editor and run it with Shift+Enter."""
    page.locator(".jp-Cell .jp-InputArea-editor").nth(index).click()
    page.keyboard.press("Shift+Enter")


def add_target(panel: Locator, tab: int, locale: str) -> None:
    """Type a target into a tab's search field and press Enter; wait for its tag."""
    field = (
        panel.locator(".widget-tab-contents > .widget-box")
        .nth(tab)
        .locator("input[placeholder='add a target: type, then Enter']")
    )
    field.fill(locale)
    field.press("Enter")
    expect(panel.locator(f".jupyter-widget-tag:has-text('{locale}')")).to_be_visible()


def bar_width(bar: Locator) -> float:
    """The progress bar's filled width in percent, as drawn."""
    style = bar.locator(".progress-bar").get_attribute("style") or ""
    found = re.search(r"width:\s*([\d.]+)%", style)
    return float(found.group(1)) if found else 0.0


def test_panel_translate_cancel_and_screenshot(lab: Lab, page: Page, tmp_path: Path) -> None:
    """3 lines, 2 targets: the bar moves while a sleep cell runs, then the table; a long dub is cancelled;
    the Jobs tab lists both and filters by status.
    """
    write_notebook(lab, "panel.ipynb")
    page.goto(lab.notebook_url("panel.ipynb"))
    page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).wait_for(timeout=60_000)
    run_cell(page, 0)
    panel = page.locator(".camb-panel")
    expect(panel).to_be_visible(timeout=60_000)
    expect(panel.locator(".camb-key")).to_contain_text("API key set")

    panel.locator("textarea").first.fill("\n".join(LINES))
    add_target(panel, 0, "de-de")
    add_target(panel, 0, "es-es")
    panel.locator("button[title='Translate']").click()  # not the Catalog tab's "Translate catalog"
    bar = panel.locator(".camb-progress .widget-hprogress").first
    expect(bar).to_be_visible()

    run_cell(page, 1)  # blocks the kernel's main thread for 8 s
    busy = page.locator(".jp-Cell").nth(1).locator(".jp-InputPrompt")
    expect(busy).to_contain_text("[*]")
    widths = []  # sampled only while the sleep cell still runs
    deadline = time.monotonic() + 60
    while "[*]" in busy.inner_text():
        assert time.monotonic() < deadline, f"the 8 s sleep cell still runs after 60 s (widths {widths})"
        widths.append(bar_width(bar))
        time.sleep(0.1)
    print("bar widths while the sleep cell ran:", widths)
    partial = sorted({w for w in widths if 0 < w < 100})
    assert len(partial) >= 3 and partial == sorted(partial), widths  # it moved, forwards, several times
    assert widths[-1] == 100, widths  # and finished before the sleep cell did
    expect(bar.locator(".progress-bar-success")).to_be_visible(timeout=15_000)
    expect(page.locator(".jp-OutputArea-output pre", has_text="slept")).to_be_visible(timeout=15_000)

    table = panel.locator(".camb-progress table.dataframe").first
    expect(table).to_be_visible(timeout=15_000)
    for line in LINES:
        expect(table).to_contain_text(pseudo_localize(line, "de-de"))
        expect(table).to_contain_text(pseudo_localize(line, "es-es"))
    expect(panel.locator(".camb-status").first).to_contain_text("6/6")
    shot = panel.screenshot(path=str(tmp_path / "panel.png"))
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        (REPO / "notebooks" / "panel.png").write_bytes(shot)

    panel.locator(".lm-TabBar-tab:has-text('Dub')").click()
    dub = panel.locator(".widget-tab-contents > .widget-box").nth(3)
    dub.locator("input[placeholder^='https://']").fill("https://example.com/keynote.mp4")
    add_target(panel, 3, "fr-fr")
    dub.locator("button:has-text('Dub')").click()
    status = dub.locator(".camb-status").first
    expect(status).to_contain_text("pending", timeout=15_000)
    dub.locator(".camb-progress button:has-text('Cancel')").click()
    expect(status).to_have_text("cancelled", timeout=15_000)
    expect(dub.locator(".progress-bar-danger")).to_be_attached()  # red, at the width it stopped (0 here)
    expect(dub.locator(".camb-progress button:has-text('Cancel')")).to_be_hidden()

    panel.locator(".lm-TabBar-tab:has-text('Jobs')").click()
    board = panel.locator(".camb-board")
    expect(board.locator(".camb-totals")).to_contain_text("0 running")
    expect(board.locator(".widget-gridbox")).to_contain_text("dubbing")
    expect(board.locator(".widget-gridbox")).to_contain_text("cancelled")
    board.locator(".widget-toggle-buttons button:has-text('cancelled')").click()
    expect(board.locator(".widget-gridbox")).not_to_contain_text("translation")
