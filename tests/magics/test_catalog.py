"""`%camb catalog show/translate` on the sandbox in an in-process shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from IPython.utils.io import capture_output

GOLDEN = Path(__file__).parents[1] / "catalogs" / "golden" / "po"


def _run(ip: Any, cell: str) -> Any:
    with capture_output():
        return ip.run_cell(cell)


def test_show_returns_the_frame_and_stores_it(ip: Any) -> None:
    result = _run(ip, f"%camb catalog show {GOLDEN / 'messages_pl.po'} -o cat")
    assert result.success
    frame = ip.user_ns["cat"]
    assert result.result is frame and frame.state.value_counts()["translated"] >= 4


def test_translate_writes_each_target(ip: Any, sandboxed: Any, tmp_path: Path) -> None:
    pattern = tmp_path / "{lang}" / "app.po"
    cell = (
        f"%camb catalog translate {GOLDEN / 'app_crlf.pot'} --to fr-fr,ja-jp --out '{pattern}' -o out --wait"
    )
    assert _run(ip, cell).success
    assert sorted(ip.user_ns["out"]) == ["fr-fr", "ja-jp"]
    for lang in ("fr", "ja"):
        assert all(e.translated() for e in polib.pofile(str(tmp_path / lang / "app.po")))


def test_bad_input_is_one_line_and_starts_nothing(ip: Any, sandboxed: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.po"
    bad.write_text('msgid "a"\nmsgstr "b\n')
    with capture_output() as shown:
        result = ip.run_cell(f"%camb catalog show {bad}")
    assert not result.success and f"{bad}:2:1: expected a comment" in shown.stdout + shown.stderr
    result = _run(ip, f"%camb catalog translate {GOLDEN / 'app_crlf.pot'} --to fr-fr,de-de --out x.po")
    assert not result.success and "names one file for 2 targets" in str(result.error_in_exec)
