"""The job deadline covers the whole job, and no single request can be stretched by a dripping server.

A raw server answers one byte every 50 ms (no read timeout ever fires): before issue 15 the deadline bounded
only the polls, so a dripping create or result answer outlived it by as long as the drip lasted.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from reliability_helpers import MakeApi
from reliability_raw import RawRequest, RawServer, Reply

from camb_notebook.api import AmbiguousSubmitError, ApiTimeout, JobDeadlineExceeded
from camb_notebook.jobs import JobManager, PollPolicy

TRANSLATE = {"texts": ["Hello"], "source_language": 1, "target_language": 76}
PAD = "." * 2000  # 2,000 bytes at one per 50 ms: 100 s, far past every bound below


def _dripping(step: str) -> Callable[[RawRequest], Reply]:
    """A raw API whose answer at `step` ("create" or "result") drips; the rest answer at once."""

    def handler(request: RawRequest) -> Reply:
        drip = 0.05
        if request.method == "POST":
            return Reply(
                200, {"task_id": "drip-1", "pad": PAD}, drip_interval=drip if step == "create" else 0
            )
        if "result" in request.path:
            return Reply(
                200, {"texts": ["Bonjour"], "pad": PAD}, drip_interval=drip if step == "result" else 0
            )
        return Reply(200, {"status": "SUCCESS", "run_id": 7})

    return handler


@pytest.mark.parametrize(
    ("step", "error"), [("create", AmbiguousSubmitError), ("result", JobDeadlineExceeded)]
)
def test_a_dripping_create_or_result_still_ends_at_the_job_deadline(
    make_manager: Callable[..., JobManager], make_api: MakeApi, step: str, error: type[Exception]
) -> None:
    """Item 5: deadline=3 s: the job ends with the step's error, not after the drip (result() bound: 15 s)."""
    with RawServer(_dripping(step)) as server:
        api = make_api(base_url=server.url, timeout=httpx.Timeout(5.0, read=2.0))
        manager = make_manager(api=api, policy=PollPolicy(first=0.01, jitter=0.0, deadline=3.0))
        job = manager.submit("translation", TRANSLATE)
        with pytest.raises(error) as info:
            job.result(timeout=15)
        assert "deadline" in str(info.value)
        assert server.count("POST", "translate") == 1  # the create is never resent


async def test_one_request_is_bounded_as_a_whole_not_only_per_read(make_api: MakeApi) -> None:
    """Item 5: a status answer dripping past `request_timeout` fails as a timeout, each read being quick."""
    with RawServer(_dripping("result")) as server:
        async with make_api(base_url=server.url, timeout=httpx.Timeout(5.0, read=2.0)) as api:
            api.request_timeout = 0.5
            with pytest.raises(ApiTimeout) as info:
                await api.result("translation", 7)
    assert "0.5 s" in str(info.value.__cause__)
