"""`%camb subtitles` in a real JupyterLab and chromium: the video plays with the Spanish track attached, and
the cue of the moment is the one the written .vtt file has for that time.

The video is made here, by chromium itself: a canvas recorded through MediaRecorder as VP8 WebM (a codec
Debian's chromium plays), so no encoder has to be installed.
"""

from __future__ import annotations

import base64
import re

import nbformat
import pytest
from labserver import Lab
from playwright.sync_api import Browser, Page

from camb_notebook.subtitles import read

pytestmark = pytest.mark.browser

RECORD_WEBM = """async (seconds) => {
  const canvas = document.createElement('canvas');
  canvas.width = 160; canvas.height = 90;
  document.body.appendChild(canvas);
  const ctx = canvas.getContext('2d');
  const recorder = new MediaRecorder(canvas.captureStream(25), {mimeType: 'video/webm;codecs=vp8'});
  const parts = [];
  recorder.ondataavailable = (e) => parts.push(e.data);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  let frame = 0;
  const timer = setInterval(() => {
    ctx.fillStyle = `hsl(${(frame++ * 7) % 360}, 70%, 50%)`;
    ctx.fillRect(0, 0, 160, 90);
  }, 40);
  recorder.start(250);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  recorder.stop();
  await stopped;
  clearInterval(timer);
  const bytes = new Uint8Array(await new Blob(parts, {type: 'video/webm'}).arrayBuffer());
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}"""

# Play (muted: no gesture needed) to `at` seconds, pause, and report the showing track's cue of that time.
PLAY_TO = """async (at) => {
  const video = document.querySelector('.camb-subtitles video');
  video.muted = true;
  const track = [...video.textTracks].find((t) => t.mode === 'showing');
  await video.play();
  while (video.currentTime < at) await new Promise((resolve) => setTimeout(resolve, 20));
  video.pause();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const cues = [...(track.activeCues || [])];
  return {
    time: video.currentTime,
    label: track.label,
    tracks: video.textTracks.length,
    cues: cues.map((c) => ({start: c.startTime, end: c.endTime, shown: c.getCueAsHTML().textContent})),
  };
}"""


def test_video_plays_with_the_translated_track_showing_the_right_cue(
    lab: Lab, browser: Browser, page: Page
) -> None:
    """The magic's player plays the recorded WebM; at 1.2 s the Spanish track shows the .vtt cue of 1.2 s."""
    maker = browser.new_page()
    maker.set_content("<body></body>")
    (lab.root / "clip.webm").write_bytes(base64.b64decode(maker.evaluate(RECORD_WEBM, 3)))
    maker.close()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext camb_notebook\n%camb subtitles clip.webm --to es-es --wait")
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(nb, lab.root / "subtitles.ipynb")

    page.goto(lab.notebook_url("subtitles.ipynb"))
    page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).wait_for(timeout=60_000)
    page.locator(".jp-Cell .jp-InputArea-editor").first.click()
    page.keyboard.press("Shift+Enter")
    page.locator(".camb-subtitles video").wait_for(timeout=60_000)
    page.wait_for_function(
        "() => { const v = document.querySelector('.camb-subtitles video');"
        " return v.readyState >= 1 && [...v.textTracks].some((t) => t.mode === 'showing' && t.cues"
        " && t.cues.length > 0); }",
        timeout=30_000,
    )
    seen = page.evaluate(PLAY_TO, 1.2)

    written = read(lab.root / "clip.es-es.vtt")
    now = seen["time"]
    expected = written[(written["start"] <= now) & (written["end"] > now)]
    assert seen["label"] == "es-es" and seen["tracks"] == 2
    assert len(expected) == 1 and len(seen["cues"]) == 1
    cue = seen["cues"][0]
    assert cue["start"] == pytest.approx(expected["start"].iloc[0], abs=1e-3)
    assert cue["shown"].replace("\n", " ") == expected["text"].iloc[0].replace("\n", " ")
    assert cue["shown"].startswith("[sandbox es-es:")  # the translation, not the source line
    page.screenshot(path=str(lab.root / "subtitles.png"))  # for a human look when it fails
