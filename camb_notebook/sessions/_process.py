"""The process-wide default session and the embedded sandbox's lifecycle.

`session()` gives a lazy default `Camb`, using an in-process sandbox when `CAMB_SANDBOX=1` or after
`use_sandbox()`. Thread-safe. Usage: `camb = session()`; `use_sandbox()`; `stop_sandbox()`.
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import TYPE_CHECKING, Any

from camb_notebook.api import UsageError
from camb_notebook.sessions._camb import Camb

if TYPE_CHECKING:
    from camb_notebook.sandbox import Sandbox

__all__ = ["current", "running_sandbox", "session", "stop_sandbox", "use_sandbox"]


def use_sandbox(**options: Any) -> Camb:
    """Start (once) an in-process sandbox, make the default session use it, and return that session."""
    global _default
    sandbox = _start_sandbox()
    with _lock:
        if _default is not None:
            _default.close()
        _default = Camb(api_key=sandbox.api_key, base_url=sandbox.base_url, **options)
        return _default


_lock = threading.RLock()
_default: Camb | None = None
_sandbox: Sandbox | None = None


def _start_sandbox() -> Sandbox:
    """The process-wide embedded sandbox (started once, stopped at exit; fast if CAMB_SANDBOX_FAST=1)."""
    global _sandbox
    with _lock:
        if _sandbox is None:
            try:
                from camb_notebook.sandbox import Sandbox, SandboxConfig
            except ImportError as exc:
                raise UsageError(
                    "the sandbox needs its extra", hint="pip install 'camb-notebook[sandbox]'"
                ) from exc
            fast = os.environ.get("CAMB_SANDBOX_FAST", "").strip() in ("1", "true", "yes")
            _sandbox = Sandbox(SandboxConfig.fast() if fast else None).start()
            atexit.register(_sandbox.stop)
        return _sandbox


def running_sandbox() -> Sandbox | None:
    """The embedded sandbox if one is running in this process."""
    with _lock:
        return _sandbox if _sandbox is not None and _sandbox.running else None


def stop_sandbox() -> bool:
    """Stop the embedded sandbox (False if none runs); a default session using it is closed and dropped."""
    global _default, _sandbox
    with _lock:
        sandbox, _sandbox = _sandbox, None  # the next start makes a fresh one
        if sandbox is None or not sandbox.running:
            return False
        if _default is not None and _default.base_url == sandbox.base_url:
            _default.close()
            _default = None
    sandbox.stop()
    return True


def current() -> Camb | None:
    """The default session if one exists already (None instead of creating one)."""
    with _lock:
        return _default


def session() -> Camb:
    """The process-wide default session (made on first use or after close(); sandbox when CAMB_SANDBOX=1)."""
    global _default
    with _lock:
        if _default is None or _default.manager.closed:
            mode = os.environ.get("CAMB_SANDBOX", "").strip()
            if mode in ("1", "true", "yes"):
                return use_sandbox()
            if mode == "shared":  # one sandbox process per user, outliving kernel restarts
                from camb_notebook.sessions._shared_sandbox import shared_sandbox

                base_url, key = shared_sandbox()
                _default = Camb(api_key=key, base_url=base_url)
                return _default
            _default = Camb()
        return _default
