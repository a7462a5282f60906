"""The panel's Catalog tab on a sandbox session: counts on Load, inline errors, translate, counts after."""

from __future__ import annotations

from pathlib import Path

from suite_helpers import wait_until

from camb_notebook.sessions import Camb
from camb_notebook.widgets import Panel, panel

POT = Path(__file__).parents[1] / "catalogs" / "golden" / "po" / "app_crlf.pot"


def test_catalog_tab_counts_before_and_after(camb: Camb, tmp_path: Path) -> None:
    ui: Panel = panel(camb)
    tab = ui.catalog
    tab.path.value = str(tmp_path / "missing.po")
    tab.load.click()
    assert "cannot read" in tab.before.value
    tab.path.value = str(POT)
    tab.load.click()
    assert "<th>new</th>" in tab.before.value and "<td>6</td>" in tab.before.value  # 6 new units
    tab.submit.button.click()
    assert "add at least one target" in tab.submit.message.value
    tab.targets.tags.value = ["pl-pl", "ja-jp"]
    tab.out.value = str(tmp_path / "{lang}.po")
    tab.submit.button.click()
    assert tab.submit.message.value == ""
    tab.submit.drawers[0].job.result(timeout=30)
    wait_until(lambda: camb.manager.dispatcher.drain() or "pl-pl" in tab.after.value, what="the counts after")
    assert "ja-jp" in tab.after.value and (tmp_path / "pl.po").exists() and (tmp_path / "ja.po").exists()
