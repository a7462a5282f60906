"""`%camb` and `%%camb_translate` in a real ipykernel on the sandbox: every subcommand, late `-o`, interrupts.

One kernel runs the whole tour (each kernel start costs ~2 s); a second one checks the in-kernel sandbox.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from suite_helpers import protected_translation

from camb_notebook.sandbox import make_wav, pseudo_localize
from camb_notebook.sandbox._catalog import VOICES

WIDGET = "application/vnd.jupyter.widget-view+json"
LONG_KEY = "sbx-test-key-0123456789-abcd"  # long enough that the masked form shows its last 4 characters

LOAD = """
import asyncio, json, sys, time
t0 = time.perf_counter()
get_ipython().run_line_magic("load_ext", "camb_notebook")
elapsed = time.perf_counter() - t0
# the engine defaults (camb_notebook.jobs.DEFAULTS) may load; the engine itself must not
heavy = ("pandas", "httpx", "ipywidgets", "fastapi", "camb_notebook.api", "camb_notebook.jobs._manager")
print(json.dumps([elapsed, [m for m in heavy if m in sys.modules]]))
"""

# Waits on the kernel's own loop (a top-level await), so done callbacks run while this cell is busy.
AWAIT_NAMES = """
for _ in range(400):
    if all(name in globals() for name in {names!r}):
        break
    await asyncio.sleep(0.05)
print(json.dumps({{name: str(globals().get(name)) for name in {names!r}}}))
"""


def _last_json(stdout: str) -> Any:
    """The JSON value printed on the cell's last line."""
    return json.loads(stdout.strip().splitlines()[-1])


def _updates(kernel: Any, cell: Any, index: int, mime: str) -> list[str]:
    """The `mime` payloads that updated the cell's `index`-th display output in place, in arrival order."""
    display_id = [o for o in cell.outputs if "transient" in o][index]["transient"]["display_id"]
    return [
        m["content"]["data"][mime]
        for m in kernel.iopub
        if m["msg_type"] == "update_display_data"
        and m["content"]["transient"]["display_id"] == display_id
        and mime in m["content"]["data"]
    ]


def _one_line_error(result: Any, ename: str, words: str) -> None:
    """The cell failed with exactly one traceback line naming the error, and printed nothing else."""
    assert result.status == "error", result
    assert result.ename == ename, (result.ename, result.evalue)
    assert len(result.traceback) == 1 and words in result.traceback[0], result.traceback
    assert "Traceback" not in result.stderr + result.stdout


