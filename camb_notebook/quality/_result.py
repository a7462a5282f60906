"""CheckedTranslation: a TranslationResult whose texts were restored and checked, with a QaResult per text.

A subclass, so code that reads `result.texts` keeps working; a text whose restore failed is `""` and its QA
says why (`mask_lost:{name}`). Usage: `job.result().qa[0].status`.
"""

from __future__ import annotations

from dataclasses import dataclass

from camb_notebook.api import TranslationResult
from camb_notebook.quality._checks import QaResult

__all__ = ["CheckedTranslation"]


@dataclass(frozen=True)
class CheckedTranslation(TranslationResult):
    """Translated texts (restored) and, per text, its QA verdict (None when QA was off)."""

    qa: tuple[QaResult | None, ...] = ()

    @property
    def qa_status(self) -> str | None:
        """The worst status over the texts (`error` > `warning` > `ok`), None without QA."""
        statuses = {r.status for r in self.qa if r is not None}
        for status in ("error", "warning", "ok"):
            if status in statuses:
                return status
        return None
