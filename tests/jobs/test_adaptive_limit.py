"""The in-flight limit adapts to a server concurrency limit it is never told (AIMD on 429s while creating)."""

from __future__ import annotations

from typing import Any

from camb_notebook.api import ApiClient
from camb_notebook.jobs import JobManager, PollPolicy
from camb_notebook.sandbox import pseudo_localize


def test_a_server_concurrency_limit_shrinks_the_in_flight_limit(camb_sandbox: Any) -> None:
    """4 server slots, 32 local: 429s on create shrink the limit; all 24 jobs finish, each created once."""
    camb_sandbox.configure(max_pending_per_key=4, processing_time={"translation": 0.3})
    api = ApiClient(api_key=camb_sandbox.api_key, base_url=camb_sandbox.base_url)
    manager = JobManager(api, max_in_flight=32, policy=PollPolicy(first=0.05, cap=0.1, jitter=0.0))
    try:
        texts = [f"text {i}" for i in range(24)]
        request = {"source_language": 1, "target_language": 76}
        jobs = [manager.submit("translation", {"texts": [text], **request}) for text in texts]
        results = [job.result(timeout=120) for job in jobs]
        assert [r.texts[0] for r in results] == [pseudo_localize(text, "fr-fr") for text in texts]
        assert camb_sandbox.stats.tasks_created.get("translation", 0) == 24
        assert api.rate_limit_hits > 0
        assert manager.limit.total < 32
    finally:
        manager.close()
