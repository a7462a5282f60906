"""Run one `translate_dataset` call in its own process until it finishes (or a test SIGKILLs it).

Usage: `python dataset_child.py BASE_URL KEY SOURCE DEST BATCH_ROWS [resend]`; the journal goes to
`CAMB_NOTEBOOK_HOME`. Prints the DatasetResult's counts as JSON on success; on one of our errors, prints
`{"error": "<class>: <text>", "hint": ...}` and exits 3. `resend` passes `resend_ambiguous=True`.
"""

from __future__ import annotations

import json
import sys

from camb_notebook.api import CambError
from camb_notebook.jobs import PollPolicy
from camb_notebook.sessions import Camb

TARGETS = ["fr-fr", "de-de"]
CHUNK_SIZE = 50
MAX_IN_FLIGHT = 4


def main(base_url: str, key: str, source: str, dest: str, batch_rows: str, *flags: str) -> None:
    """The same call every time: a rerun after a kill continues the first run."""
    camb = Camb(api_key=key, base_url=base_url, max_in_flight=MAX_IN_FLIGHT)
    camb.manager.policy = PollPolicy(first=0.05, cap=0.1, jitter=0.0)
    job = camb.translate_dataset(
        source,
        dest,
        column="text",
        to=TARGETS,
        batch_rows=int(batch_rows),
        chunk_size=CHUNK_SIZE,
        resend_ambiguous="resend" in flags,
    )
    try:
        result = job.result(timeout=120)
    except CambError as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc.text}", "hint": exc.hint or ""}))
        camb.close()
        sys.exit(3)
    print(json.dumps({"rows": result.rows, "resumed": result.resumed_rows, "tasks": result.tasks_created}))
    camb.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