def test_every_subcommand_in_a_kernel(
    start_kernel: Any, kernel_env: dict[str, str], camb_sandbox: Any, tmp_path: Path
) -> None:
    """Tour all subcommands: late `-o`, widgets, frames, files, streams, jobs, errors, interrupt, resume."""
    camb_sandbox.configure(api_keys=("sandbox", LONG_KEY))
    kernel_env["CAMB_API_KEY"] = LONG_KEY
    (tmp_path / "talk.wav").write_bytes(make_wav("hello from the sandbox"))
    (tmp_path / "story.txt").write_text("Once there was a notebook. It spoke.", encoding="utf-8")
    kernel = start_kernel()

    elapsed, heavy = _last_json(kernel.run(LOAD).stdout)
    print(f"%load_ext camb_notebook took {elapsed * 1000:.0f} ms")
    assert heavy == []

    # Job commands return at once with a live widget; -o lands after the cell returned (done callback).
    started = kernel.run('%camb translate "Hello {name}" --to fr-fr -o fr')
    assert any(WIDGET in o["data"] for o in started.outputs) and not started.data("text/html")
    cell = kernel.run("%%camb_translate --to de-de,it-it -o df\nGood morning\n\nGood night")
    assert any(WIDGET in o["data"] for o in cell.outputs)
    names = kernel.run(AWAIT_NAMES.format(names=["fr", "df"]))
    assert _last_json(names.stdout)["fr"] == protected_translation("Hello {name}", "fr-fr")
    frame = kernel.run("print(json.dumps(df[['text', 'target', 'translation', 'status']].values.tolist()))")
    assert _last_json(frame.stdout) == [
        [text, target, pseudo_localize(text, target), "ok"]
        for text in ("Good morning", "Good night")
        for target in ("de-de", "it-it")
    ]

    # Catalog commands return DataFrames; media commands with --wait store their results.
    assert "fr-fr" in kernel.run("%camb languages french").data("text/html")[0]
    voice = VOICES[0]["id"]
    assert VOICES[0]["voice_name"] in kernel.run("%camb voices").data("text/html")[0]
    kernel.run(f"%camb tts Hello there --voice {voice} --wait -o audio")
    kernel.run("%camb transcribe talk.wav --lang en-us --wait -o heard")
    kernel.run("%camb dub https://example.com/clip.mp4 --from en-us --to es-es --wait -o dubbed")
    kernel.run("%camb story story.txt --lang en-us --wait -o told")
    kinds = kernel.run("print(json.dumps([type(v).__name__ for v in (audio, heard, dubbed, told)]))")
    assert _last_json(kinds.stdout) == ["TtsResult", "TranscriptionResult", "DubbingResult", "StoryResult"]

    # Jobs: board widget, DataFrame, wait, result, config, key (masked), help.
    assert any(WIDGET in o["data"] for o in kernel.run("%camb jobs").outputs)
    table = kernel.run("%camb jobs --df").data("text/html")[0]
    assert table.count("succeeded") >= 6
    kernel.run("%camb jobs -o jobs_df")
    first = _last_json(kernel.run("print(json.dumps(str(jobs_df['id'].iloc[0])))").stdout)
    assert protected_translation("Hello {name}", "fr-fr") in kernel.run(f"%camb result {first}").data()[0]
    assert "No running jobs" in kernel.run("%camb wait all").stdout
    config = kernel.run("%config CambMagics.poll_cap = 2.5\n%camb config").stdout
    assert "CambMagics.poll_cap = 2.5" in config and camb_sandbox.base_url in config
    key = kernel.run("%camb key").stdout
    assert "…abcd" in key and LONG_KEY not in key
    assert "transcribe" in kernel.run("%camb help").stdout
    assert any(WIDGET in o["data"] for o in kernel.run("%camb panel").outputs)

    # Streams: the text grows in place before the stream ends; tts reports the first byte, ends in a player.
    camb_sandbox.configure(stream_chunk_delay=0.1)
    text = "Stream this sentence to me, piece by piece"
    streamed = kernel.run(f'%camb translate "{text}" --to fr-fr --stream -o st')
    spoken = kernel.run(f"%camb tts {text} --voice {voice} --stream --format wav -o sa")
    kernel.run(AWAIT_NAMES.format(names=["st", "sa"]))
    full = pseudo_localize(text, "fr-fr")
    growing = _updates(kernel, streamed, 1, "text/plain")
    assert growing[-1] == full and len(set(growing)) >= 3
    assert all(full.startswith(part) for part in growing) and len(growing[0]) < len(full)
    status = _updates(kernel, spoken, 0, "text/plain")[-1]
    assert status.startswith("tts-stream: done") and "first byte after" in status
    assert "<audio" in _updates(kernel, spoken, 1, "text/html")[-1]

    # An interrupted stream --wait says so in one line; the stream goes on and still fills -o.
    camb_sandbox.configure(stream_chunk_delay=0.4)
    msg_id = kernel.submit('%camb translate "interrupt my stream" --to de-de --stream --wait -o sw')
    time.sleep(1.0)
    kernel.interrupt()
    _one_line_error(kernel.collect(msg_id, timeout=30), "WaitInterrupted", "stream keeps arriving above")
    late = _last_json(kernel.run(AWAIT_NAMES.format(names=["sw"])).stdout)
    assert late["sw"] == pseudo_localize("interrupt my stream", "de-de")

    # Bad input: one line, failed cell, no job created.
    before = len(_last_json(kernel.run("print(json.dumps(list(jobs_df['id'])))").stdout))
    _one_line_error(kernel.run("%camb frobnicate", allow_error=True), "UsageError", "Unknown subcommand")
    _one_line_error(
        kernel.run("%camb tts hi --voice", allow_error=True), "UsageError", "expected one argument"
    )
    _one_line_error(
        kernel.run("%camb translate hi --to xx-nope", allow_error=True), "LanguageError", "xx-nope"
    )
    _one_line_error(kernel.run("%%camb_translate --to fr-fr\n\n", allow_error=True), "UsageError", "empty")
    no_key = kernel.run(
        "import os; saved_key = os.environ.pop('CAMB_API_KEY')\n%camb translate hi --to fr-fr",
        allow_error=True,
    )
    _one_line_error(no_key, "MissingKeyError", "%camb key --prompt")
    kernel.run("os.environ['CAMB_API_KEY'] = saved_key")
    after = kernel.run("%camb jobs -o jobs_df\nprint(len(jobs_df))")
    assert int(after.stdout.split()[-1]) == before

    # --wait is interruptible: one line says what keeps running; the job polls on and can be cancelled.
    camb_sandbox.config.processing_time["translation"] = 30.0
    msg_id = kernel.submit('%camb translate "slow one" --to ja-jp --wait')
    time.sleep(2.0)
    kernel.interrupt()
    interrupted = kernel.collect(msg_id, timeout=30)
    _one_line_error(interrupted, "WaitInterrupted", "keeps polling in the background")
    pending = "%camb jobs -o jobs_df\nprint(json.dumps(list(jobs_df[jobs_df.state == 'pending'].id)))"
    [slow_one] = _last_json(kernel.run(pending).stdout)
    camb_sandbox.config.processing_time["translation"] = 3.0
    kernel.run('%camb translate "slow two" --to ko-kr')
    assert f"Cancelled {slow_one}" in kernel.run(f"%camb cancel {slow_one[:5]}").stdout
    [slow_two] = _last_json(kernel.run(pending).stdout)

    # Nothing the kernel sent, in any cell, carried the key.
    leaks = [m["msg_type"] for m in kernel.iopub if LONG_KEY in json.dumps(m["content"])]
    assert leaks == []

    # A new kernel resumes what the killed one left pending (never the cancelled job) and waits for it.
    kernel.kill()
    again = start_kernel()
    again.run("%load_ext camb_notebook")
    assert "Resumed 1 job(s)" in again.run("%camb resume").stdout
    assert f"<Job {slow_two} translation: succeeded>" in again.run(f"%camb wait {slow_two}").stdout
    assert pseudo_localize("slow two", "ko-kr") in again.run(f"%camb result {slow_two}").data()[0]


