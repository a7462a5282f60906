"""Datasets larger than memory: Parquet, CSV or JSON Lines translated batch by batch into Parquet, resumably.

Needs the `datasets` extra (pyarrow), imported only when a run starts. Sits on the engine (`jobs`): each batch
of rows is one engine batch, so the limit, journal and result cache apply. Usage:
`job = translate_dataset(manager, "reviews.parquet", "out.parquet", column="text", to=["fr-fr"])`;
`translate_dataset(..., dry_run=True)` gives a DatasetEstimate and sends nothing.
"""

from __future__ import annotations

from camb_notebook.datasets._estimate import DatasetEstimate
from camb_notebook.datasets._job import DatasetJob, DatasetResult
from camb_notebook.datasets._translate import translate_dataset

__all__ = ["DatasetEstimate", "DatasetJob", "DatasetResult", "translate_dataset"]
