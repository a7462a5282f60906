"""The dictionary (glossary) routes, called exactly as the official SDK's `dictionaries` client calls them.

`GET dictionaries`, `POST dictionaries/create-from-file` (multipart: `dictionary_name`,
`dictionary_description`, `dictionary_file`), `GET dictionaries/{id}`, `GET dictionaries/{id}/full-details`,
`DELETE dictionaries/{id}`, `POST dictionaries/{id}/add-term`, `PUT`/`DELETE dictionaries/term/{id}/{tid}`.
A dictionary is `{id, name, description, dictionary_terms: [{id, term_translations: [{language, term_text}]}],
languages}`. Async, any loop. Usage: `await api.create_dictionary_from_file(data, "t.csv", name="Product")`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from camb_notebook.api._errors import InvalidResponseError
from camb_notebook.api._send import Sender, json_body

__all__ = ["DictionaryCalls", "TermTranslation"]

TermTranslation = Mapping[
    str, Any
]  # `{"translation": str, "language": int}` as the SDK's TermTranslationInput


def _dictionary(data: Any, what: str) -> dict[str, Any]:
    """One dictionary object, checked (id and name)."""
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("id"), int)
        or not isinstance(data.get("name"), str)
    ):
        raise InvalidResponseError(f"{what}: expected a dictionary with an id and a name")
    terms = data.get("dictionary_terms")
    if terms is not None and not (isinstance(terms, list) and all(isinstance(t, dict) for t in terms)):
        raise InvalidResponseError(f"{what}: malformed dictionary_terms")
    return data


def _dictionaries(data: Any, what: str) -> list[dict[str, Any]]:
    """A list of dictionaries, each checked."""
    if not isinstance(data, list):
        raise InvalidResponseError(f"{what}: expected a list of dictionaries")
    return [_dictionary(item, what) for item in data]


def _any(data: Any, what: str) -> Any:
    """An answer the SDK types as Any (returned as decoded)."""
    return data


def _translations(translations: Sequence[TermTranslation]) -> dict[str, Any]:
    """The add/update body: `{"translations": [{"translation", "language"}]}` (checked)."""
    rows = []
    for item in translations:
        if not isinstance(item.get("translation"), str) or isinstance(item.get("language"), bool):
            raise InvalidResponseError("a term translation needs a text and a language id")
        rows.append({"translation": item["translation"], "language": int(item["language"])})
    return {"translations": rows}


class DictionaryCalls(Sender):
    """The dictionary routes of ApiClient (reads are safe to retry; creates and edits are submits)."""

    async def get_dictionaries(self) -> list[dict[str, Any]]:
        """Every dictionary of this account (`GET dictionaries`)."""
        return await self._json("GET", "dictionaries", kind="safe", what="dictionaries", parse=_dictionaries)

    async def create_dictionary_from_file(
        self, content: bytes, filename: str, *, name: str, description: str | None = None
    ) -> Any:
        """Upload a term file as a new dictionary (`POST dictionaries/create-from-file`); the API's answer."""
        data = {"dictionary_name": name}
        if description is not None:
            data["dictionary_description"] = description

        @contextlib.contextmanager
        def body() -> Iterator[dict[str, Any]]:
            yield {"data": data, "files": {"dictionary_file": (filename, content, "text/csv")}}

        what = "dictionaries/create-from-file"
        return await self._json("POST", what, kind="submit", what=what, parse=_any, body=body)

    async def get_dictionary_info(self, dictionary_id: int) -> dict[str, Any]:
        """One dictionary (`GET dictionaries/{id}`)."""
        path = f"dictionaries/{int(dictionary_id)}"
        return await self._json("GET", path, kind="safe", what=path, parse=_dictionary)

    async def get_dictionary_details(
        self, dictionary_id: int, *, limit: int | None = None, search_term: str | None = None
    ) -> dict[str, Any]:
        """One dictionary with its terms (`GET dictionaries/{id}/full-details`)."""
        path = f"dictionaries/{int(dictionary_id)}/full-details"
        params = {k: v for k, v in {"limit": limit, "search_term": search_term}.items() if v is not None}
        return await self._json("GET", path, kind="safe", what=path, parse=_dictionary, params=params)

    async def delete_dictionary(self, dictionary_id: int) -> Any:
        """Delete a dictionary (`DELETE dictionaries/{id}`)."""
        path = f"dictionaries/{int(dictionary_id)}"
        return await self._json_or_none("DELETE", path, body=None)

    async def add_term_to_dictionary(
        self, dictionary_id: int, translations: Sequence[TermTranslation]
    ) -> Any:
        """Add one term given in several languages (`POST dictionaries/{id}/add-term`)."""
        path = f"dictionaries/{int(dictionary_id)}/add-term"
        return await self._json_or_none("POST", path, body=_translations(translations))

    async def update_term_translation_in_dictionary_using_term_id(
        self, dictionary_id: int, term_id: int, translations: Sequence[TermTranslation]
    ) -> Any:
        """Replace a term's translations (`PUT dictionaries/term/{id}/{term_id}`)."""
        path = f"dictionaries/term/{int(dictionary_id)}/{int(term_id)}"
        return await self._json_or_none("PUT", path, body=_translations(translations))

    async def delete_dictionary_term(self, dictionary_id: int, term_id: int) -> Any:
        """Delete one term (`DELETE dictionaries/term/{id}/{term_id}`)."""
        path = f"dictionaries/term/{int(dictionary_id)}/{int(term_id)}"
        return await self._json_or_none("DELETE", path, body=None)

    async def _json_or_none(self, method: str, path: str, *, body: dict[str, Any] | None) -> Any:
        """An edit (never retried once sent); an empty answer is None, as in the SDK."""
        kw: dict[str, Any] = {} if body is None else {"body": json_body(body)}
        response = await self._request(method, path, kind="submit", what=path, **kw)
        if not response.content.strip():
            return None
        return self._decode(response, path)
