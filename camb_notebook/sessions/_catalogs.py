"""Camb's catalog methods (a mixin, so the facade stays small): translate a .po/XLIFF/JSON/... catalog.

The catalog room (`camb_notebook.catalogs`, which imports pandas) loads on first use, not with the session.
Usage: `batch = camb.translate_catalog("messages.pot", to=["fr-fr", "pl-pl"], out="locale/{lang}/app.po")`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from camb_notebook.jobs import BatchJob, Estimate, JobManager

__all__ = ["CatalogMethods"]


class CatalogMethods:
    """`translate_catalog` on the session."""

    _manager: JobManager  # the session's engine (Camb sets it)

    def translate_catalog(
        self,
        path_or_frame: str | os.PathLike[str] | pd.DataFrame,
        to: str | Sequence[str],
        *,
        out: str | None = None,
        only: str = "missing",
        source: str | None = None,
        dry_run: bool = False,
        **options: Any,
    ) -> BatchJob[dict[str, pd.DataFrame]] | Estimate:
        """Translate a catalog's missing units (`only="fuzzy"`: and fuzzy ones; `"all"`: every unit) into
        each target; returns a BatchJob at once whose result is `{target: frame}`.

        `out="locale/{lang}/LC_MESSAGES/app.po"` ({lang} 'pl', {locale} 'pl_PL') writes each target's file
        when the batch is done. Plural entries get the target's CLDR forms. `options` are the batch's
        (chunk_size, max_chars, concurrency, formality, gender, cache, max_characters, max_tasks, ...);
        `dry_run=True` returns an Estimate of what would be sent, and sends nothing.
        """
        from camb_notebook.catalogs._translate import translate_catalog

        return translate_catalog(
            self._manager, path_or_frame, to, out=out, only=only, source=source, dry_run=dry_run, **options
        )
