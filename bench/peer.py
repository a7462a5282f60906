"""The peer: what a competent user writes in an afternoon with the official SDK to translate a column.

Deliberately plain (it is the baseline, not our code): `AsyncCambAI`, the distinct texts in chunks of 100,
one `create_translation` per chunk × target under an `asyncio.Semaphore`, `asyncio.gather` over all of them,
a fixed 1 s status poll loop, and on a 429 a sleep for the server's `Retry-After` (1 s without one) before
the create is sent again. The SDK itself also retries a 429 twice (its default `max_retries=2`, honouring
`Retry-After`) before it raises; both count as requests at the server, as they would on the real API.

Usage: `translations = asyncio.run(translate_column(texts, ["fr-fr", "de-de"], api_key=..., base_url=...,
concurrency=64))` → `{"fr-fr": [...], "de-de": [...]}` aligned with `texts`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from camb.client import AsyncCambAI
from camb.core.api_error import ApiError

__all__ = ["LANGUAGE_IDS", "translate_column"]

# The user looked the ids up once (GET /source-languages) and pasted them.
LANGUAGE_IDS = {"en-us": 1, "fr-fr": 76, "de-de": 31}
CHUNK = 100
POLL_SECONDS = 1.0


async def translate_column(
    texts: Sequence[str],
    targets: Sequence[str],
    *,
    api_key: str,
    base_url: str,
    concurrency: int = 64,
    source: str = "en-us",
    poll: float = POLL_SECONDS,
) -> dict[str, list[str]]:
    """Translate `texts` into every target; one list per target, aligned with `texts`."""
    client = AsyncCambAI(api_key=api_key, base_url=base_url)
    semaphore = asyncio.Semaphore(concurrency)
    unique = list(dict.fromkeys(texts))  # no point paying twice for a repeated text
    chunks = [unique[i : i + CHUNK] for i in range(0, len(unique), CHUNK)]

    async def create(chunk: list[str], target: str) -> str:
        while True:
            try:
                task = await client.translation.create_translation(
                    texts=chunk, source_language=LANGUAGE_IDS[source], target_language=LANGUAGE_IDS[target]
                )
                return str(task["task_id"])
            except ApiError as error:
                if error.status_code != 429:
                    raise
                await asyncio.sleep(float((error.headers or {}).get("retry-after", 1)))

    async def translate_chunk(chunk: list[str], target: str) -> tuple[str, list[str], list[str]]:
        async with semaphore:
            task_id = await create(chunk, target)
            while True:
                status = await client.translation.get_translation_task_status(task_id)
                if status.status == "SUCCESS":
                    break
                if status.status != "PENDING":
                    raise RuntimeError(f"task {task_id} ended {status.status}")
                await asyncio.sleep(poll)
            result = await client.translation.get_translation_result(status.run_id)
            return target, chunk, list(result.texts)

    try:
        done = await asyncio.gather(*(translate_chunk(c, t) for t in targets for c in chunks))
    finally:
        # The SDK has no close(); its own httpx client is closed so no connection outlives the run.
        await client._client_wrapper.httpx_client.httpx_client.aclose()
    translated: dict[str, dict[str, str]] = {target: {} for target in targets}
    for target, chunk, out in done:
        translated[target].update(zip(chunk, out, strict=True))
    return {target: [translated[target][text] for text in texts] for target in targets}
