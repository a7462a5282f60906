"""SandboxState: the in-memory task table, lifecycle clock, credits, fault bookkeeping and counters of one
sandbox.

The lifecycle is time-based with no background workers: a task is PENDING until `ready_at`, then shows its
outcome. Server handlers (loop thread) and test code (any thread) share it under one lock.
"""

from __future__ import annotations

import asyncio
import fnmatch
import heapq
import math
import random
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from camb_notebook.sandbox._config import FaultRule, SandboxConfig
from camb_notebook.sandbox._dictionaries import DictionaryStore
from camb_notebook.sandbox._faults import Fault, parse_faults, split_faults

__all__ = ["LimitExceeded", "SandboxState", "SandboxStats", "Task", "key_id"]

FileProducer = Callable[[], bytes]


@dataclass(frozen=True)
class SandboxStats:
    """A snapshot of the counters: tasks per family, requests per route, TCP connections, injected faults.

    `requests` is keyed by `"METHOD template"` with ids as `{id}` (`"GET translate/{id}"`); `__sandbox__`
    routes are not counted. `faults_injected` is keyed by fault kind (`"503"`, `"reset"`, `"error"`...).
    The credits model: `credits_used` per key id (`key_id(key)`: the key masked to its last 4 characters)
    and, of those, `billed_characters` of text translation (translate, translation/stream, translated-tts)
    per key id and target locale; a task refused for lack of credits bills nothing.
    `peak_concurrent_tasks`: the most tasks open at once, a task being open from its create until a client
    reads its final status or its result (what a client-side in-flight limit bounds).
    """

    tasks_created: dict[str, int]
    requests: dict[str, int]
    connections_opened: int
    faults_injected: dict[str, int]
    credits_used: dict[str, int] = field(default_factory=dict)
    billed_characters: dict[str, dict[str, int]] = field(default_factory=dict)
    peak_concurrent_tasks: int = 0

    def characters_billed(self, key: str) -> dict[str, int]:
        """Characters of text translation billed to `key`, per target locale."""
        return dict(self.billed_characters.get(key_id(key), {}))

    @property
    def total_tasks(self) -> int:
        """Tasks created across all families."""
        return sum(self.tasks_created.values())

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON body of `GET /apis/__sandbox__/stats`."""
        return {
            "tasks_created": self.tasks_created,
            "requests": self.requests,
            "connections_opened": self.connections_opened,
            "faults_injected": self.faults_injected,
            "credits_used": self.credits_used,
            "billed_characters": self.billed_characters,
            "peak_concurrent_tasks": self.peak_concurrent_tasks,
        }


def key_id(key: str) -> str:
    """How the stats name a key: masked to its last 4 characters (the stats never show a whole key)."""
    return "…" + key[-4:]


@dataclass
class Task:
    """One emulated task: who owns it, when it finishes, how it ends, and what its result holds."""

    task_id: str
    run_id: int
    family: str
    key: str
    ready_at: float
    outcome: str = "SUCCESS"
    exception_reason: str | None = None
    message: str | None = None
    result404_left: int = 0
    data: dict[str, Any] = field(default_factory=dict)
    files: dict[str, tuple[str, FileProducer]] = field(default_factory=dict)

    def status(self, now: float) -> str:
        """Return the wire status at monotonic time `now`."""
        return "PENDING" if now < self.ready_at else self.outcome


class LimitExceeded(Exception):
    """Raised when a key already has `max_pending_per_key` PENDING tasks; carries the Retry-After seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many pending tasks; retry after {retry_after}s")
        self.retry_after = retry_after


