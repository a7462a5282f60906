"""Localization catalogs (.po, XLIFF, JSON, Android, Apple, CSV/XLSX) as DataFrames, written back losslessly.

`read(path) -> DataFrame` (one row per unit, columns COLUMNS; the file's layout in `attrs["camb_catalog"]`),
`write(frame, path)` (untouched units byte for byte, atomic). Format authors: see `_model.py`.
"""

from __future__ import annotations

from ._model import COLUMNS, PLURAL_CATEGORIES, STATES, CatalogError, CatalogFormat, Parsed, Unit
from ._registry import FORMATS, CatalogState, read, write

__all__ = [
    "COLUMNS",
    "FORMATS",
    "PLURAL_CATEGORIES",
    "STATES",
    "CatalogError",
    "CatalogFormat",
    "CatalogState",
    "Parsed",
    "Unit",
    "read",
    "write",
]
