"""Scenario 1: a DataFrame batch (rows × targets, duplicates) vs the seed docs' per-text loop vs the limit.

The limit is ⌈tasks / server concurrency⌉ × processing time: no client can finish sooner, since the server
holds each task PENDING for the processing time and admits at most `concurrency` at once.
"""

from __future__ import annotations

import contextlib
import io
import math
import time
from collections.abc import Sequence
from typing import Any

import httpx
import pandas as pd
from common import describe, make_texts, session
from sandbox_proc import API_KEY, SandboxProcess

from camb_notebook.api import resolve_language
from camb_notebook.frames import translate_frame
from camb_notebook.jobs import PollPolicy
from camb_notebook.sandbox import pseudo_localize

__all__ = ["run_batch", "run_naive", "seed_translate"]

TARGETS = ("fr-fr", "de-de")
# Not shipped, same engine (history, group wake-ups) with other no-history waits: the old default's
# growth (≈ 0.5 × elapsed, what the new 0.15 × gains) and a denser one (what fewer polls would cost).
WHAT_IF_POLICIES = (PollPolicy(first=0.75, factor=1.5), PollPolicy(first=0.25, factor=1.15, cap=1.0))


def check_translation_status(task_id: str, api_key: str, base_url: str) -> dict[str, Any] | None:
    """The seed docs' status loop: same schedule and branches; `requests.get` → `httpx.get` (no pool)."""
    headers = {"x-api-key": api_key, "Content-Type": "application/json"}
    wait_time = 1  # Start with 1 second
    max_wait_time = 10  # Maximum seconds between polls
    max_total_wait = 300  # Maximum total seconds to wait (5 minutes)
    start_time = time.time()
    while (time.time() - start_time) < max_total_wait:
        response = httpx.get(f"{base_url}/translate/{task_id}", headers=headers)
        if response.status_code != 200:
            print(f"Error checking status: HTTP {response.status_code}")
            return None
        status_data: dict[str, Any] = response.json()
        current_status = status_data.get("status")
        if current_status == "SUCCESS":
            print("✅ Translation completed successfully!")
            return status_data
        elif current_status == "PENDING":
            elapsed = round(time.time() - start_time)
            print(f"⏳ Translation in progress... ({elapsed}s elapsed)")
        elif current_status in ("ERROR", "TIMEOUT", "PAYMENT_REQUIRED"):
            print(f"Translation ended with {current_status}")
            return status_data
        time.sleep(wait_time)
        wait_time = min(wait_time * 2, max_wait_time)  # Double wait time but cap it
    print("🛑 Client-side timeout: Maximum wait time exceeded")
    return None


def seed_translate(text: str, target: str, base_url: str) -> tuple[str, float]:
    """One text the docs' way: create a one-text task, run the status loop, fetch the run's result.

    Returns the translation and the wall-clock time at which the create call returned.
    """
    headers = {"x-api-key": API_KEY, "Content-Type": "application/json"}
    body = {
        "texts": [text],
        "source_language": resolve_language("en-us").wire_value,
        "target_language": resolve_language(target).wire_value,
    }
    task_id = httpx.post(f"{base_url}/translate", json=body, headers=headers).json()["task_id"]
    created = time.time()
    status = check_translation_status(task_id, API_KEY, base_url)
    assert status is not None and status["status"] == "SUCCESS", status
    result = httpx.get(f"{base_url}/translation-result/{status['run_id']}", headers=headers).json()
    translated: str = result["texts"][0]
    return translated, created


def run_naive(
    sb: SandboxProcess, texts: Sequence[str], *, processing: float, sample: int, concurrency: int
) -> dict[str, Any]:
    """Run the per-text loop on `sample` texts (alternating targets) and extrapolate to every row × target."""
    sb.setup(processing, concurrency)
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the seed loop prints progress lines
        for i, text in enumerate(texts[:sample]):
            target = TARGETS[i % len(TARGETS)]
            assert seed_translate(text, target, sb.base_url)[0] == pseudo_localize(text, target)
    wall = time.perf_counter() - started
    stats = sb.stats()
    per_text = wall / sample
    units = len(texts) * len(TARGETS)
    return {
        "sample": sample,
        "sample_wall": wall,
        "per_text": per_text,
        "units": units,
        "extrapolated": per_text * units,
        "requests_per_task": sum(stats["requests"].values()) / sample,
        "polls_per_task": stats["requests"].get("GET translate/{id}", 0) / sample,
    }


