"""Compact translations: a chunk's texts packed as one UTF-8 buffer, and a batch's per-target store of them.

A million-row batch holds every translation until its frame is built; as Python strs that is ~250 bytes a text
(a non-Latin-1 text is stored 2 bytes a character plus a 74-byte header), packed it is its UTF-8 length plus
16 bytes. `TextStore` is `BatchOutcome.translations[target]`: a list-like `str | None` per distinct text
(index, slice-assign, iterate, `==` a list) whose texts are appended, chunk after chunk, to one UTF-8 arena
(`PackedTexts`: Arrow's large_string layout), so the output frame's column is taken from one array Arrow
reads without a copy (`arrow_chunks()`). A recorded chunk job keeps a view into the store (`StoredTexts`) as
its result, not the answer's strs. Hand-written: no library keeps a mutable, index-addressed sequence of
strings as UTF-8; pyarrow (optional here) only reads the arenas.
Usage: `store = TextStore(3)`; `store.put([0, 2], ["a", "b"])`; `store[2]` → "b"; `store.missing()` → [1].
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from camb_notebook.jobs._batch_quality import RowResult
    from camb_notebook.jobs._job import Job

__all__ = ["ColumnTexts", "PackedTexts", "StoredTexts", "TextStore", "record_chunk"]


class PackedTexts(Sequence[str]):
    """Texts as UTF-8 in one buffer plus end offsets (int64: Arrow's large_string layout); `extend` appends.

    A lone surrogate (a server may send one) cannot be UTF-8: it is kept with `surrogatepass`, and the pack
    marked not `valid`, so it still reads back exactly but is never handed to Arrow.
    """

    __slots__ = ("data", "ends", "valid")

    def __init__(self, texts: Iterable[str] = ()) -> None:
        """Pack `texts` (encoded once; the strs can be dropped afterwards)."""
        self.data = bytearray()
        self.ends = array("q", [0])
        self.valid = True
        self.extend(texts)

    def extend(self, texts: Iterable[str]) -> None:
        """Append texts (raises BufferError while Arrow holds a view of this pack: see TextStore.put)."""
        texts = list(texts)
        try:
            encoded = [text.encode("utf-8") for text in texts]
        except UnicodeEncodeError:
            self.valid = False
            encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
        ends = list(accumulate((len(part) for part in encoded), initial=len(self.data)))
        self.ends.extend(ends[1:])  # first, so a held view fails before the data grows
        self.data += b"".join(encoded)

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
        """The texts as a pyarrow `large_string` array over this memory (no copy); while the array lives the
        pack cannot grow (Python's buffer rules). Needs pyarrow."""
        import pyarrow as pa

        buffers = [None, pa.py_buffer(self.ends), pa.py_buffer(self.data)]
        return pa.Array.from_buffers(pa.large_string(), len(self), buffers)


class ColumnTexts(Sequence[str]):
    """Texts read from values the store does not own: the frame column it built (an Arrow `large_string`
    array), or the per-text table of str objects an object column was spread from."""

    __slots__ = ("array", "valid")

    def __init__(self, array: Any) -> None:
        """Read from `array` (never changed: Arrow is immutable, the object table is nobody else's)."""
        self.array = array
        self.valid = hasattr(array, "buffers") or hasattr(array, "chunks")  # Arrow: an array or chunked one

    def __len__(self) -> int:
        """How many values."""
        return len(self.array)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        """Value `index`, or a list for a slice."""
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        value = self.array[index]
        return str(value.as_py() if self.valid else value)

    def extend(self, texts: Iterable[str]) -> None:
        """Never grows: the store opens a pack of its own for new texts."""
        raise BufferError("a column the store reads from cannot grow")

    def arrow(self) -> Any:
        """The values as Arrow (the array itself; an object table is converted)."""
        import pyarrow as pa

        return self.array if self.valid else pa.array(self.array, type=pa.large_string(), from_pandas=True)


class StoredTexts(Sequence[str]):
    """A chunk's translations read from its batch's store (what a recorded chunk job keeps as its result)."""

    __slots__ = ("indices", "store")

    def __init__(self, store: TextStore, indices: Sequence[int]) -> None:
        """The entries `indices` of `store`, in that order (all set)."""
        self.store = store
        self.indices = indices

    def __len__(self) -> int:
        """How many texts."""
        return len(self.indices)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        """Text `index` (decoded from the store), or a list for a slice."""
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self.store[self.indices[index]] or ""


class TextStore(Sequence["str | None"]):
    """A fixed-length `str | None` per distinct text; the texts live in append-only UTF-8 packs.

    `_where[i]` is entry i's number across the packs (-1: None); pack k holds numbers `_starts[k]` on.
    Texts go to the last pack while it is open; a copy (a retry's outcome) closes it for both, and each
    then appends to a pack of its own, so shared packs never change. Overwriting leaves the old text unused.
    """

    __slots__ = ("_open", "_packs", "_starts", "_where")

    def __init__(self, size: int) -> None:
        """`size` entries, all None."""
        self._packs: list[PackedTexts | ColumnTexts] = []
        self._starts: list[int] = []
        self._open = False  # whether the last pack takes more texts
        self._where = array("q", [-1]) * size

    def __len__(self) -> int:
        """How many entries (distinct texts)."""
        return len(self._where)

    def _text(self, number: int) -> str:
        """The text with pack-wide number `number`."""
        k = bisect_right(self._starts, number) - 1
        return self._packs[k][number - self._starts[k]]

    @overload
    def __getitem__(self, index: int) -> str | None: ...

    @overload
    def __getitem__(self, index: slice) -> list[str | None]: ...

    def __getitem__(self, index: int | slice) -> str | list[str | None] | None:
        """Entry `index` (decoded), or a list for a slice."""
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        number = self._where[index]
        return None if number < 0 else self._text(number)

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
                self._where[i] = -1
        if given:
            self.put([i for i, _ in given], [str(v) for _, v in given])

    def __iter__(self) -> Iterator[str | None]:
        """Every entry in order."""
        for number in self._where:
            yield None if number < 0 else self._text(number)

    def __eq__(self, other: object) -> bool:
        """Equal to another store or a list/tuple with the same entries."""
        if isinstance(other, (TextStore, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        """`TextStore(5 entries, 3 set)`."""
        return f"TextStore({len(self)} entries, {self.filled()} set)"

    def put(self, indices: Sequence[int], texts: Sequence[str]) -> None:
        """Set entries `indices` to `texts` (appended to the open pack, or to a new one)."""
        if len(texts) != len(indices):
            raise ValueError(f"{len(indices)} entries, {len(texts)} texts")
        if not self._open:
            self._new_pack()
        pack = self._packs[-1]
        try:
            pack.extend(texts)
        except BufferError:  # Arrow is reading this pack (a frame built mid-run): continue in a new one
            self._new_pack()
            pack = self._packs[-1]
            pack.extend(texts)
        first = self._starts[-1] + len(pack) - len(texts)
        for offset, index in enumerate(indices):
            self._where[index] = first + offset

    def _new_pack(self) -> None:
        """Close the last pack and open an empty one after it."""
        self._starts.append(self._starts[-1] + len(self._packs[-1]) if self._packs else 0)
        self._packs.append(PackedTexts())
        self._open = True

    def adopt(self, column: Any, where: array[int]) -> None:
        """Read every entry from `column` from now on (entry i at `column[where[i]]`, -1: None; the frame
        column built from this store, or its object table) and let the packs go: each text is held once."""
        if len(where) != len(self._where):
            raise ValueError(f"{len(self._where)} entries, {len(where)} positions")
        self._packs, self._starts, self._open, self._where = [ColumnTexts(column)], [0], False, where

    def has(self, index: int) -> bool:
        """Whether entry `index` is set (without decoding it)."""
        return self._where[index] >= 0

    def filled(self) -> int:
        """How many entries are set."""
        return len(self._where) - self._where.count(-1)

    def missing(self) -> Sequence[int]:
        """The indices of the entries still None, in order (a range while none is set: no int per entry)."""
        if self._where.count(-1) == len(self._where):
            return range(len(self._where))
        return [i for i, number in enumerate(self._where) if number < 0]

    def copy(self) -> TextStore:
        """An independent store with the same entries (the packs are shared and closed for both)."""
        self._open = False
        twin = TextStore(0)
        twin._packs, twin._starts = list(self._packs), list(self._starts)
        twin._where = array("q", self._where)
        return twin

    def arrow_chunks(self) -> tuple[list[Any], array[int]]:
        """The packs as Arrow arrays over their memory, and each entry's number across them (-1: None)."""
        parts = [getattr(one, "chunks", [one]) for one in (pack.arrow() for pack in self._packs)]
        return [part for chunks in parts for part in chunks], self._where

    def numbers(self) -> array[int]:
        """Per entry its number across the packs (-1: None), as `arrow_chunks()` gives it."""
        return self._where

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
    """Put a chunk's good translations (`rows` without error, at `indices`) into `store`, and swap the chunk
    job's result for a compact one, so no answer str outlives the chunk.

    When every row came back unchanged (nothing masked, nothing failed) the job's result reads the store.
    """
    from camb_notebook.api import TranslationResult  # here: the store alone loads no engine (frames use it)

    texts = [row.text for row in rows if row.error is None and row.text is not None]
    store.put(indices, texts)
    if job is None or job.state != "succeeded" or isinstance(answer, (PackedTexts, StoredTexts)):
        return  # a chunk job another batch already recorded keeps what that batch gave it
    same = len(texts) == len(answer) and all(text is sent for text, sent in zip(texts, answer, strict=True))
    job._engine.compact(TranslationResult(StoredTexts(store, indices) if same else PackedTexts(answer)))
