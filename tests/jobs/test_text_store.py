"""TextStore / PackedTexts (translations kept as UTF-8) and what a batch keeps of a chunk's answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from camb_notebook.api import ApiClient, TranslationResult
from camb_notebook.jobs import JobManager, PollPolicy, TextStore, translation_batch
from camb_notebook.jobs._text_store import PackedTexts, StoredTexts
from camb_notebook.sandbox import Sandbox, pseudo_localize


def test_packed_texts_read_back_exactly_and_arrow_reads_the_same_bytes() -> None:
    """Mixed scripts, an empty text and a lone surrogate round-trip; Arrow sees the pack's own buffer."""
    texts = ["héllo", "", "日本語のテキスト", "emoji 🎉"]
    pack = PackedTexts(texts)
    assert list(pack) == texts and pack[-1] == "emoji 🎉" and pack[1:3] == texts[1:3]
    array = pack.arrow()
    assert array.to_pylist() == texts
    assert array.buffers()[2].address == pa.py_buffer(pack.data).address  # no copy
    odd = PackedTexts(["ok", "bad \ud800 text"])
    assert not odd.valid and odd[1] == "bad \ud800 text"
    with pytest.raises(IndexError):
        pack[4]


def test_store_behaves_like_a_list_of_optional_strings() -> None:
    """Index, slice-assign, overwrite, clear, iterate, compare with a list, copy independently."""
    store = TextStore(4)
    assert store == [None] * 4 and list(store.missing()) == [0, 1, 2, 3] and store.filled() == 0
    store.put([2, 0], ["deux", "zéro"])
    store[1] = "un"
    assert list(store) == ["zéro", "un", "deux", None] and store[-2] == "deux"
    store[:] = ["a", None, "c", "d"]
    assert store == ["a", None, "c", "d"] and store.missing() == [1] and store.has(3) and not store.has(1)
    twin = store.copy()
    twin[0] = "changed"
    assert store[0] == "a" and twin[0] == "changed"
    with pytest.raises(ValueError):
        store[0:2] = ["only one"]
    with pytest.raises(IndexError):
        store[4] = "x"


def test_a_copy_and_a_pack_arrow_is_reading_never_change_under_it() -> None:
    """A copy shares the packs and each side writes to its own; a write while Arrow reads the open pack
    goes to a new pack, and what Arrow read stays as it was."""
    store = TextStore(3)
    store.put([0], ["a"])
    chunks, _ = store.arrow_chunks()
    store.put([1], ["b"])  # the pack is exported to `chunks`: a new pack takes "b"
    assert chunks[0].to_pylist() == ["a"] and list(store) == ["a", "b", None]
    twin = store.copy()
    twin[2] = "twin"
    store[2] = "mine"
    assert list(twin) == ["a", "b", "twin"] and list(store) == ["a", "b", "mine"]
    numbers = store.arrow_chunks()[1]
    flat = [text for chunk in store.arrow_chunks()[0] for text in chunk.to_pylist()]
    assert [flat[n] for n in numbers] == ["a", "b", "mine"]


@pytest.fixture
def manager(camb_sandbox: Sandbox, tmp_path: Path) -> Iterator[JobManager]:
    """A fresh engine on the sandbox with fast polls."""
    api = ApiClient(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url)
    engine = JobManager(api, home=tmp_path, policy=PollPolicy(first=0.02, cap=0.1, jitter=0.0))
    yield engine
    engine.close()


def test_a_recorded_chunk_keeps_a_view_into_the_store_not_the_answer(manager: JobManager) -> None:
    """Once the batch recorded a chunk, the chunk job's result reads the batch's store (no str per text kept
    by the job) and still reads as the chunk's translations; the store is one pack per target."""
    texts = [f"line {i} «{i}»" for i in range(30)]
    batch = translation_batch(manager, texts, to=["fr-fr", "de-de"], chunk_size=10)
    result = batch.result(timeout=30)
    assert result["de-de"] == [pseudo_localize(t, "de-de") for t in texts]
    assert len(batch.jobs) == 6
    for job, unit in batch.chunks.items():
        answer = job.result()
        assert isinstance(answer, TranslationResult) and isinstance(answer.texts, StoredTexts)
        assert answer.texts.store is batch.outcome.translations[unit.target]
        assert list(answer.texts) == [pseudo_localize(texts[i], unit.target) for i in unit.indices]
    for target in ("fr-fr", "de-de"):
        chunks, _ = batch.outcome.translations[target].arrow_chunks()
        assert len(chunks) == 1 and len(chunks[0]) == 30
