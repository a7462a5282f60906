"""The official camb-sdk's `dictionaries` client, unmodified (only base_url and key), against the sandbox;
and `chosen_dictionaries` on `create_translation` applies the terms."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from camb.client import CambAI

from camb_notebook.sandbox import Sandbox, pseudo_localize


@pytest.fixture
def client(camb_sandbox: Sandbox) -> Iterator[CambAI]:
    """A sync SDK client with only base_url and key set."""
    sdk = CambAI(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url)
    yield sdk
    sdk._client_wrapper.httpx_client.httpx_client.close()


def test_every_dictionary_method_of_the_sdk(client: CambAI) -> None:
    """create from file, list, info, details, add/update/delete term, delete — all typed models parse."""
    made = client.dictionaries.create_dictionary_from_file(
        dictionary_file=("terms.csv", b"en-us,fr-fr\nvoice,voix\n"), dictionary_name="Product"
    )
    dictionary_id = made["dictionary_id"]
    listed = client.dictionaries.get_dictionaries()
    assert [(d.id, d.name) for d in listed] == [(dictionary_id, "Product")]
    info = client.dictionaries.get_dictionary_info(dictionary_id)
    assert info.dictionary_terms is not None and info.languages == [1, 76]
    client.dictionaries.add_term_to_dictionary(
        dictionary_id,
        translations=[{"translation": "dubbing", "language": 1}, {"translation": "doublage", "language": 76}],
    )
    details = client.dictionaries.get_dictionary_details(dictionary_id, search_term="dub")
    assert details.dictionary_terms is not None and len(details.dictionary_terms) == 1
    term = details.dictionary_terms[0]
    client.dictionaries.update_term_translation_in_dictionary_using_term_id(
        dictionary_id, term.id, translations=[{"translation": "le doublage", "language": 76}]
    )
    terms = client.dictionaries.get_dictionary_details(dictionary_id, limit=5).dictionary_terms or []
    texts = {item.term_text for entry in terms for item in entry.term_translations}
    assert "le doublage" in texts
    client.dictionaries.delete_dictionary_term(dictionary_id, term.id)
    client.dictionaries.delete_dictionary(dictionary_id)
    assert client.dictionaries.get_dictionaries() == []


def test_chosen_dictionaries_apply_their_terms(client: CambAI) -> None:
    """A translation with `chosen_dictionaries` uses the target term, unaccented, deterministically."""
    made = client.dictionaries.create_dictionary_from_file(
        dictionary_file=("terms.csv", b"1,76\nvoice,voix\n"), dictionary_name="Ids"
    )
    task = client.translation.create_translation(
        texts=["My voice"], source_language=1, target_language=76, chosen_dictionaries=[made["dictionary_id"]]
    )
    for _ in range(200):
        status = client.translation.get_translation_task_status(task["task_id"])
        if status.status == "SUCCESS":
            break
        time.sleep(0.02)
    result = client.translation.get_translation_result(status.run_id)
    assert list(result.texts) == [pseudo_localize("My voice", "fr-fr", {"voice": "voix"})]
    assert "voix" in result.texts[0]
