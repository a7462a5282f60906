"""Lab: what the browser tests know about the running JupyterLab (shared by conftest and the tests)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from camb_notebook.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
TOKEN = "camb-browser-test"


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: where it serves, its notebook folder, and the sandbox its kernels use."""

    url: str
    root: Path
    sandbox: Sandbox

    def notebook_url(self, name: str) -> str:
        """The single-document URL of a notebook in the root folder."""
        return f"{self.url}/doc/tree/{name}?token={TOKEN}"
