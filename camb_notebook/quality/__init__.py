"""Placeholder and markup protection and translation QA: pure text, used by every translation path.

Imports only `api`. `Protector.prepare(text)` masks what an engine must not translate (printf, Python
formats, ICU structure, i18next, HTML/XML tags and entities, URLs, e-mails, escapes, do-not-translate terms)
as `<x id="N"/>` tags; `Masked.restore(...)` puts them back or raises `RestoreError`. `check(source, target,
lang=...)` returns a `QaResult` (`ok`/`warning`/`error` and issue codes such as `placeholder_missing:{name}`).
Usage: `m = Protector().prepare("Hi {name}")`; `m.restore(engine(m.texts))`; `check(src, out, lang="fr-fr")`.
"""

from __future__ import annotations

from camb_notebook.quality._checks import CHECKS, QaResult, check, check_pairs, severity
from camb_notebook.quality._icu import (
    IcuBlock,
    icu_issues,
    parse_blocks,
    plural_categories,
    split_block,
    text_runs,
)
from camb_notebook.quality._mask import MASK_PATTERN, Masked, Protector, RestoreError, mask_tag
from camb_notebook.quality._result import CheckedTranslation
from camb_notebook.quality._syntax import (
    DEFAULT_SYNTAXES,
    SYNTAXES,
    Token,
    find_icu_blocks,
    find_tokens,
    has_markers,
    resolve_syntaxes,
)

__all__ = [
    "CHECKS",
    "DEFAULT_SYNTAXES",
    "MASK_PATTERN",
    "SYNTAXES",
    "CheckedTranslation",
    "IcuBlock",
    "Masked",
    "Protector",
    "QaResult",
    "RestoreError",
    "Token",
    "check",
    "check_pairs",
    "find_icu_blocks",
    "find_tokens",
    "has_markers",
    "icu_issues",
    "mask_tag",
    "parse_blocks",
    "plural_categories",
    "resolve_syntaxes",
    "severity",
    "split_block",
    "text_runs",
]
