"""Usability found in a browser (issue 16, items 13 and 16): help, hints, README example, notebook images."""

from __future__ import annotations

import _thread
import json
import re
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from camb_notebook.api import UsageError
from camb_notebook.magics._parsing import tokenize
from camb_notebook.magics._registry import COMMANDS, help_text
from camb_notebook.sandbox import make_wav
from camb_notebook.sessions import session

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", [*COMMANDS, "camb_translate"])
def test_help_for_a_subcommand_starts_with_its_usage(name: str) -> None:
    """`%camb help X` is plain text: no reST `::` opener from IPython's magic_arguments."""
    text = help_text(name)
    assert not text.startswith("::") and text.lstrip().startswith("%camb")


def test_an_unknown_job_id_names_the_jobs_magic(ip: Any, sandboxed: Any) -> None:
    """The hint after "no job matches" names `%camb jobs`, what a notebook user types."""
    with pytest.raises(UsageError) as caught:
        session().get_job("zzzz9999")
    assert "%camb jobs" in str(caught.value.hint)


def test_interrupt_hints_name_the_cancel_magic(ip: Any, sandboxed: Any) -> None:
    """An interrupted wait says `%camb cancel <id>` (a job) rather than a Python call."""
    job = session().translate("Hello", to="fr-fr")
    assert f"`%camb cancel {job.id}`" in job._interrupt_message()
    session().wait(job, timeout=20)


def test_a_magic_line_may_end_in_a_comment(ip: Any) -> None:
    """README's lines carry `# comments`; a word starting with `#` ends the line, as in a shell."""
    assert tokenize('translate "C# is #1" --to fr-fr  # a note') == ["translate", "C# is #1", "--to", "fr-fr"]


def test_readme_transcript_example_runs_as_written(
    ip: Any, sandboxed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README's transcribe line and its `transcript_frame(segments)` line give a DataFrame in a shell."""
    readme = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(readme) if line.startswith("%camb transcribe speech.wav"))
    lines = readme[start : start + 2]
    assert "transcript_frame(segments)" in lines[1]
    (tmp_path / "speech.wav").write_bytes(make_wav("Good evening everyone"))
    monkeypatch.chdir(tmp_path)
    for line in lines:
        result = ip.run_cell(line)
        assert result.success, result.error_in_exec
    frame = result.result
    assert isinstance(frame, pd.DataFrame) and "text" in frame.columns and len(frame) >= 1


def test_notebook_images_live_inside_the_notebooks_folder() -> None:
    """`make demo` serves notebooks/: every image a notebook shows is a file there (no `../`)."""
    for path in (REPO / "notebooks").glob("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", "".join(cell["source"])):
                assert ".." not in target and (path.parent / target).is_file(), (path.name, target)


def test_an_interrupted_wait_for_all_names_cancel_all(ip: Any, sandboxed: Any) -> None:
    """Interrupting `%camb wait all` (the kernel's SIGINT, sent here by a timer) says `%camb cancel all`."""
    sandboxed.configure(processing_time={"translation": 30.0})
    job = session().translate("Hello", to="fr-fr")
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt) as caught:
        session().wait(timeout=20)
    timer.join()
    assert "`%camb cancel all`" in str(caught.value)
    session().cancel(job)
