"""The curated public surface, asserted exactly: what each layer offers, and nothing else at the top level."""

from __future__ import annotations

import importlib

import pytest

import camb_notebook

# The top level: the session, its jobs, the panel, streams and the extension hooks. Engine internals
# (JobManager, journals, limits) live in `camb_notebook.jobs`, not here.
TOP_LEVEL = [
    "ApiClient",
    "BatchJob",
    "Camb",
    "CambError",
    "Job",
    "SpeechStream",
    "TranslationStream",
    "__version__",
    "load_ipython_extension",
    "panel",
    "session",
    "unload_ipython_extension",
    "use_sandbox",
]

# Every layer, exactly (api's list is in ruff's order: constants, classes, functions).
LAYERS = {
    "camb_notebook.api": [
        "AUTO",
        "CATALOG",
        "DEFAULT_BASE_URL",
        "FAMILIES",
        "FORMALITY",
        "FORMALITY_CHOICES",
        "GENDER",
        "GENDER_CHOICES",
        "AmbiguousSubmitError",
        "ApiClient",
        "ApiConnectionError",
        "ApiError",
        "ApiKey",
        "ApiStatusError",
        "ApiTimeout",
        "AudioStream",
        "AuthenticationError",
        "CambError",
        "CambWarning",
        "Cooldown",
        "DeprecatedEndpointWarning",
        "DubbingResult",
        "EndpointGoneError",
        "Family",
        "InvalidResponseError",
        "JobCancelled",
        "JobDeadlineExceeded",
        "JobError",
        "JobFailed",
        "JobTimedOut",
        "KeyAuth",
        "Language",
        "LanguageCatalog",
        "LanguageError",
        "LanguageLike",
        "MissingKeyError",
        "NotFoundError",
        "PaymentRequiredError",
        "PollFailedError",
        "QuotaExceeded",
        "RateLimitedError",
        "Result",
        "ResultUnavailableError",
        "RetryPolicy",
        "Segment",
        "StoryResult",
        "SubtitleResult",
        "TaskStatus",
        "TextStream",
        "TranscriptionResult",
        "TranslatedTtsResult",
        "TranslationResult",
        "TtsResult",
        "UsageError",
        "ValidationError",
        "Voice",
        "checked_base_url",
        "formality_code",
        "gender_code",
        "resolve_api_key",
        "resolve_language",
        "result_from_dict",
        "search_languages",
        "shown_url",
        "stream_locale",
    ],
    "camb_notebook.jobs": [
        "DEFAULTS",
        "FINAL_STATES",
        "NOT_SENT",
        "BatchArgs",
        "BatchJob",
        "BatchOutcome",
        "BatchSummary",
        "Dispatcher",
        "Errors",
        "Estimate",
        "Job",
        "JobManager",
        "JobRecord",
        "JobState",
        "Journal",
        "LoopThread",
        "PollGroup",
        "PollPolicy",
        "QualityArgs",
        "QualityOptions",
        "Settings",
        "SpeechAudio",
        "SpeechBatch",
        "SpeechOutcome",
        "TaskApi",
        "default_home",
        "dubbing_batch",
        "fetch_result",
        "invalid_reason",
        "is_not_sent",
        "poll_until_terminal",
        "quality_options",
        "set_display_hook",
        "transcription_batch",
        "translation_batch",
        "tts_batch",
        "wait_future",
    ],
    "camb_notebook.catalogs": [
        "COLUMNS",
        "FORMATS",
        "PLURAL_CATEGORIES",
        "STATES",
        "CatalogError",
        "CatalogFormat",
        "CatalogState",
        "Parsed",
        "Unit",
        "read",
        "write",
    ],
    "camb_notebook.datasets": ["DatasetJob", "DatasetResult", "translate_dataset"],
    "camb_notebook.sessions": [
        "Camb",
        "LiveStream",
        "SpeechStream",
        "TranslationStream",
        "current",
        "running_sandbox",
        "session",
        "stop_sandbox",
        "use_sandbox",
    ],
    "camb_notebook.frames": [
        "CambFrameAccessor",
        "CambSeriesAccessor",
        "assemble_long",
        "assemble_wide",
        "audio_grid",
        "dub_frame",
        "dubbing_frame",
        "qa_frame",
        "qa_summary",
        "transcribe_frame",
        "transcript_frame",
        "translate_frame",
        "tts_frame",
    ],
    "camb_notebook.quality": [
        "CHECKS",
        "DEFAULT_SYNTAXES",
        "MASK_PATTERN",
        "SYNTAXES",
        "CheckedTranslation",
        "IcuBlock",
        "Masked",
        "Protector",
        "QaResult",
        "RestoreError",
        "Token",
        "check",
        "check_pairs",
        "find_icu_blocks",
        "find_tokens",
        "has_markers",
        "icu_issues",
        "mask_tag",
        "parse_blocks",
        "plural_categories",
        "resolve_syntaxes",
        "severity",
        "split_block",
        "text_runs",
    ],
    "camb_notebook.streams": ["StreamDisplay"],
    "camb_notebook.subtitles": [
        "FLAGS",
        "PRESETS",
        "Preset",
        "break_lines",
        "conform",
        "cues",
        "fit_translation",
        "measure",
        "preset",
        "read",
        "sentences",
        "to_srt",
        "to_vtt",
        "translate_cues",
    ],
    "camb_notebook.magics": ["CambMagics", "load_ipython_extension", "unload_ipython_extension"],
    "camb_notebook.widgets": [
        "JobProgress",
        "JobsBoard",
        "Panel",
        "QaView",
        "TextProgress",
        "frontend",
        "jobs_board",
        "panel",
        "progress",
        "qa_view",
    ],
}


def test_the_top_level_surface_is_exactly_this() -> None:
    """`camb_notebook.__all__` is the curated list, sorted."""
    assert camb_notebook.__all__ == sorted(TOP_LEVEL)


@pytest.mark.parametrize("name", camb_notebook.__all__)
def test_every_public_name_resolves(name: str) -> None:
    """Each name in `camb_notebook.__all__` imports (lazily) to a real object."""
    assert getattr(camb_notebook, name) is not None


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_each_layer_offers_exactly_its_names(package: str) -> None:
    """A layer's `__all__` is explicit, sorted, and every name in it resolves."""
    module = importlib.import_module(package)
    assert module.__all__ == LAYERS[package]
    assert all(getattr(module, name) is not None for name in module.__all__)


def test_unknown_names_raise_attribute_error() -> None:
    """A typo gets the usual AttributeError naming the attribute, not an import error."""
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = camb_notebook.no_such_thing  # type: ignore[attr-defined]
