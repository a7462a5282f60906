"""Fault grammar of the sandbox (header `x-sandbox-fault`, `Sandbox.fail_next`, config `faults`), parsed.

Grammar: `ITEM[,ITEM...]`, each ITEM optionally suffixed `xN` (N times, default 1):
  request faults (hit the request itself; the request is not processed unless noted):
    `429xN`                 429 with `Retry-After: <config.fault_retry_after>` and a JSON `detail`
    `5xxxN` (`500`..`599`)  that status with a JSON `detail`
    `404xN`, `410xN`        the endpoint is gone: that status with a JSON `detail` (streaming routes only,
                            `tts-stream` and `translation/stream`; elsewhere the request is refused with 400)
    `resetxN`               the TCP connection is aborted before any byte (httpx: RemoteProtocolError)
    `malformedxN`           200 `application/json` whose body is truncated JSON
    `stall=SECxN`           the response is held SEC seconds, then the request is processed normally
    `late=SECxN`            the request is processed at once, its response held SEC seconds (a create that
                            exists on the server while its client still waits, e.g. to be killed meanwhile)
    `cutxN`                 the connection drops mid-body (after a stream's first chunk, or half a body)
  task faults (shape the task the create request makes; ignored on other routes):
    `result404xN`           after SUCCESS, the first N result fetches of its run answer 404
    `pending_forever`       the task never leaves PENDING
    `error=REASON`          ends in ERROR with `exception_reason=REASON` (any ExceptionReasons value)
    `timeout`               ends in TIMEOUT
    `payment_required`      ends in PAYMENT_REQUIRED
Counting for the header: request faults expand in order (`429x1,503x2` → 429, 503, 503), and the k-th
request carrying the same header value, from the same session (`x-sandbox-session`, else the API key), to the
same route template (`POST translate`, `GET translate/{id}`) gets the k-th fault; later ones pass.
Config rules (`FaultRule`) match a route pattern (fnmatch on `"METHOD template"` or the template); each match
consumes one of `times` (None = forever). Header faults win over rules; rules win over the seeded random rate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["GONE_ROUTES", "Fault", "parse_faults", "split_faults"]

_ITEM = re.compile(
    r"^(?P<name>\d{3}|reset|malformed|cut|result404|pending_forever|timeout|payment_required"
    r"|(?:stall|late)=(?P<secs>\d+(?:\.\d+)?)|error=(?P<reason>[A-Z_]+))(?:x(?P<times>\d+))?$"
)
_TASK_FAULTS = ("result404", "pending_forever", "error", "timeout", "payment_required")
_GONE = ("404", "410")
# Bounds, so one request header cannot tie the server up: a fault repeats at most this often, a stall lasts
# at most this long (seconds), and a header holds at most this many items.
MAX_TIMES = 1000
MAX_STALL = 60.0
MAX_ITEMS = 32
# Route templates that may answer a `404`/`410` fault (what a retired streaming endpoint looks like).
GONE_ROUTES = frozenset({"tts-stream", "translation/stream"})


@dataclass(frozen=True)
class Fault:
    """One parsed grammar item; `kind` is a status code, reset, malformed, stall, late, cut or a
    task fault."""

    kind: str
    times: int = 1
    seconds: float = 0.0
    reason: str = ""

    @property
    def is_task_fault(self) -> bool:
        """Whether the fault shapes a created task rather than the HTTP exchange."""
        return self.kind in _TASK_FAULTS

    @property
    def status(self) -> int:
        """The HTTP status of a status fault (429, 404/410, 5xx), else 0."""
        return int(self.kind) if self.kind.isdigit() else 0


def parse_faults(spec: str) -> list[Fault]:
    """Parse a comma-separated fault spec, raising ValueError naming the first bad item."""
    faults: list[Fault] = []
    parts = spec.split(",")
    if len(parts) > MAX_ITEMS:
        raise ValueError(f"too many sandbox faults ({len(parts)}; at most {MAX_ITEMS})")
    for raw in (part.strip() for part in parts):
        match = _ITEM.match(raw)
        if not match:
            raise ValueError(f"bad sandbox fault {raw!r}")
        name = match["name"]
        kind = name.split("=", 1)[0]
        if kind.isdigit() and not (kind == "429" or kind in _GONE or 500 <= int(kind) <= 599):
            raise ValueError(f"bad sandbox fault status {kind!r}: use 429, 404/410 (streams) or 500-599")
        times, seconds = int(match["times"] or 1), float(match["secs"] or 0)
        if not 1 <= times <= MAX_TIMES or seconds > MAX_STALL:
            raise ValueError(
                f"bad sandbox fault {raw!r}: x1-x{MAX_TIMES} times, stalls up to {MAX_STALL:g} s"
            )
        faults.append(Fault(kind=kind, times=times, seconds=seconds, reason=match["reason"] or ""))
    return faults


def split_faults(faults: list[Fault]) -> tuple[list[Fault], list[Fault]]:
    """Return (request faults expanded one per request, task faults)."""
    expanded = [f for f in faults if not f.is_task_fault for _ in range(f.times)]
    return expanded, [f for f in faults if f.is_task_fault]
