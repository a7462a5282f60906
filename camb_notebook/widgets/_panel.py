"""The CAMB panel: a masked key line over tabs Translate / Speech / Transcribe / Dub / Story / Catalog / Jobs.

Every form validates before it submits (inline messages), submits without waiting (the job's bar appears under
the form), and writes only through widget traits, never print/display from callbacks (a callback's output
would land in whatever cell runs at that moment).
The password field sets the key for this session only. Main thread only. Usage: `camb_notebook.panel()`.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import pandas as pd
from traitlets import Unicode

from camb_notebook.api import FORMALITY, FORMALITY_CHOICES, CambError, UsageError
from camb_notebook.widgets._board import JobsBoard
from camb_notebook.widgets._catalog_tab import CatalogTab
from camb_notebook.widgets._forms import LanguagePicker, SubmitRow, TargetsPicker, field
from camb_notebook.widgets._tabs import DubTab, SpeechTab, StoryTab, TranscribeTab

if TYPE_CHECKING:
    from camb_notebook.jobs import BatchJob
    from camb_notebook.sessions import Camb

__all__ = ["TITLES", "KeyField", "KeyLine", "Panel", "TranslateTab"]

TITLES = ("Translate", "Speech", "Transcribe", "Dub", "Story", "Catalog", "Jobs")
# 0: not sent (a None value shows blank); the names and codes come from the one table in api.
_FORMALITY = (("default", 0), *((name, FORMALITY[name]) for name in FORMALITY_CHOICES))


def user_frames() -> dict[str, pd.DataFrame]:
    """DataFrames in the notebook's namespace, by variable name (none outside IPython)."""
    from IPython import get_ipython

    shell = get_ipython()
    namespace: dict[str, Any] = shell.user_ns if shell is not None else {}
    return {k: v for k, v in namespace.items() if isinstance(v, pd.DataFrame) and not k.startswith("_")}


class KeyField(w.Password):  # type: ignore[misc]  # ipywidgets is untyped
    """A password field whose typed value ipywidgets never echoes back over iopub (stays kernel-side)."""

    value = Unicode("", help="The typed key").tag(sync=True, echo_update=False)


class KeyLine:
    """The masked key status, and a password field that sets a key for this session only."""

    def __init__(self, session: Camb) -> None:
        """Show the current key status for `session`."""
        self.session = session
        self.status = w.HTML()
        self.password = KeyField(placeholder="paste an API key", layout=w.Layout(width="240px"))
        self.button = w.Button(description="Use for this session", layout=w.Layout(width="auto"))
        self.button.on_click(self._on_set)
        self.message = w.HTML()
        self.box = w.HBox(
            [self.status, self.password, self.button, self.message],
            layout=w.Layout(align_items="center", grid_gap="8px"),
        )
        self.show()

    def show(self) -> None:
        """Redraw the masked status."""
        status = html.escape(str(self.session.key_status()))
        self.status.value = f"<span class='camb-key'><i class='fa fa-key'></i> {status}</span>"

    def _on_set(self, _button: w.Button) -> None:
        """Set the typed key for this session, then clear the field so the key is not kept in widget state."""
        key = self.password.value.strip()
        self.password.value = ""
        if not key:
            self.message.value = "<span style='color:var(--jp-error-color1,#d32f2f)'>type a key first</span>"
            return
        try:
            self.session.set_key(key)
        except CambError as exc:
            self.message.value = f"<span style='color:var(--jp-error-color1)'>{html.escape(str(exc))}</span>"
            return
        self.message.value = "<span style='opacity:.7'>set for this session only</span>"
        self.show()


