"""Compact translations: a chunk's texts packed as one UTF-8 buffer, and a batch's per-target store of them.

A million-row batch holds every translation until its frame is built; as Python strs that is ~250 bytes a text
(a non-Latin-1 text is stored 2 bytes a character plus a 74-byte header), packed it is its UTF-8 length plus
16 bytes. `PackedTexts` is what a chunk's answer becomes once the batch recorded it (the chunk job keeps the
same pack as its result, so the answer is held once); `TextStore` is `BatchOutcome.translations[target]`: a
list-like `str | None` per distinct text (index, slice-assign, iterate, `==` a list) whose packs Arrow reads
without a copy (`arrow()`), so the output frame's column is one `take` from them. Hand-written: no library
keeps a mutable, index-addressed sequence of strings as UTF-8; pyarrow (optional here) only reads the packs.
Usage: `store = TextStore(3)`; `store.put([0, 2], ["a", "b"])`; `store[2]` → "b"; `store.missing()` → [1].
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from camb_notebook.jobs._batch_quality import RowResult
    from camb_notebook.jobs._job import Job

__all__ = ["PackedTexts", "TextStore", "record_chunk"]


class PackedTexts(Sequence[str]):
    """Texts as one UTF-8 `bytes` plus end offsets (int64, Arrow's large_string layout); read-only.

    A lone surrogate (a server may send one) cannot be UTF-8: such a pack is kept with `surrogatepass` and
    marked not `valid`, so it still reads back exactly but is never handed to Arrow.
    """

    __slots__ = ("data", "ends", "valid")

    def __init__(self, texts: Iterable[str]) -> None:
        """Pack `texts` (encoded once; the strs can be dropped afterwards)."""
        self.valid = True
        try:
            encoded = [text.encode("utf-8") for text in texts]
        except UnicodeEncodeError:
            self.valid = False
            encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
        self.data = b"".join(encoded)
        self.ends = array("q", accumulate((len(part) for part in encoded), initial=0))

    def __len__(self) -> int:
        """How many texts."""
        return len(self.ends) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        """Decode one text (a fresh str each time), or a list for a slice."""
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("PackedTexts index out of range")
        raw = self.data[self.ends[index] : self.ends[index + 1]]
        return raw.decode("utf-8", "strict" if self.valid else "surrogatepass")

    def __repr__(self) -> str:
        """`PackedTexts(3 texts, 120 bytes)`."""
        return f"PackedTexts({len(self)} texts, {len(self.data)} bytes)"

    def arrow(self) -> Any:
        """The pack as a pyarrow `large_string` array over the same memory (no copy). Needs pyarrow."""
        import pyarrow as pa

        buffers = [None, pa.py_buffer(self.ends), pa.py_buffer(self.data)]
        return pa.Array.from_buffers(pa.large_string(), len(self), buffers)


class TextStore(Sequence["str | None"]):
    """A fixed-length `str | None` per distinct text, held as packs: where each text is, (pack, slot).

    Writing a chunk's texts adds one pack (`put`); overwriting leaves the old pack's entry unused (a retry's
    copy shares its packs with the batch it came from: packs never change).
    """

    __slots__ = ("_pack", "_packs", "_slot")

    def __init__(self, size: int) -> None:
        """`size` entries, all None."""
        self._packs: list[PackedTexts] = []
        self._pack = array("i", [-1]) * size  # which pack holds entry i (-1: None)
        self._slot = array("i", [0]) * size  # its position in that pack

    def __len__(self) -> int:
        """How many entries (distinct texts)."""
        return len(self._pack)

    @overload
    def __getitem__(self, index: int) -> str | None: ...

    @overload
    def __getitem__(self, index: slice) -> list[str | None]: ...

    def __getitem__(self, index: int | slice) -> str | list[str | None] | None:
        """Entry `index` (decoded), or a list for a slice."""
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        pack = self._pack[index]
        return None if pack < 0 else self._packs[pack][self._slot[index]]

    def __setitem__(self, index: int | slice, value: Any) -> None:
        """Set one entry (None clears it), or a slice from an iterable of the same length (like a list)."""
        if isinstance(index, slice):
            indices = range(*index.indices(len(self)))
            values = list(value)
            if len(values) != len(indices):
                raise ValueError(f"cannot assign {len(values)} values to {len(indices)} entries")
        else:
            if not -len(self) <= index < len(self):
                raise IndexError("TextStore index out of range")
            indices, values = range(index % len(self), index % len(self) + 1), [value]
        given = [(i, v) for i, v in zip(indices, values, strict=True) if v is not None]
        for i, v in zip(indices, values, strict=True):
            if v is None:
                self._pack[i] = -1
        if given:
            self.put([i for i, _ in given], [str(v) for _, v in given])

    def __iter__(self) -> Iterator[str | None]:
        """Every entry in order."""
        packs, slots = self._packs, self._slot
        for i, pack in enumerate(self._pack):
            yield None if pack < 0 else packs[pack][slots[i]]

    def __eq__(self, other: object) -> bool:
        """Equal to another store or a list/tuple with the same entries."""
        if isinstance(other, (TextStore, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        """`TextStore(5 entries, 3 set, 2 packs)`."""
        return f"TextStore({len(self)} entries, {self.filled()} set, {len(self._packs)} packs)"

    def put(self, indices: Sequence[int], texts: Sequence[str] | PackedTexts) -> PackedTexts:
        """Set entries `indices` to `texts` as one pack (a PackedTexts is taken as is); returns the pack."""
        pack = texts if isinstance(texts, PackedTexts) else PackedTexts(texts)
        if len(pack) != len(indices):
            raise ValueError(f"{len(indices)} entries, {len(pack)} texts")
        number = len(self._packs)
        self._packs.append(pack)
        for slot, index in enumerate(indices):
            self._pack[index] = number
            self._slot[index] = slot
        return pack

    def has(self, index: int) -> bool:
        """Whether entry `index` is set (without decoding it)."""
        return self._pack[index] >= 0

    def filled(self) -> int:
        """How many entries are set."""
        return len(self._pack) - self._pack.count(-1)

    def missing(self) -> list[int]:
        """The indices of the entries still None, in order."""
        return [i for i, pack in enumerate(self._pack) if pack < 0]

    def copy(self) -> TextStore:
        """An independent store with the same entries (the packs are shared: they never change)."""
        twin = TextStore(0)
        twin._packs = list(self._packs)
        twin._pack = array("i", self._pack)
        twin._slot = array("i", self._slot)
        return twin

    def layout(self) -> tuple[list[PackedTexts], array[int], array[int]]:
        """(packs, pack per entry (-1: None), slot per entry): what a column builder takes the texts from."""
        return self._packs, self._pack, self._slot

    def arrow_ready(self) -> bool:
        """Whether every pack can be read by Arrow (no lone surrogate anywhere) and pyarrow is installed."""
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            return False
        return all(pack.valid for pack in self._packs)


def record_chunk(
    store: TextStore,
    job: Job | None,
    indices: Sequence[int],
    answer: Sequence[str],
    rows: Sequence[RowResult],
) -> None:
    """Put a chunk's good translations (`rows` without error, at `indices`) into `store` as one pack, and
    swap the chunk job's result for a pack too, so no answer str outlives the chunk.

    When every row came back unchanged (nothing masked, nothing failed) the job keeps the store's own pack.
    """
    from camb_notebook.api import TranslationResult  # here: the store alone loads no engine (frames use it)

    texts = [row.text for row in rows if row.error is None and row.text is not None]
    same = len(texts) == len(answer) and (
        all(text is sent for text, sent in zip(texts, answer, strict=True))
        or (isinstance(answer, PackedTexts) and texts == list(answer))
    )
    if same and isinstance(answer, PackedTexts):  # a chunk job another batch already packed
        store.put(indices, answer)
        return
    pack = store.put(indices, texts) if indices else None
    if job is not None and job.state == "succeeded" and not isinstance(answer, PackedTexts):
        job._engine.compact(TranslationResult(pack if same and pack is not None else PackedTexts(answer)))
