"""Fixtures for the speech tests, reused from their folders: tests/frames' `camb` session on the sandbox (fast
polls), tests/magics' in-process shell (`ip`, `sandboxed`), tests/kernel's real kernels (`start_kernel`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

TESTS = Path(__file__).resolve().parents[1]


def _load(name: str, path: Path) -> ModuleType:
    """Import another test folder's conftest by path (those folders are not on sys.path here)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_frames = _load("speech_frames_fixtures", TESTS / "frames" / "conftest.py")
_kernel = _load("speech_kernel_fixtures", TESTS / "kernel" / "conftest.py")
_magics = _load("speech_magics_fixtures", TESTS / "magics" / "conftest.py")
camb = _frames.camb
_global_shell, ip, sandboxed = _magics._global_shell, _magics.ip, _magics.sandboxed
kernel_env = _kernel.kernel_env
start_kernel = _kernel.start_kernel
