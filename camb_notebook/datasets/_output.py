"""The written side of a dataset run: output columns, the state directory with its parts, and the final move.

A run writes into `<dest>.camb-partial/`: `manifest.json` (the call that owns it), `seen.sqlite3` (see
`SeenTexts`) and `parts/part-NNNNNN.parquet`, one per input batch, each written to a temporary name and
renamed, so a part exists only when complete. At the end the parts become `dest` (one Parquet file, streamed
part by part, or a directory of the parts) and the state directory is removed. Driver thread only.
Usage: `state = RunState.open(dest, manifest, overwrite=False)`; `state.stage_part(k, table)`, then
`state.commit_part(k, staged)`; `state.finish(parts)`.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from camb_notebook.api import UsageError
from camb_notebook.jobs import NOT_SENT, is_not_sent

__all__ = [
    "STATUS_CANCELLED",
    "STATUS_FAILED",
    "STATUS_NOT_SENT",
    "STATUS_OK",
    "STATUS_SKIPPED",
    "RunState",
    "check_outputs",
    "output_table",
    "release_arrow_memory",
    "summary_message",
    "target_status",
]

# The same camb_status values as df.camb.translate: all targets translated / a target failed / not sent
# (missing or blank) / kept back by a budget / cancelled; the row summary is the worst of its targets'.
STATUS_OK, STATUS_FAILED, STATUS_SKIPPED, STATUS_NOT_SENT = "ok", "failed", "skipped", NOT_SENT
STATUS_CANCELLED = "cancelled"
_RANK = {STATUS_FAILED: 6, STATUS_CANCELLED: 4, STATUS_NOT_SENT: 3, STATUS_SKIPPED: 2, STATUS_OK: 1}
SUMMARY = ("camb_status", "camb_error")


def check_outputs(names: Sequence[str], column: str, targets: Sequence[str]) -> None:
    """Refuse, naming them, input columns that a run would add again (the rule of df.camb.translate).

    Called before the run state is created, so nothing is written or sent. Duplicate names would make the
    written Parquet unreadable by name (pyarrow: "Multiple matches"). The names are those a run writes
    (`<column>_<t>`, `camb_status_<t>`, `camb_error_<t>`, `camb_status`, `camb_error`); unlike a frame, a
    dataset run never recomputes an earlier `camb_status` / `camb_error` summary, so the pair is always
    refused, and so is the source column being one of the outputs.
    """
    outputs = [f"{column}_{t}" for t in targets]
    outputs += [f"{prefix}{t}" for t in targets for prefix in ("camb_status_", "camb_error_")]
    outputs += SUMMARY
    present = set(names)
    taken = [name for name in outputs if name in present]
    if column in outputs and column not in taken:
        taken.append(column)
    if taken:
        listed = ", ".join(repr(name) for name in taken)
        raise UsageError(
            f"the dataset already has the output column(s) {listed}; a run never overwrites a column",
            hint="Rename or drop them in the source, or translate into other targets",
        )


def output_table(
    table: Any,
    column: str,
    positions: Sequence[int],
    translations: dict[str, list[str | None]],
    errors: dict[str, list[str | None]],
) -> Any:
    """`table` plus the columns df.camb.translate adds, in its order: `<column>_<target>` per target, then
    `camb_status_<target>` / `camb_error_<target>` per target, then the row summary `camb_status` /
    `camb_error` (the worst target status; the failing targets' messages, `fr-fr: …; de-de: …`).

    `positions` maps each row to its distinct text (-1: not sent, `skipped`); statuses and messages are
    computed per distinct text and spread with one vectorized `take` per column. (Arrow strings are valid
    UTF-8, so the frames' `invalid` status for lone surrogates never arises here.)
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    index = pa.array(positions, type=pa.int64())
    size = len(next(iter(translations.values()), []))
    take = pc.if_else(pc.less(index, 0), size, index)  # position -1 picks the trailing entry

    def spread(values: Sequence[str | None], unsent: str | None = None) -> Any:
        return pa.array([*values, unsent], type=pa.string()).take(take)

    statuses = {t: [target_status(e) for e in errors[t]] for t in translations}
    out = table
    for target, values in translations.items():
        out = out.append_column(f"{column}_{target}", spread(values))
    for target in translations:
        out = out.append_column(f"camb_status_{target}", spread(statuses[target], STATUS_SKIPPED))
        out = out.append_column(f"camb_error_{target}", spread(errors[target]))
    worst = [max((s[i] for s in statuses.values()), key=_RANK.__getitem__) for i in range(size)]
    messages = [summary_message([(t, e[i]) for t, e in errors.items()]) for i in range(size)]
    out = out.append_column("camb_status", spread(worst, STATUS_SKIPPED))
    return out.append_column("camb_error", spread(messages))


def target_status(error: str | None) -> str:
    """The `camb_status_<target>` of a sent text (the frames' rule): ok, failed, not_sent or cancelled."""
    if error is None:
        return STATUS_OK
    if is_not_sent(error):
        return STATUS_NOT_SENT
    return STATUS_CANCELLED if error.startswith("JobCancelled:") else STATUS_FAILED


def summary_message(parts: Sequence[tuple[str, str | None]]) -> str | None:
    """The row's `camb_error`: its targets' messages (`fr-fr: …; de-de: …`), one message said once."""
    found = [(t, m) for t, m in parts if m]
    if not found:
        return None
    if len(found) > 1 and len({m for _, m in found}) == 1:
        return found[0][1]
    return "; ".join(f"{t}: {m}" for t, m in found)


class RunState:
    """The state directory of one run of one call: manifest, seen texts, finished parts."""

    def __init__(self, dest: Path, root: Path) -> None:
        """Use `open()`."""
        self.dest = dest
        self.root = root
        self.parts = root / "parts"
        self.manifest: dict[str, Any] = {}  # the call that owns the directory (set by `open`)

    @classmethod
    def open(cls, dest: Path, manifest: dict[str, Any], *, overwrite: bool) -> RunState:
        """The state of this call: continue a matching partial run, refuse another call's, or start anew."""
        root = dest.with_name(dest.name + ".camb-partial")
        state = cls(dest, root)
        state.manifest = manifest
        saved = root / "manifest.json"
        if saved.exists():
            found = json.loads(saved.read_text(encoding="utf-8"))
            if found == manifest:
                return state
            if not overwrite and found.get("version") != manifest["version"]:
                raise UsageError(
                    f"{root.name} holds an unfinished run written by another version of camb-notebook"
                    f" (output columns of version {found.get('version')!r}, this one writes version"
                    f" {manifest['version']!r}); its parts cannot be continued",
                    hint="Pass overwrite=True to start over (the result cache serves what it sent)",
                )
            if not overwrite:
                raise UsageError(
                    f"{root.name} holds an unfinished run of another call (source, column, targets or options"
                    " differ)",
                    hint="Repeat that call to finish it, or pass overwrite=True to start over",
                )
        if dest.exists() and not overwrite:
            raise UsageError(f"{str(dest)!r} already exists", hint="Pass overwrite=True to replace it")
        shutil.rmtree(root, ignore_errors=True)
        state.parts.mkdir(parents=True)
        _write_atomic(saved, json.dumps(manifest, indent=1).encode("utf-8"))
        return state

    def part_path(self, index: int) -> Path:
        """Where batch `index` is written."""
        return self.parts / f"part-{index:06d}.parquet"

    def finished_parts(self) -> int:
        """How many batches from the first on are already written (a rerun skips them)."""
        count = 0
        while self.part_path(count).exists():
            count += 1
        return count

    def finished_rows(self, parts: int) -> int:
        """Rows in the first `parts` parts (from the Parquet footers)."""
        import pyarrow.parquet as pq

        return sum(pq.ParquetFile(self.part_path(i)).metadata.num_rows for i in range(parts))

    def stage_part(self, index: int, table: Any) -> Path:
        """Write batch `index` under a temporary name; `commit_part` makes it count."""
        import pyarrow.parquet as pq

        tmp = self.part_path(index).with_suffix(".tmp")
        pq.write_table(table, tmp)
        return tmp

    def commit_part(self, index: int, staged: Path) -> None:
        """Make a staged part count (an atomic rename)."""
        os.replace(staged, self.part_path(index))

    def finish(self, parts: int) -> None:
        """Turn the parts into `dest` (a file, or a directory when dest ends with '/' or is one), clean up."""
        import pyarrow.parquet as pq

        if self.dest.suffix.lower() in (".parquet", ".pq"):
            tmp = self.root / "final.tmp"
            writer = None
            for index in range(parts):  # one row group in memory at a time
                part = pq.ParquetFile(self.part_path(index))
                if writer is None:
                    writer = pq.ParquetWriter(tmp, part.schema_arrow)
                try:
                    for group in range(part.num_row_groups):
                        writer.write_table(part.read_row_group(group))
                finally:
                    part.close()
                release_arrow_memory()  # else the pool keeps each part's buffers (measured: +65 MiB at 200k)
            assert writer is not None  # an empty dataset still writes one (empty) part
            writer.close()
            if self.dest.is_dir():
                shutil.rmtree(self.dest)
            os.replace(tmp, self.dest)
        else:
            if self.dest.exists():
                shutil.rmtree(self.dest) if self.dest.is_dir() else self.dest.unlink()
            self.dest.mkdir(parents=True)
            for index in range(parts):
                os.replace(self.part_path(index), self.dest / self.part_path(index).name)
        shutil.rmtree(self.root, ignore_errors=True)


def release_arrow_memory() -> None:
    """Hand freed Arrow buffers back to the OS (after each batch, and each part of the final file).

    pyarrow's default pool (mimalloc) otherwise keeps them, in huge pages, and the process's resident memory
    would follow the largest batches seen instead of the current one (measured: ~600 MiB held at 5M rows).
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a small file so it is either absent or complete."""
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
