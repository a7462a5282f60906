"""Each fault knob of the sandbox, seen by a plain httpx client exactly as scripted."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from sandbox_helpers import TRANSLATE, create, finish

from camb_notebook.sandbox import Sandbox, SandboxConfig, create_app
from camb_notebook.sandbox._state import SandboxState


def _fault(spec: str, session: str = "s") -> dict[str, str]:
    """Return headers asking for the fault `spec` within `session`."""
    return {"x-sandbox-fault": spec, "x-sandbox-session": session}


def test_429_with_retry_after_then_success(api: httpx.Client) -> None:
    """`429x2` answers 429 with Retry-After twice, then lets the request through."""
    codes = [api.post("translate", json=TRANSLATE, headers=_fault("429x2")) for _ in range(3)]
    assert [r.status_code for r in codes] == [429, 429, 200]
    assert codes[0].headers["retry-after"] == "1"
    assert codes[0].json() == {"detail": "sandbox fault: 429 Too Many Requests"}


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_n_times(api: httpx.Client, status: int) -> None:
    """`<5xx>x3` answers that status three times, then the request succeeds."""
    responses = [api.get("list-voices", headers=_fault(f"{status}x3")) for _ in range(4)]
    assert [r.status_code for r in responses] == [status] * 3 + [200]


def test_fault_sequence_and_sessions(api: httpx.Client) -> None:
    """`429x1,503x1` plays in order per session: a second session starts its own count."""
    seen = [api.get("list-voices", headers=_fault("429,503", "a")).status_code for _ in range(3)]
    assert seen == [429, 503, 200]
    assert api.get("list-voices", headers=_fault("429,503", "b")).status_code == 429


def test_reset_drops_the_connection(camb_sandbox: Sandbox, api: httpx.Client) -> None:
    """`reset` aborts the TCP connection before any byte: httpx raises RemoteProtocolError, then recovers."""
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("list-voices", headers=_fault("reset"))
    assert api.get("list-voices", headers=_fault("reset")).status_code == 200
    assert camb_sandbox.stats.connections_opened == 2


def test_stall_causes_a_read_timeout(api: httpx.Client) -> None:
    """`stall=1` holds the response past a short read timeout; the retry is answered."""
    with pytest.raises(httpx.ReadTimeout):
        api.get("list-voices", headers=_fault("stall=1"), timeout=0.2)
    assert api.get("list-voices", headers=_fault("stall=1")).status_code == 200


def test_late_creates_the_task_before_the_held_answer(camb_sandbox: Sandbox, api: httpx.Client) -> None:
    """`late=1` processes a create at once and holds its answer: the client times out, the task exists."""
    with pytest.raises(httpx.ReadTimeout):
        api.post("translate", json=TRANSLATE, headers=_fault("late=1"), timeout=0.2)
    assert camb_sandbox.stats.tasks_created == {"translation": 1}


def test_malformed_json(api: httpx.Client) -> None:
    """`malformed` answers 200 application/json with a truncated body."""
    response = api.get("list-voices", headers=_fault("malformed"))
    assert (response.status_code, response.headers["content-type"]) == (200, "application/json")
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_cut_mid_stream(api: httpx.Client) -> None:
    """`cut` lets the first tts-stream chunk out, then drops the connection."""
    body = {"text": "A stream that breaks.", "language": "en-us", "voice_id": 1}
    received: list[bytes] = []
    with (
        pytest.raises(httpx.RemoteProtocolError),
        api.stream("POST", "tts-stream", json=body, headers=_fault("cut")) as response,
    ):
        received.extend(response.iter_raw())
    assert received and received[0].startswith(b"RIFF")


@pytest.mark.parametrize("status", [404, 410])
def test_gone_status_on_streaming_routes_only(api: httpx.Client, status: int) -> None:
    """`404`/`410` answer the streaming routes like a retired endpoint; other routes refuse them with 422."""
    body = {"text": "Gone soon.", "source_language": "en-us", "target_language": "fr-fr"}
    gone = api.post("translation/stream", json=body, headers=_fault(str(status)))
    assert gone.status_code == status and gone.json()["detail"].startswith(f"sandbox fault: {status}")
    assert api.post("translation/stream", json=body, headers=_fault(str(status))).status_code == 200
    refused = api.post("translate", json=TRANSLATE, headers=_fault(str(status)))
    assert refused.status_code == 422 and "translation/stream" in refused.json()["detail"][0]["msg"]


def test_cut_mid_json_body(api: httpx.Client) -> None:
    """`cut` on a plain JSON route sends half the body then closes the connection."""
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("list-voices", headers=_fault("cut"))


def test_result_404_after_success(api: httpx.Client) -> None:
    """`result404x2` on create hides the finished run's result for two fetches."""
    run_id = finish(
        api, f"translate/{create(api, 'translate', json=TRANSLATE, headers=_fault('result404x2'))}"
    )["run_id"]
    codes = [api.get(f"translation-result/{run_id}").status_code for _ in range(3)]
    assert codes == [404, 404, 200]


