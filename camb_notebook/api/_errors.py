"""Errors of camb-notebook: one tree under `CambError`, each rendered as a single line in IPython.

Messages say what went wrong and how to fix it; they never contain the API key, request headers or
raw httpx messages (which can embed URLs). Shared by every layer (wire, engine, front).

    CambError
    ├── UsageError                      bad input from the caller
    │   ├── LanguageError (.matches)    unknown or ambiguous language
    │   └── MissingKeyError             no API key could be found
    ├── ApiError                        the API or the network failed
    │   ├── ApiStatusError (.status_code)
    │   │   ├── AuthenticationError     401 / 403
    │   │   ├── ValidationError         422 (.fields)
    │   │   ├── PaymentRequiredError    402
    │   │   ├── NotFoundError           404
    │   │   │   └── EndpointGoneError   404 / 410 from a deprecated endpoint (fall back to the task flow)
    │   │   └── RateLimitedError        429 (.retry_after)
    │   ├── ApiConnectionError          connect / read / protocol errors
    │   ├── ApiTimeout                  a timeout that retries did not cure
    │   ├── InvalidResponseError        a 2xx answer that does not parse
    │   └── AmbiguousSubmitError        a create failed after sending: the task may exist
    └── JobError (.task_id, .run_id, .job)
        ├── JobFailed                   server status ERROR (.exception_reason, .message)
        ├── JobTimedOut                 server status TIMEOUT
        ├── QuotaExceeded               server status PAYMENT_REQUIRED
        ├── JobDeadlineExceeded         the local deadline passed while polling
        ├── ResultUnavailableError      SUCCESS, but the result could not be fetched
        ├── PollFailedError             status polls kept failing
        └── JobCancelled (.reason)      cancelled locally
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "AmbiguousSubmitError",
    "ApiConnectionError",
    "ApiError",
    "ApiStatusError",
    "ApiTimeout",
    "AuthenticationError",
    "CambError",
    "CambWarning",
    "DeprecatedEndpointWarning",
    "EndpointGoneError",
    "InvalidResponseError",
    "JobCancelled",
    "JobDeadlineExceeded",
    "JobError",
    "JobFailed",
    "JobTimedOut",
    "LanguageError",
    "MissingKeyError",
    "NotFoundError",
    "PaymentRequiredError",
    "PollFailedError",
    "QuotaExceeded",
    "RateLimitedError",
    "ResultUnavailableError",
    "UsageError",
    "ValidationError",
]


class CambWarning(UserWarning):
    """Warned when the API answers something unexpected but usable (e.g. an unknown status)."""


class DeprecatedEndpointWarning(CambWarning):
    """Warned once per client when a deprecated upstream endpoint is used."""


def _one_line(text: str) -> str:
    """Collapse whitespace so an error always renders on one line."""
    return " ".join(text.split())


class CambError(Exception):
    """Base of every camb-notebook error; `hint` says how to fix it."""

    hint: str = ""

    def __init__(
        self,
        text: str,
        /,
        *,
        hint: str | None = None,
        task_id: str | None = None,
        run_id: int | None = None,
    ) -> None:
        self.text = _one_line(text)
        if hint is not None:
            self.hint = hint
        self.task_id = task_id
        self.run_id = run_id
        super().__init__(self.text)

    def __str__(self) -> str:
        ids = [f"task_id={self.task_id}"] if self.task_id else []
        if self.run_id is not None:
            ids.append(f"run_id={self.run_id}")
        text = self.text + (f" ({', '.join(ids)})" if ids else "")
        return _one_line(f"{text}. {self.hint}" if self.hint else text)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def _render_traceback_(self) -> list[str]:
        """Show this error in IPython as one line instead of a full traceback."""
        return [f"{type(self).__name__}: {self}"]


class UsageError(CambError):
    """Raised when the caller passes invalid input or misuses an object (e.g. a closed client)."""


class LanguageError(UsageError):
    """Raised when a language is unknown or ambiguous; `.matches` lists the closest candidates."""

    def __init__(self, text: str, /, *, matches: Sequence[str] = (), hint: str | None = None) -> None:
        self.matches = list(matches)
        if hint is None:
            hint = (
                f"Did you mean: {', '.join(self.matches)}?"
                if self.matches
                else "Use an id (76), a locale ('fr-fr') or a name ('French (France)')"
            )
        super().__init__(text, hint=hint)


class MissingKeyError(UsageError):
    """Raised when no API key was given, found in CAMB_API_KEY or .env, or typed in."""

    hint = "Set CAMB_API_KEY (or put CAMB_API_KEY=... in a .env file), or pass api_key=..."


class ApiError(CambError):
    """Raised when the API or the network fails."""


class ApiStatusError(ApiError):
    """Raised when the API answers with an error status that no subclass covers."""

    def __init__(
        self,
        text: str,
        /,
        *,
        status_code: int,
        hint: str | None = None,
        task_id: str | None = None,
        run_id: int | None = None,
    ) -> None:
        self.status_code = status_code
        super().__init__(text, hint=hint, task_id=task_id, run_id=run_id)


class AuthenticationError(ApiStatusError):
    """Raised on 401/403: the key is missing, wrong, or lacks access to this resource."""

    hint = "Check CAMB_API_KEY (and CAMB_API_BASE if you use a sandbox)"


class ValidationError(ApiStatusError):
    """Raised on 422: the API rejected fields of the request; `.fields` names them."""

    def __init__(self, text: str, /, *, fields: Sequence[str] = (), **kwargs: Any) -> None:
        self.fields = list(fields)
        kwargs.setdefault("hint", "Fix the named fields and resubmit")
        super().__init__(text, **kwargs)


class PaymentRequiredError(ApiStatusError):
    """Raised on 402: the account has no credits for this request."""

    hint = "Add credits to your CAMB.AI account"


class NotFoundError(ApiStatusError):
    """Raised on 404: the task, run or route does not exist (or is not yours)."""


class EndpointGoneError(NotFoundError):
    """Raised on 404/410 from a deprecated endpoint; callers fall back to the task flow."""

    hint = "Use the task flow instead (e.g. translate without stream=True)"


class RateLimitedError(ApiStatusError):
    """Raised on 429 when retries are exhausted or Retry-After is too long; `.retry_after` in seconds."""

    def __init__(self, text: str, /, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        kwargs.setdefault("status_code", 429)
        if "hint" not in kwargs:
            wait = f"in {retry_after:.0f} s" if retry_after else "later"
            kwargs["hint"] = f"Try again {wait}, or submit fewer requests at once"
        super().__init__(text, **kwargs)


class ApiConnectionError(ApiError):
    """Raised when the API cannot be reached or drops the connection, after retries."""

    hint = "Check your network and CAMB_API_BASE"


class ApiTimeout(ApiError):
    """Raised when a request times out, after retries."""

    hint = "The API is slow or unreachable; try again, or raise the timeout"


class InvalidResponseError(ApiError):
    """Raised when a 2xx answer does not have the documented shape (malformed JSON, missing fields)."""

    hint = "The API answered in an unexpected format; retry later or report it"


class AmbiguousSubmitError(ApiError):
    """Raised when a create failed after the request was sent: the task may exist on the server."""

    hint = "The task may have been created (and billed); check before resubmitting"


class JobError(CambError):
    """Raised when a job does not produce a result; carries task_id, run_id and the job handle."""

    def __init__(
        self,
        text: str,
        /,
        *,
        task_id: str | None = None,
        run_id: int | None = None,
        job: Any = None,
        hint: str | None = None,
    ) -> None:
        self.job = job
        super().__init__(text, hint=hint, task_id=task_id, run_id=run_id)


class JobFailed(JobError):
    """Raised when the server reports status ERROR; `.exception_reason` and `.message` come from it."""

    hint = "Check the input (see exception_reason) and submit again"

    def __init__(
        self, text: str, /, *, exception_reason: str | None = None, message: str | None = None, **kw: Any
    ) -> None:
        self.exception_reason = exception_reason
        self.message = message
        extra = [part for part in (exception_reason, message) if part and part not in text]
        super().__init__(": ".join([text, *extra]), **kw)


class JobTimedOut(JobError):
    """Raised when the server reports status TIMEOUT."""

    hint = "The server gave up on this task; split the input into smaller requests"


class QuotaExceeded(JobError):
    """Raised when the server reports status PAYMENT_REQUIRED (no credits left)."""

    hint = "Add credits to your CAMB.AI account; no further tasks were submitted"


class JobDeadlineExceeded(JobError):
    """Raised when the local deadline passes while the task is still pending on the server."""

    hint = "The task may still finish: resume it later, or raise the deadline"


class ResultUnavailableError(JobError):
    """Raised when the status is SUCCESS but the result could not be fetched."""

    hint = "Fetch the result again later with the run_id"


class PollFailedError(JobError):
    """Raised when status polls kept failing; the task may still finish on the server."""

    hint = "Check your network, then resume the job"


class JobCancelled(JobError):
    """Raised when a job was cancelled locally; `.reason` says why (the server may keep processing)."""

    hint = "The server may still process the task; submit again to restart it"

    def __init__(self, text: str, /, *, reason: str | None = None, **kw: Any) -> None:
        self.reason = reason
        super().__init__(text, **kw)
