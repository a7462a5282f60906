"""camb_notebook.sandbox: a local, embeddable emulator of the CAMB.AI REST API with fault injection.

Speaks the wire API (translate, translated-tts, tts, tts-stream, transcribe, dub, story, languages, voices)
under `/apis`, with time-based task lifecycles, credits, a per-key concurrency limit and scripted faults:
header `x-sandbox-fault` (`429x2`, `503x3`, `reset`, `stall=2.5`, `late=2`, `malformed`, `cut`,
`410` (streams only), `result404x2`, `pending_forever`, `error=SOURCE_NOT_FOUND`, `timeout`,
`payment_required`), `Sandbox.fail_next()` or config; grammar and counting in
`camb_notebook.sandbox._faults`. Imports nothing from the rest of camb_notebook.
Usage: `with Sandbox(SandboxConfig.fast()) as sb:`
`    httpx.get(sb.base_url + "/list-voices", headers={"x-api-key": sb.api_key})`.
"""

from __future__ import annotations

from camb_notebook.sandbox._app import create_app
from camb_notebook.sandbox._config import FAMILIES, FaultRule, SandboxConfig
from camb_notebook.sandbox._faults import Fault, parse_faults
from camb_notebook.sandbox._media import CONTENT_TYPES, make_wav, pseudo_localize, read_wav_text, wav_duration
from camb_notebook.sandbox._server import Sandbox
from camb_notebook.sandbox._state import SandboxStats

__all__ = [
    "CONTENT_TYPES",
    "FAMILIES",
    "Fault",
    "FaultRule",
    "Sandbox",
    "SandboxConfig",
    "SandboxStats",
    "create_app",
    "make_wav",
    "parse_faults",
    "pseudo_localize",
    "read_wav_text",
    "wav_duration",
]