@pytest.mark.parametrize(
    ("spec", "status", "reason"),
    [
        ("error=SOURCE_NOT_FOUND", "ERROR", "SOURCE_NOT_FOUND"),
        ("timeout", "TIMEOUT", None),
        ("payment_required", "PAYMENT_REQUIRED", "PAYMENT_REQUIRED"),
    ],
)
def test_task_outcomes(api: httpx.Client, spec: str, status: str, reason: str | None) -> None:
    """Task faults end the task in ERROR (with its reason), TIMEOUT or PAYMENT_REQUIRED, with a message."""
    task_id = create(api, "translate", json=TRANSLATE, headers=_fault(spec))
    body = finish(api, f"translate/{task_id}", want=status)
    assert body["run_id"] is None
    assert body["exception_reason"] == reason
    assert body["message"]


def test_pending_forever(camb_sandbox: Sandbox, api: httpx.Client) -> None:
    """`pending_forever` keeps the task PENDING long after its processing time."""
    task_id = create(api, "translate", json=TRANSLATE, headers=_fault("pending_forever"))
    time.sleep(camb_sandbox.config.processing_time["translation"] * 4)
    assert api.get(f"translate/{task_id}").json()["status"] == "PENDING"


def test_credits_run_out(camb_sandbox: Sandbox, api: httpx.Client) -> None:
    """With 12 credits, a 10-char translation succeeds, the next is PAYMENT_REQUIRED, a stream gets 402."""
    camb_sandbox.config.credits = {"sandbox": 12}
    body = {"texts": ["0123456789"], "source_language": 1, "target_language": 54}
    finish(api, f"translate/{create(api, 'translate', json=body)}")
    finish(api, f"translate/{create(api, 'translate', json=body)}", want="PAYMENT_REQUIRED")
    stream = api.post("tts-stream", json={"text": "more text", "language": "en-us", "voice_id": 1})
    assert stream.status_code == 402


def test_concurrency_limit(camb_sandbox: Sandbox, api: httpx.Client) -> None:
    """With 2 PENDING tasks allowed, the third create gets 429 with Retry-After until a slot frees."""
    camb_sandbox.configure(max_pending_per_key=2, processing_time={"translation": 30})
    create(api, "translate", json=TRANSLATE)
    create(api, "translate", json=TRANSLATE)
    refused = api.post("translate", json=TRANSLATE)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 30
    assert camb_sandbox.stats.tasks_created == {"translation": 2}


def test_fail_next_server_rules(camb_sandbox: Sandbox, api: httpx.Client) -> None:
    """`fail_next` scripts faults by route pattern without any header, request and task faults alike."""
    camb_sandbox.fail_next("503", route="GET translate/*", times=2)
    camb_sandbox.fail_next("error=PROCESSING_ERROR", route="POST translate")
    task_id = create(api, "translate", json=TRANSLATE)
    assert [api.get(f"translate/{task_id}").status_code for _ in range(2)] == [503, 503]
    assert finish(api, f"translate/{task_id}", want="ERROR")["exception_reason"] == "PROCESSING_ERROR"
    finish(api, f"translate/{create(api, 'translate', json=TRANSLATE)}")
    assert camb_sandbox.stats.faults_injected == {"503": 2, "error": 1}


def test_random_faults_are_seeded(camb_sandbox: Sandbox, api: httpx.Client) -> None:
    """A fault rate with a seed injects the same faults in the same order after every reset."""

    def run() -> list[int]:
        camb_sandbox.reset()
        camb_sandbox.configure(fault_rate=0.5, fault_seed=7, random_faults=("503", "429"))
        return [api.get("list-voices").status_code for _ in range(20)]

    first = run()
    assert first == run()
    assert {200, 503, 429} <= set(first)


@pytest.mark.parametrize("spec", ["418", "503x300000000", "stall=3600", ",".join(["503"] * 40)])
def test_bad_or_unbounded_fault_header_is_422(api: httpx.Client, spec: str) -> None:
    """An unparsable or unbounded `x-sandbox-fault` header is refused at once with 422 naming the header."""
    response = api.get("list-voices", headers=_fault(spec))
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["header", "x-sandbox-fault"] and "sandbox fault" in detail["msg"]


async def test_asgi_transport_mode() -> None:
    """In-process through httpx.ASGITransport, routes work and `reset` surfaces as ConnectionResetError."""
    transport = httpx.ASGITransport(app=create_app(SandboxConfig.fast()))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox/apis/") as client:
        headers = {"x-api-key": "sandbox"}
        assert (await client.get("list-voices", headers=headers)).status_code == 200
        with pytest.raises(ConnectionResetError):
            await client.get("list-voices", headers={**headers, "x-sandbox-fault": "reset"})


async def test_handler_crash_is_recorded_and_answered_500() -> None:
    """A crashing handler answers 500 JSON and leaves its traceback in the state for the test to re-raise."""
    state = SandboxState(SandboxConfig.fast())
    app = create_app(state=state)

    async def boom() -> None:
        raise KeyError("kaboom")

    app.add_api_route("/apis/boom", boom)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as client:
        response = await client.get("/apis/boom")
    assert response.status_code == 500
    assert response.json() == {"detail": "sandbox internal error: KeyError"}
    assert len(state.errors) == 1
    assert "kaboom" in state.errors[0]
