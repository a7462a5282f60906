"""The panel's Catalog tab: a catalog file, targets, `only`, an optional output pattern, and the units per
state before (on Load) and after (per target, when the batch is done).

The file is read on the main thread (a catalog reads in well under a second); translation is the session's
`translate_catalog` BatchJob, shown as a live bar. Server text never reaches the HTML unescaped (the counts
table is numbers and escaped names). Main thread only. Usage: built by `Panel`.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from camb_notebook.api import CambError, UsageError
from camb_notebook.widgets._forms import SubmitRow, TargetsPicker, field

if TYPE_CHECKING:
    from camb_notebook.jobs import Job
    from camb_notebook.sessions import Camb

__all__ = ["CatalogTab", "counts_html"]

STATES = ("new", "translated", "fuzzy", "obsolete")


def counts_html(rows: dict[str, Any]) -> str:
    """An HTML table: one row per name (a catalog frame each), units per state."""
    head = "".join(f"<th>{s}</th>" for s in ("", *STATES, "total"))
    body = []
    for name, frame in rows.items():
        counts = frame["state"].value_counts()
        cells = "".join(f"<td>{int(counts.get(s, 0))}</td>" for s in STATES)
        body.append(f"<tr><th>{html.escape(str(name))}</th>{cells}<td>{len(frame)}</td></tr>")
    return f"<table class='camb-counts'><tr>{head}</tr>{''.join(body)}</table>"


class CatalogTab:
    """Translate a localization catalog file: what is missing (or fuzzy, or all) into several targets."""

    def __init__(self, session: Camb) -> None:
        """Build the form."""
        self.session = session
        self.path = w.Text(placeholder="locale/messages.pot", layout=w.Layout(width="420px"))
        self.load = w.Button(description="Load", icon="folder-open")
        self.targets = TargetsPicker()
        self.only = w.Dropdown(
            options=("missing", "fuzzy", "all"), value="missing", layout=w.Layout(width="120px")
        )
        self.out = w.Text(
            placeholder="optional: locale/{lang}/LC_MESSAGES/messages.po", layout=w.Layout(width="420px")
        )
        self.before = w.HTML()
        self.after = w.HTML()
        self.submit = SubmitRow("Translate catalog", self._submit)
        self.load.on_click(lambda _b: self._load())
        self.box = w.VBox(
            [
                field("File", w.HBox([self.path, self.load])),
                field("To", self.targets.box),
                field("Only", self.only),
                field("Write to", self.out),
                field("Before", self.before),
                self.submit.box,
                field("After", self.after),
            ]
        )

    def _read(self) -> Any:
        from camb_notebook.catalogs import read

        name = self.path.value.strip()
        if not name:
            raise UsageError("enter a catalog file's path")
        return read(name)

    def _load(self) -> None:
        """Read the file and show its units per state (or the one-line error)."""
        try:
            frame = self._read()
        except CambError as exc:
            self.before.value = f"<span style='color:#b00'>{html.escape(str(exc))}</span>"
            return
        self.before.value = counts_html({self.path.value.strip(): frame})

    def _submit(self) -> Job:
        """Validate, start the batch, show the counts per target when it is done."""
        self._load()
        targets = [lang.locale for lang in self.targets.languages()]
        if not targets:
            raise UsageError("add at least one target language")
        out = self.out.value.strip() or None
        job = self.session.translate_catalog(
            self.path.value.strip(), to=targets, out=out, only=self.only.value
        )
        self.after.value = "<span style='opacity:.7'>when the batch is done</span>"
        job.add_done_callback(self._done)  # type: ignore[union-attr]
        return job  # type: ignore[return-value]

    def _done(self, job: Any) -> None:
        """Main thread, batch final: the units per state of each target's frame."""
        try:
            frames = job.result()
        except CambError as exc:
            self.after.value = f"<span style='color:#b00'>{html.escape(str(exc))}</span>"
            return
        self.after.value = counts_html(frames)
