"""The public surface of camb_notebook.api: sorted, complete, and holding every name design.md promises."""

from __future__ import annotations

import inspect

import camb_notebook.api as api

DESIGN_NAMES = {
    "ApiClient", "ApiKey", "resolve_api_key", "Language", "resolve_language", "search_languages",
    "TaskStatus", "TranslationResult", "TtsResult", "TranslatedTtsResult", "Segment", "TranscriptionResult",
    "DubbingResult", "StoryResult", "Voice", "result_from_dict", "RetryPolicy", "Cooldown", "Family",
    "CambError", "UsageError", "LanguageError", "MissingKeyError", "ApiError", "ApiStatusError",
    "AuthenticationError", "ValidationError", "PaymentRequiredError", "NotFoundError", "RateLimitedError",
    "ApiConnectionError", "ApiTimeout", "InvalidResponseError", "AmbiguousSubmitError", "JobError",
    "JobFailed", "JobTimedOut", "QuotaExceeded", "JobDeadlineExceeded", "ResultUnavailableError",
    "PollFailedError", "JobCancelled",
}  # fmt: skip


def _isort_key(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 keeps `__all__` in."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_all_is_sorted_and_resolves() -> None:
    """`__all__` is sorted (ruff's isort style: CONSTANTS, Classes, functions), has no duplicates, and every
    name exists."""
    assert api.__all__ == sorted(set(api.__all__), key=_isort_key)
    assert all(hasattr(api, name) for name in api.__all__)


def test_design_contract_names_are_exported() -> None:
    """Every name other layers were promised is public."""
    assert set(api.__all__) >= DESIGN_NAMES


def test_only_names_other_layers_use_are_public() -> None:
    """Wire details (timeouts, status tuples, the key's env var) stay private to api/."""
    private = {"DEFAULT_TIMEOUT", "ENV_VAR", "STATUSES", "TERMINAL_STATUSES", "WireCore"}
    assert not private & set(api.__all__)


def test_client_signature_matches_design() -> None:
    """ApiClient keeps the keyword-only constructor and generic task-flow methods of design.md."""
    params = inspect.signature(api.ApiClient).parameters
    expected = ["api_key", "base_url", "retry", "timeout", "max_connections", "transport", "sleep", "clock"]
    assert list(params)[: len(expected)] == expected
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values())
    for name in (
        "create",
        "status",
        "result",
        "results",
        "source_languages",
        "target_languages",
        "list_voices",
    ):
        assert inspect.iscoroutinefunction(getattr(api.ApiClient, name))
    assert not inspect.iscoroutinefunction(api.ApiClient.tts_stream)
