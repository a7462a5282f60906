"""CLI: `python -m camb_notebook.sandbox --port 8765 [--key K ...]` serves the sandbox until Ctrl-C."""

from __future__ import annotations

import argparse
import threading

from camb_notebook.sandbox._config import SandboxConfig
from camb_notebook.sandbox._server import Sandbox

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, start the sandbox, print its base URL and keys, and wait for Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m camb_notebook.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (0 picks a free one; default 8765)")
    parser.add_argument(
        "--key", action="append", help="accepted API key (repeatable; replaces the default 'sandbox')"
    )
    parser.add_argument(
        "--fast", action="store_true", help="~50 ms processing times instead of demo-like ones"
    )
    args = parser.parse_args(argv)
    config = SandboxConfig.fast() if args.fast else SandboxConfig()
    if args.key:
        config.api_keys = tuple(args.key)
    with Sandbox(config, port=args.port, host=args.host) as sandbox:
        print(f"CAMB.AI sandbox listening at {sandbox.base_url}", flush=True)
        print(f"accepted API key(s): {', '.join(config.api_keys)}", flush=True)
        print("Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopping", flush=True)


if __name__ == "__main__":
    main()