class SandboxState:
    """Everything one sandbox remembers; reset by `reset()`."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.lock = threading.Lock()
        self.transports: dict[tuple[str, int], asyncio.Transport] = {}
        self._next_run_id = 1
        self.reset()

    def reset(self) -> None:
        """Forget every task, counter and fault script (the config is left alone)."""
        with self.lock:
            self.tasks: dict[str, Task] = {}
            self.runs: dict[int, Task] = {}
            self._pending: dict[str, list[float]] = {}
            self._used_credits: Counter[str] = Counter()
            self._billed: dict[str, Counter[str]] = {}
            self._header_hits: Counter[tuple[str, str, str]] = Counter()
            self._tasks_created: Counter[str] = Counter()
            self._requests: Counter[str] = Counter()
            self._faults_injected: Counter[str] = Counter()
            self._connections = 0
            self._open: set[str] = set()  # created, final status/result not yet read by a client
            self._peak_open = 0
            self.errors: list[str] = []
            self.custom_voices: list[dict[str, Any]] = []  # cloned voices (sandbox/_voices.py)
            self._rng: random.Random | None = None
            self.dictionaries = DictionaryStore()

    def stats(self) -> SandboxStats:
        """Return a snapshot of the counters."""
        with self.lock:
            return SandboxStats(
                tasks_created=dict(self._tasks_created),
                requests=dict(self._requests),
                connections_opened=self._connections,
                faults_injected=dict(self._faults_injected),
                credits_used={key_id(k): v for k, v in self._used_credits.items()},
                billed_characters={key_id(k): dict(v) for k, v in self._billed.items()},
                peak_concurrent_tasks=self._peak_open,
            )

    def seen_final(self, task: Task) -> None:
        """A client read the task's final status or result: it no longer counts as open."""
        with self.lock:
            self._open.discard(task.task_id)

    def record_error(self, where: str, exc: BaseException) -> None:
        """Keep the traceback of a crashed handler so a test can re-raise it (`Sandbox.raise_errors`)."""
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        with self.lock:
            self.errors.append(f"{where}\n{text}")

    def finish_pending(self) -> int:
        """Make every PENDING task show its outcome now (`pending_forever` ones stay); returns how many."""
        now = time.monotonic()
        finished = 0
        with self.lock:
            for task in self.tasks.values():
                if now < task.ready_at < math.inf:
                    task.ready_at = now
                    finished += 1
        return finished

    def count_connection(self) -> None:
        """Record one accepted TCP connection."""
        with self.lock:
            self._connections += 1

    def pick_request_fault(self, route: str, template: str, session: str, header: str | None) -> Fault | None:
        """Count the request and return its request fault, if any (header, then config rules, then random)."""
        with self.lock:
            self._requests[route] += 1
            fault = self._pick(route, template, session, header)
            if fault is not None:
                self._faults_injected[fault.kind] += 1
            return fault

    def _pick(self, route: str, template: str, session: str, header: str | None) -> Fault | None:
        """Choose the fault for one request; the caller holds the lock."""
        if header:
            request_faults, _ = split_faults(parse_faults(header))
            key = (session, route, header)
            hit = self._header_hits[key]
            self._header_hits[key] = hit + 1
            return request_faults[hit] if hit < len(request_faults) else None
        for fault in self._take_rules(route, template, task_faults=False):
            return fault
        if self.config.fault_rate:
            if self._rng is None:
                self._rng = random.Random(self.config.fault_seed)
            if self._rng.random() < self.config.fault_rate:
                return parse_faults(self._rng.choice(self.config.random_faults))[0]
        return None

    def _take_rules(self, route: str, template: str, *, task_faults: bool) -> list[Fault]:
        """Consume matching config rules of one kind (all task faults, or the first request fault)."""
        taken: list[Fault] = []
        for rule in list(self.config.faults):
            if not _matches(rule, route, template):
                continue
            fault = parse_faults(rule.fault)[0]
            if fault.is_task_fault != task_faults:
                continue
            if rule.times is not None:
                rule.times -= 1
                if rule.times <= 0:
                    self.config.faults.remove(rule)
            taken.append(fault)
            if not task_faults:
                break
        return taken

    def create_task(
        self,
        family: str,
        key: str,
        route: str,
        header_faults: list[Fault],
        cost: int,
        size: int,
        billed_as: str | None = None,
    ) -> Task:
        """Admit a new task (concurrency limit, credits, faults) or raise LimitExceeded."""
        now = time.monotonic()
        with self.lock:
            heap = self._pending.setdefault(key, [])
            while heap and heap[0] <= now:
                heapq.heappop(heap)
            limit = self.config.max_pending_per_key
            if limit is not None and len(heap) >= limit:
                wait = heap[0] - now
                raise LimitExceeded(max(1, math.ceil(wait)) if math.isfinite(wait) else 60)
            faults = header_faults + self._take_rules(route, route.split(" ", 1)[1], task_faults=True)
            delay = self.config.processing_time.get(family, 0.05) + self.config.time_per_char * size
            task = Task(str(uuid.uuid4()), self._next_run_id, family, key, now + delay)
            self._next_run_id += 1
            self._apply_outcome(task, faults, cost, now, billed_as)
            if task.status(now) == "PENDING":
                heapq.heappush(heap, task.ready_at)
            self.tasks[task.task_id] = task
            self.runs[task.run_id] = task
            self._tasks_created[family] += 1
            self._open.add(task.task_id)
            self._peak_open = max(self._peak_open, len(self._open))
            return task

    def _apply_outcome(
        self, task: Task, faults: list[Fault], cost: int, now: float, billed_as: str | None
    ) -> None:
        """Charge credits and apply task faults; the caller holds the lock."""
        budget = self.config.credits.get(task.key)
        if budget is not None and self._used_credits[task.key] + cost > budget:
            task.outcome, task.exception_reason = "PAYMENT_REQUIRED", "PAYMENT_REQUIRED"
            task.message, task.ready_at = "Insufficient credits for this request", now
            return
        self._bill(task.key, cost, billed_as)
        for fault in faults:
            self._faults_injected[fault.kind] += 1
            if fault.kind == "result404":
                task.result404_left = fault.times
            elif fault.kind == "pending_forever":
                task.ready_at = math.inf
            elif fault.kind == "error":
                task.outcome, task.exception_reason = "ERROR", fault.reason
                task.message = f"Sandbox task failed: {fault.reason}"
            elif fault.kind == "timeout":
                task.outcome, task.message = "TIMEOUT", "Sandbox task timed out"
            elif fault.kind == "payment_required":
                task.outcome, task.exception_reason = "PAYMENT_REQUIRED", "PAYMENT_REQUIRED"
                task.message = "Insufficient credits for this request"

    def charge(self, key: str, cost: int, billed_as: str | None = None) -> bool:
        """Charge a synchronous (streaming) request; False when the key's credits would go negative."""
        with self.lock:
            budget = self.config.credits.get(key)
            if budget is not None and self._used_credits[key] + cost > budget:
                return False
            self._bill(key, cost, billed_as)
            return True

    def _bill(self, key: str, cost: int, billed_as: str | None) -> None:
        """Count credits used, and translated characters per target when `billed_as` names one (lock held)."""
        self._used_credits[key] += cost
        if billed_as is not None:
            self._billed.setdefault(key, Counter())[billed_as] += cost

    def consume_result404(self, task: Task) -> bool:
        """Return True (and count it) while a `result404xN` fault still hides the run's result."""
        with self.lock:
            if task.result404_left <= 0:
                return False
            task.result404_left -= 1
            return True


def _matches(rule: FaultRule, route: str, template: str) -> bool:
    """Whether a config rule's route pattern covers this request."""
    return (
        rule.route is None
        or fnmatch.fnmatchcase(route, rule.route)
        or fnmatch.fnmatchcase(template, rule.route)
    )
