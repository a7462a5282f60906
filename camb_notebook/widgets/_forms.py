"""Form parts shared by the panel's tabs: language pickers with type-to-search, and a submit row with
an inline message and the progress bars of what was submitted.

Pickers accept what `resolve_language` accepts (ids, locales, names) plus the catalog labels offered by the
browser's type-to-search list. Validation raises `UsageError`; `SubmitRow` turns it into the inline message.
Main thread only (widget callbacks). Usage: `picker = LanguagePicker("From"); picker.language()`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from camb_notebook.api import CATALOG, CambError, Language, UsageError, resolve_language
from camb_notebook.widgets._progress import JobProgress

if TYPE_CHECKING:
    from camb_notebook.widgets._snapshot import AnyJob

__all__ = ["LABEL_WIDTH", "LanguagePicker", "SubmitRow", "TargetsPicker", "field"]

LABEL_WIDTH = "110px"
_LABELS: dict[str, Language] = {str(lang): lang for lang in CATALOG.languages}


def field(label: str, widget: w.Widget) -> w.HBox:
    """A labelled row, aligned like ipywidgets' own `description` labels."""
    return w.HBox(
        [w.Label(label, layout=w.Layout(width=LABEL_WIDTH, flex="0 0 auto")), widget],
        layout=w.Layout(align_items="center"),
    )


def _resolve(text: str, *, allow_auto: bool = False) -> Language:
    """A catalog label (from the suggestion list) or anything `resolve_language` understands."""
    text = text.strip()
    if not text:
        raise UsageError("choose a language")
    if text in _LABELS:
        return _LABELS[text]
    return resolve_language(text, allow_auto=allow_auto)


def _combobox(placeholder: str, allow_auto: bool) -> w.Combobox:
    """A text field whose browser suggestion list holds every language label (matching names and locales)."""
    options = (["Auto-detect [auto]"] if allow_auto else []) + list(_LABELS)
    return w.Combobox(
        options=options, placeholder=placeholder, ensure_option=False, layout=w.Layout(width="300px")
    )


class LanguagePicker:
    """One language: a combobox with type-to-search over names and locales."""

    def __init__(self, value: str = "", *, allow_auto: bool = False) -> None:
        """Create the picker with an initial value (a locale or a name)."""
        self._allow_auto = allow_auto
        self.input = _combobox("type a name or locale", allow_auto)
        self.input.value = str(_resolve(value, allow_auto=allow_auto)) if value else ""

    def language(self) -> Language:
        """The chosen language, or `UsageError`/`LanguageError` saying what is wrong."""
        text = self.input.value.strip()
        if text == "Auto-detect [auto]":
            text = "auto"
        return _resolve(text, allow_auto=self._allow_auto)


class TargetsPicker:
    """Several languages: type to search, Enter adds a tag; tags can be removed."""

    def __init__(self, values: tuple[str, ...] = ()) -> None:
        """Create the picker with initial targets."""
        self.search = _combobox("add a target: type, then Enter", False)
        self.search.continuous_update = False
        self.tags = w.TagsInput(
            value=[_resolve(v).locale for v in values],
            allowed_tags=sorted(lang.locale for lang in CATALOG.languages),
            allow_duplicates=False,
            layout=w.Layout(width="auto", flex="1"),
        )
        self.message = w.HTML()
        self.search.observe(self._on_search, names="value")
        self.box = w.VBox([w.HBox([self.search, self.tags]), self.message])

    def _on_search(self, change: dict[str, object]) -> None:
        """Resolve the typed text and add it as a tag (or say why not)."""
        text = str(change["new"]).strip()
        if not text:
            return
        try:
            locale = _resolve(text).locale
        except CambError as exc:
            self.message.value = _error_html(exc)
            return
        self.message.value = ""
        if locale not in self.tags.value:
            self.tags.value = [*self.tags.value, locale]
        self.search.value = ""

    def languages(self) -> list[Language]:
        """The chosen targets (at least one) or `UsageError`."""
        if not self.tags.value:
            raise UsageError("add at least one target language")
        return [_resolve(tag) for tag in self.tags.value]


def _error_html(exc: BaseException) -> str:
    """An inline validation message."""
    style = "color:var(--jp-error-color1,#d32f2f)"
    return f"<span class='camb-invalid' style='{style}'>{html.escape(str(exc))}</span>"


class SubmitRow:
    """A submit button, an inline message, and the live bars of the jobs this form submitted."""

    def __init__(self, label: str, submit: Callable[[], AnyJob]) -> None:
        """`submit` validates and returns a job at once, or raises `CambError` with a message for the user."""
        self._submit = submit
        self.submitted: Callable[[], object] | None = None  # called after each successful submit (the board)
        self.button = w.Button(description=label, button_style="primary", icon="play")
        self.message = w.HTML()
        self.jobs = w.VBox()
        self.drawers: list[JobProgress] = []  # newest first, like the bars shown
        self.button.on_click(self._on_click)
        self.box = w.VBox(
            [w.HBox([self.button, self.message], layout=w.Layout(align_items="center")), self.jobs]
        )

    def _on_click(self, _button: w.Button) -> None:
        """Validate and submit (never waits for the job); show the message or the new job's bar on top."""
        try:
            job = self._submit()
        except (CambError, ValueError) as exc:
            self.message.value = _error_html(exc)
            return
        self.message.value = ""
        drawer = JobProgress(job)
        self.drawers.insert(0, drawer)
        self.jobs.children = (drawer.widget, *self.jobs.children)
        if self.submitted is not None:
            self.submitted()