def test_sandbox_subcommand_inside_the_kernel(start_kernel: Any, kernel_env: dict[str, str]) -> None:
    """`%camb sandbox start` serves the API inside the kernel and points the session at it; stop undoes it."""
    for name in ("CAMB_API_KEY", "CAMB_API_BASE"):
        kernel_env.pop(name)
    kernel = start_kernel()
    kernel.run("%load_ext camb_notebook")
    assert "No sandbox running" in kernel.run("%camb sandbox").stdout
    started = kernel.run("%camb sandbox start").stdout
    assert "the session now uses it" in started
    kernel.run("%camb translate bonjour --to en-us --from fr-fr --wait -o back")
    assert kernel.run("print(back)").stdout.strip() == pseudo_localize("bonjour", "en-us")
    assert "the session uses it" in kernel.run("%camb sandbox status").stdout
    assert "Sandbox stopped" in kernel.run("%camb sandbox stop").stdout
    _one_line_error(kernel.run("%camb translate hi --to fr-fr", allow_error=True), "MissingKeyError", "key")
    assert "the session now uses it" in kernel.run("%camb sandbox start").stdout
    kernel.run("%camb translate again --to it-it --wait -o again")
    assert kernel.run("print(again)").stdout.strip() == pseudo_localize("again", "it-it")
