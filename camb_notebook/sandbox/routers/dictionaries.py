"""Dictionary routes (glossaries), the paths and bodies the official SDK's `dictionaries` client uses.

Each key sees only its own dictionaries (another key's id answers 404). Translation routes apply the terms of
`chosen_dictionaries` (see `_dictionaries.DictionaryStore.terms_for` and `pseudo_localize(terms=...)`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel, Field

from camb_notebook.sandbox._catalog import LOCALE_BY_ID
from camb_notebook.sandbox._dictionaries import Dictionary, parse_term_csv
from camb_notebook.sandbox._http import ApiKey, SandboxError, get_state, invalid

__all__ = ["router"]

router = APIRouter(tags=["dictionaries"])


class TermTranslationInput(BaseModel):
    """One language of a term: `{translation, language}` (a language id)."""

    translation: str = Field(min_length=1)
    language: int


class TermBody(BaseModel):
    """POST add-term / PUT term: the term in one or more languages."""

    translations: list[TermTranslationInput] = Field(min_length=1)


def _term(body: TermBody) -> dict[int, str]:
    """The term as `{language id: text}` (unknown ids are a 422)."""
    for index, item in enumerate(body.translations):
        if item.language not in LOCALE_BY_ID:
            raise invalid(("body", "translations", index, "language"), "Unknown language id", item.language)
    return {item.language: item.translation for item in body.translations}


def _owned(request: Request, key: str, dictionary_id: int) -> Dictionary:
    """The caller's dictionary, or 404."""
    found = get_state(request).dictionaries.items.get(dictionary_id)
    if found is None or found.key != key:
        raise SandboxError(404, "Dictionary not found")
    return found


@router.get("/dictionaries")
async def list_dictionaries(request: Request, key: ApiKey) -> list[dict[str, Any]]:
    """Every dictionary of this key, with its terms."""
    store = get_state(request).dictionaries
    return [d.to_wire() for d in store.items.values() if d.key == key]


@router.post("/dictionaries/create-from-file")
async def create_from_file(
    request: Request,
    key: ApiKey,
    dictionary_file: Annotated[UploadFile, File()],
    dictionary_name: Annotated[str, Form(min_length=1)],
    dictionary_description: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    """Create a dictionary from a CSV (header: language ids or locale tags; a row per term)."""
    try:
        terms = parse_term_csv(await dictionary_file.read())
    except ValueError as exc:
        raise invalid(("body", "dictionary_file"), str(exc)) from None
    state = get_state(request)
    with state.lock:
        made = state.dictionaries.create(key, dictionary_name, dictionary_description, terms)
    return {"dictionary_id": made.id, "id": made.id, "name": made.name, "terms": len(made.terms)}


@router.get("/dictionaries/{dictionary_id}")
async def dictionary_info(dictionary_id: int, request: Request, key: ApiKey) -> dict[str, Any]:
    """One dictionary."""
    return _owned(request, key, dictionary_id).to_wire()


@router.get("/dictionaries/{dictionary_id}/full-details")
async def dictionary_details(
    dictionary_id: int,
    request: Request,
    key: ApiKey,
    limit: int | None = None,
    search_term: str | None = None,
) -> dict[str, Any]:
    """One dictionary with its terms (at most `limit`, those matching `search_term`)."""
    return _owned(request, key, dictionary_id).to_wire(limit=limit, search=search_term)


@router.delete("/dictionaries/{dictionary_id}")
async def delete_dictionary(dictionary_id: int, request: Request, key: ApiKey) -> dict[str, Any]:
    """Delete a dictionary."""
    _owned(request, key, dictionary_id)
    state = get_state(request)
    with state.lock:
        del state.dictionaries.items[dictionary_id]
    return {"message": "Dictionary deleted"}


@router.post("/dictionaries/{dictionary_id}/add-term")
async def add_term(dictionary_id: int, body: TermBody, request: Request, key: ApiKey) -> dict[str, Any]:
    """Add a term."""
    found = _owned(request, key, dictionary_id)
    state = get_state(request)
    with state.lock:
        term_id = state.dictionaries.add_term(found, _term(body))
    return {"term_id": term_id}


@router.put("/dictionaries/term/{dictionary_id}/{term_id}")
async def update_term(
    dictionary_id: int, term_id: int, body: TermBody, request: Request, key: ApiKey
) -> dict[str, Any]:
    """Update (merge) a term's translations."""
    found = _owned(request, key, dictionary_id)
    if term_id not in found.terms:
        raise SandboxError(404, "Term not found")
    with get_state(request).lock:
        found.terms[term_id].update(_term(body))
    return {"term_id": term_id}


@router.delete("/dictionaries/term/{dictionary_id}/{term_id}")
async def delete_term(dictionary_id: int, term_id: int, request: Request, key: ApiKey) -> dict[str, Any]:
    """Delete a term."""
    found = _owned(request, key, dictionary_id)
    if term_id not in found.terms:
        raise SandboxError(404, "Term not found")
    with get_state(request).lock:
        del found.terms[term_id]
    return {"message": "Term deleted"}