class TranslateTab:
    """Text (one per line) or a DataFrame column, a source, one or more targets, formality."""

    def __init__(self, session: Camb) -> None:
        """Build the form."""
        self.session = session
        self.mode = w.ToggleButtons(
            options=("Text", "DataFrame"), value="Text", style={"button_width": "110px"}
        )
        self.text = w.Textarea(placeholder="One text per line", rows=5, layout=w.Layout(width="520px"))
        self.frame = w.Dropdown(options=(), layout=w.Layout(width="200px"))
        self.column = w.Dropdown(options=(), layout=w.Layout(width="200px"))
        self.frame_row = field("DataFrame", w.HBox([self.frame, w.Label("column"), self.column]))
        self.text_row = field("Text", self.text)
        self.source = LanguagePicker("en-us")
        self.targets = TargetsPicker()
        self.formality = w.Dropdown(options=_FORMALITY, value=0, layout=w.Layout(width="140px"))
        self.submit = SubmitRow("Translate", self._submit)
        self.estimate_button = w.Button(
            description="Estimate cost", icon="calculator", tooltip="Price the batch; nothing is sent"
        )
        self.estimate_view = w.HTML()  # the Estimate's own escaped table, or the validation message
        self.estimate_button.on_click(self._on_estimate)
        self.mode.observe(self._on_mode, names="value")
        self.frame.observe(self._on_frame, names="value")
        self.box = w.VBox(
            [
                field("Input", self.mode),
                self.text_row,
                field("From", self.source.input),
                field("To", self.targets.box),
                field("Formality", self.formality),
                w.VBox([self.estimate_button, self.estimate_view]),
                self.submit.box,
            ]
        )
        self._on_mode({"new": "Text"})

    def _on_mode(self, change: dict[str, Any]) -> None:
        """Swap the text area and the DataFrame pickers (re-reading the namespace's frames)."""
        text_mode = change["new"] == "Text"
        if not text_mode:
            self.frame.options = tuple(user_frames())
            self._on_frame({"new": self.frame.value})
        children = list(self.box.children)
        children[1] = self.text_row if text_mode else self.frame_row
        self.box.children = tuple(children)

    def _on_frame(self, change: dict[str, Any]) -> None:
        """Offer the chosen frame's text columns."""
        frame = user_frames().get(str(change["new"])) if change["new"] else None
        self.column.options = () if frame is None else tuple(str(c) for c in frame.columns)

    def _input(self) -> tuple[pd.DataFrame, str]:
        """The frame and column to translate, or `UsageError`."""
        if self.mode.value == "Text":
            lines = [line for line in self.text.value.splitlines() if line.strip()]
            if not lines:
                raise UsageError("enter at least one line of text")
            return pd.DataFrame({"text": lines}), "text"
        frame = user_frames().get(str(self.frame.value or ""))
        if frame is None:
            raise UsageError("choose a DataFrame variable")
        if not self.column.value:
            raise UsageError("choose a column")
        return frame, str(self.column.value)

    def _submit(self) -> BatchJob[pd.DataFrame]:
        """Validate everything, then start the batch (returns at once)."""
        from camb_notebook.frames import translate_frame

        frame, column, options = self._batch()
        batch: BatchJob[pd.DataFrame] = translate_frame(frame, column, dry_run=False, **options)
        return batch

    def _batch(self) -> tuple[pd.DataFrame, str, dict[str, Any]]:
        """The frame, column and batch options the form describes, or `UsageError`."""
        frame, column = self._input()
        source = self.source.language()
        targets = [lang.locale for lang in self.targets.languages()]
        options = {"to": targets, "source": source.locale, "formality": self.formality.value or None}
        return frame, column, {**options, "session": self.session}

    def _on_estimate(self, _button: w.Button) -> None:
        """Price the batch without sending anything and show the Estimate's table (or what is wrong)."""
        from camb_notebook.frames import translate_frame

        try:
            frame, column, options = self._batch()
            estimate = translate_frame(frame, column, dry_run=True, **options)
        except (CambError, ValueError) as exc:
            message = html.escape(str(exc))
            self.estimate_view.value = f"<span style='color:var(--jp-error-color1,#d32f2f)'>{message}</span>"
            return
        self.estimate_view.value = estimate._repr_html_()


class Panel:
    """The whole panel: key line on top, then the seven tabs."""

    def __init__(self, session: Camb | None = None) -> None:
        """Build the panel for `session` (default: the shared session)."""
        if session is None:
            from camb_notebook.sessions import session as default_session

            session = default_session()
        self.session = session
        self.key = KeyLine(session)
        self.translate = TranslateTab(session)
        self.speech = SpeechTab(session)
        self.transcribe = TranscribeTab(session)
        self.dub = DubTab(session)
        self.story = StoryTab(session)
        self.catalog = CatalogTab(session)
        self.board = JobsBoard(session)
        forms = (self.translate, self.speech, self.transcribe, self.dub, self.story, self.catalog)
        for form in forms:
            form.submit.submitted = self.board.rebuild
        self.tabs = w.Tab(children=[*(f.box for f in forms), self.board.widget], titles=TITLES)
        self.tabs.observe(self._on_tab, names="selected_index")
        self.widget = w.VBox([self.key.box, self.tabs], layout=w.Layout(max_width="980px"))
        self.widget.add_class("camb-panel")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Display as the panel widget."""
        return self.widget._repr_mimebundle_(**kwargs)

    def _on_tab(self, change: dict[str, Any]) -> None:
        """Opening a tab refreshes what it reads lazily (the jobs table, the voice list)."""
        title = TITLES[change["new"]] if change["new"] is not None else ""
        if title == "Jobs":
            self.board.rebuild()
        elif title == "Speech":
            self.speech.load_voices()
