"""HTTP plumbing shared by the sandbox routers: API-key auth, error bodies, 422 helpers and task lookups.

Errors use FastAPI's shapes: `{"detail": ...}` (401 also carries `error`/`status` like the docs example)
and the 422 `detail` list. The key is never echoed back.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from camb_notebook.sandbox._catalog import resolve_language
from camb_notebook.sandbox._faults import parse_faults, split_faults
from camb_notebook.sandbox._state import LimitExceeded, SandboxState, Task

__all__ = [
    "ApiKey",
    "SandboxError",
    "add_status_route",
    "create_response",
    "file_url",
    "get_state",
    "invalid",
    "lookup_run",
    "new_task",
    "route_template",
    "run_language",
    "sandbox_error_handler",
    "status_body",
]


class SandboxError(Exception):
    """An HTTP error the sandbox answers with a JSON body (and optional headers)."""

    def __init__(self, status: int, detail: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, detail)
        self.status, self.detail, self.headers = status, detail, headers or {}


async def sandbox_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Render a SandboxError as `{"detail": ...}` (401 adds the documented `error`/`status` keys)."""
    assert isinstance(exc, SandboxError)
    body: dict[str, Any] = {"detail": exc.detail}
    if exc.status == 401:
        body.update(error=exc.detail, status=401)
    return JSONResponse(body, status_code=exc.status, headers=exc.headers)


def get_state(request: Request) -> SandboxState:
    """Return the SandboxState of the app serving `request`."""
    state: SandboxState = request.app.state.sandbox
    return state


async def _require_key(request: Request, x_api_key: Annotated[str | None, Header()] = None) -> str:
    """Return the caller's key, or raise 401 when it is missing or unknown."""
    if not x_api_key or x_api_key not in get_state(request).config.api_keys:
        raise SandboxError(401, "Invalid API key")
    return x_api_key


ApiKey = Annotated[str, Depends(_require_key)]


def invalid(loc: tuple[str | int, ...], msg: str, value: object = None) -> RequestValidationError:
    """Return a RequestValidationError that renders as FastAPI's 422 `detail` list."""
    return RequestValidationError([{"type": "value_error", "loc": loc, "msg": msg, "input": value}])


def route_template(method: str, path: str) -> tuple[str, str]:
    """Return (`"METHOD template"`, template) for an `/apis/...` path; ids become `{id}`."""
    parts = path.removeprefix("/apis/").strip("/").split("/")
    template = "/".join("{id}" if p.isdigit() or (len(p) == 36 and p.count("-") == 4) else p for p in parts)
    return f"{method} {template}", template


def new_task(
    request: Request, family: str, key: str, *, cost: int, size: int, billed_as: str | None = None
) -> Task:
    """Create a task for this request (header task faults, config rules, limits, credits) or raise 429.

    `billed_as` (a target locale) counts `cost` as translated characters in the stats' `billed_characters`.
    """
    header = request.headers.get("x-sandbox-fault")
    task_faults = split_faults(parse_faults(header))[1] if header else []
    route, _ = route_template(request.method, request.url.path)
    try:
        return get_state(request).create_task(family, key, route, task_faults, cost, size, billed_as)
    except LimitExceeded as exc:
        raise SandboxError(
            429, "Too many pending tasks for this API key", {"Retry-After": str(exc.retry_after)}
        ) from exc


def create_response(task: Task) -> dict[str, str]:
    """Return the create body `{"task_id": ...}`."""
    return {"task_id": task.task_id}


def status_body(request: Request, key: str, task_id: str, families: tuple[str, ...]) -> dict[str, Any]:
    """Return the status object of `task_id` for its owner (404 unknown/other family, 403 other key)."""
    task = get_state(request).tasks.get(task_id)
    if task is None or task.family not in families:
        raise SandboxError(404, "Task not found")
    if task.key != key:
        raise SandboxError(403, "This task belongs to another API key")
    status = task.status(time.monotonic())
    body: dict[str, Any] = {"status": status, "run_id": task.run_id if status == "SUCCESS" else None}
    if status != "PENDING":
        get_state(request).seen_final(task)
    if status in ("ERROR", "TIMEOUT", "PAYMENT_REQUIRED"):
        body["exception_reason"] = task.exception_reason
        body["message"] = task.message
    return body


def add_status_route(router: APIRouter, path: str, family: str) -> None:
    """Register `GET /<path>/{task_id}` answering the status object of `family` tasks."""

    async def task_status(task_id: str, request: Request, key: ApiKey) -> dict[str, Any]:
        return status_body(request, key, task_id, (family,))

    task_status.__doc__ = f"Return a {family} task's status object."
    router.add_api_route(f"/{path}/{{task_id}}", task_status, methods=["GET"], name=f"{family}_status")


def lookup_run(request: Request, key: str, run_id: int, families: tuple[str, ...]) -> Task:
    """Return a finished run for its owner (404 unknown/unready/faulted, 403 other key, 400 other family)."""
    state = get_state(request)
    task = state.runs.get(run_id)
    if task is None or task.status(time.monotonic()) != "SUCCESS":
        raise SandboxError(404, "Run not found")
    if task.key != key:
        raise SandboxError(403, "This run belongs to another API key")
    if task.family not in families:
        raise SandboxError(400, f"Run {run_id} is a {task.family} run, not {' or '.join(families)}")
    if state.consume_result404(task):
        raise SandboxError(404, "Run not found")
    state.seen_final(task)
    return task


def run_language(
    request: Request, key: str, run_id: int, family: str, language: str, what: str, noun: str
) -> tuple[Task, str]:
    """A finished run and the locale of a `{language}` path part (422 when unknown), which the run must hold
    under `data[what]` (a 404 naming the `noun` otherwise): the shape of every per-language result route."""
    task = lookup_run(request, key, run_id, (family,))
    try:
        locale = resolve_language(language, allow_auto=False)
    except ValueError as exc:
        raise invalid(("path", "language"), str(exc), language) from exc
    if locale not in task.data[what]:
        raise SandboxError(404, f"Run {run_id} has no {locale} {noun}")
    return task, locale


def file_url(request: Request, task: Task, name: str) -> str:
    """Return the sandbox-served URL of one of the run's files (no key needed, like a presigned URL)."""
    return f"{request.base_url}apis/__sandbox__/files/{task.run_id}/{name}"
