"""Camb's catalog methods (a mixin, so the facade stays small): translate a .po/XLIFF/JSON/... catalog.

The catalog room (`camb_notebook.catalogs`, which imports pandas) loads on first use, not with the session.
Usage: `batch = camb.translate_catalog("messages.pot", to=["fr-fr", "pl-pl"], out="locale/{lang}/app.po")`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from camb_notebook.jobs import BatchJob, Estimate, JobManager

__all__ = ["CatalogMethods"]


class CatalogMethods:
    """`translate_catalog` on the session."""

    _manager: JobManager  # the session's engine (Camb sets it)

    if TYPE_CHECKING:  # ProtectionMixin's, which Camb inherits (a stub here would shadow it)

        def quality_arguments(
            self, texts: Sequence[object], source: Any, quality: Mapping[str, Any]
        ) -> dict[str, Any]: ...

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
        `dry_run=True` returns an Estimate of what would be sent, and sends nothing. Placeholders are
        protected and QA runs as in `translate` (protect=, dnt=, dictionaries=, qa=, max_length=; the
        units' own max_length by default).
        """
        from camb_notebook.catalogs._translate import translate_catalog
        from camb_notebook.sessions._protect import QUALITY_ARGS

        chosen = {name: options.pop(name) for name in list(options) if name in QUALITY_ARGS}

        def quality(texts: list[str | None], limits: list[int | None]) -> dict[str, Any]:
            given = dict(chosen)
            if "max_length" not in given and any(limit is not None for limit in limits):
                given["max_length"] = limits  # the units' own limits (XLIFF maxwidth, CSV max_length, ...)
            return self.quality_arguments(texts, source or "en-us", given)

        return translate_catalog(
            self._manager,
            path_or_frame,
            to,
            out=out,
            only=only,
            source=source,
            dry_run=dry_run,
            quality=quality,
            **options,
        )