def _wrong_cells(frame: pd.DataFrame, texts: Sequence[str]) -> int:
    """How many translated cells differ from the deterministic pseudo-localization of their row."""
    wrong = 0
    for target in TARGETS:
        expected = [pseudo_localize(text, target) for text in texts]
        wrong += sum(a != b for a, b in zip(frame[f"text_{target}"].tolist(), expected, strict=True))
    return wrong


def run_batch(
    sb: SandboxProcess,
    texts: Sequence[str],
    *,
    processing: float,
    concurrency: int,
    max_in_flight: int | None,
    policy: PollPolicy | None = None,
) -> dict[str, Any]:
    """One `translate_frame` run; wall time, request counts from the sandbox, and the limit it is held to.

    `max_in_flight=None` runs with the session's default limit (recorded as the session reports it).
    """
    sb.setup(processing, concurrency)
    frame = pd.DataFrame({"text": list(texts)})
    server_cpu = sb.cpu_seconds()
    with session(sb, max_in_flight=max_in_flight, policy=policy) as camb:
        limit_in_flight = camb.manager.max_in_flight
        cpu = time.process_time()
        started = time.perf_counter()
        out = translate_frame(frame, "text", to=list(TARGETS), session=camb).result()
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
    stats = sb.stats()
    tasks = stats["tasks_created"].get("translation", 0)
    limit = math.ceil(tasks / concurrency) * processing
    return {
        "policy": describe(policy),
        "processing": processing,
        "concurrency": concurrency,
        "max_in_flight": limit_in_flight,
        "rows": len(texts),
        "tasks": tasks,
        "wall": wall,
        "limit": limit,
        "ratio_to_limit": wall / limit,
        "requests_per_task": sum(stats["requests"].values()) / tasks,
        "polls_per_task": stats["requests"].get("GET translate/{id}", 0) / tasks,
        "results_requests": stats["requests"].get("POST translation-results", 0)
        + stats["requests"].get("GET translation-result/{id}", 0),
        "rate_limited": stats["requests"].get("POST translate", 0) - tasks,
        "client_cpu": cpu,
        "server_cpu": sb.cpu_seconds() - server_cpu,
        "wrong_cells": _wrong_cells(out, texts),
    }


def scenario(sb: SandboxProcess, *, quick: bool) -> dict[str, Any]:
    """The batch at several processing times, the default-limit session, and the naive loop beside them."""
    rows = 1_000 if quick else 10_000
    concurrency = 64
    main_processing = 0.5 if quick else 2.0
    sweep = [main_processing] if quick else [1.0, 2.0, 5.0]
    texts = make_texts(rows)
    runs = [
        run_batch(sb, texts, processing=p, concurrency=concurrency, max_in_flight=concurrency) for p in sweep
    ]
    default = run_batch(sb, texts, processing=main_processing, concurrency=concurrency, max_in_flight=None)
    what_if = [
        run_batch(sb, texts, processing=main_processing, concurrency=concurrency, max_in_flight=64, policy=p)
        for p in WHAT_IF_POLICIES
    ]
    naive = run_naive(
        sb, texts, processing=main_processing, sample=3 if quick else 10, concurrency=concurrency
    )
    main = next(run for run in runs if run["processing"] == main_processing)
    return {
        "rows": rows,
        "duplicates": 0.3,
        "targets": list(TARGETS),
        "main_processing": main_processing,
        "runs": runs,
        "default_limit": default,
        "what_if": what_if,
        "naive": naive,
        "speedup": naive["extrapolated"] / main["wall"],
    }
