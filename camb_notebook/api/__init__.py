"""The wire layer: an async httpx client for every CAMB.AI task family, plus errors, models, key, languages.

Async only; never imports pandas or ipywidgets. Usage: `async with ApiClient() as api: await api.create(...)`.
"""

from __future__ import annotations

from camb_notebook.api._client import *  # noqa: F403
from camb_notebook.api._client import __all__ as _client_all
from camb_notebook.api._errors import *  # noqa: F403
from camb_notebook.api._errors import __all__ as _errors_all
from camb_notebook.api._key import *  # noqa: F403
from camb_notebook.api._key import __all__ as _key_all
from camb_notebook.api._languages import *  # noqa: F403
from camb_notebook.api._languages import __all__ as _languages_all
from camb_notebook.api._models import *  # noqa: F403
from camb_notebook.api._models import __all__ as _models_all
from camb_notebook.api._options import *  # noqa: F403
from camb_notebook.api._options import __all__ as _options_all
from camb_notebook.api._retry import Cooldown as Cooldown
from camb_notebook.api._retry import RetryPolicy as RetryPolicy
from camb_notebook.api._stream import AudioStream as AudioStream
from camb_notebook.api._stream import TextStream as TextStream

__all__ = sorted(
    [
        *_client_all,
        *_errors_all,
        *_key_all,
        *_languages_all,
        *_models_all,
        *_options_all,
        "AudioStream",
        "Cooldown",
        "RetryPolicy",
        "TextStream",
    ]
)
