// camb-notebook: play `%camb tts --stream` WAV audio while it arrives (an anywidget ES module).
// The kernel sets `audio` to every byte so far; 16-bit PCM is decoded from the new tail and scheduled back to
// back with Web Audio. Playback state lives with the model (not a view), so replacing the output with the final
// player does not cut the sound. window.__cambStreams lists the streams (what the browser test reads).

function bytesOf(value) {
  if (!value) return new Uint8Array(0);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function readFormat(s) {
  // RIFF header: walk the chunks to "fmt " (channels, rate, bits) and the start of "data".
  const view = new DataView(s.pending.buffer, s.pending.byteOffset, s.pending.byteLength);
  let at = 12;
  let format = null;
  while (at + 8 <= s.pending.length) {
    const name = String.fromCharCode(...s.pending.subarray(at, at + 4));
    const size = view.getUint32(at + 4, true);
    if (name === "fmt " && at + 24 <= s.pending.length) {
      format = { channels: view.getUint16(at + 10, true), rate: view.getUint32(at + 12, true),
                 bits: view.getUint16(at + 22, true) };
    }
    if (name === "data") {
      s.format = format && format.bits === 16 && format.channels > 0 ? format : "unsupported";
      s.pending = s.pending.slice(at + 8);
      return;
    }
    at += 8 + size + (size % 2);
  }
}

function play(s, fresh) {
  const joined = new Uint8Array(s.pending.length + fresh.length);
  joined.set(s.pending);
  joined.set(fresh, s.pending.length);
  s.pending = joined;
  if (!s.format) readFormat(s);
  if (!s.format || s.format === "unsupported") return;
  const { channels, rate } = s.format;
  const frames = Math.floor(s.pending.length / (2 * channels));
  if (frames === 0) return;
  s.ctx = s.ctx || new (window.AudioContext || window.webkitAudioContext)();
  s.ctx.resume();
  const samples = new DataView(s.pending.buffer, s.pending.byteOffset, frames * 2 * channels);
  const buffer = s.ctx.createBuffer(channels, frames, rate);
  for (let c = 0; c < channels; c++) {
    const out = buffer.getChannelData(c);
    for (let f = 0; f < frames; f++) out[f] = samples.getInt16((f * channels + c) * 2, true) / 32768;
  }
  s.pending = s.pending.slice(frames * 2 * channels);
  const source = s.ctx.createBufferSource();
  source.buffer = buffer;
  source.connect(s.ctx.destination);
  const when = Math.max(s.ctx.currentTime + 0.05, s.at);
  source.start(when);
  s.at = when + buffer.duration;
  s.scheduled += 1;
}

export default {
  initialize({ model }) {
    const all = (window.__cambStreams = window.__cambStreams || {});
    const s = { fed: 0, scheduled: 0, pending: new Uint8Array(0), format: null, at: 0 };
    all[`stream-${Object.keys(all).length}`] = s;
    const feed = () => {
      const bytes = bytesOf(model.get("audio"));
      if (bytes.length <= s.fed || s.format === "unsupported") return;
      const fresh = bytes.slice(s.fed);
      s.fed = bytes.length;
      play(s, fresh);
    };
    model.on("change:audio", feed);
    feed();
  },
  render({ model, el }) {
    const line = document.createElement("code");
    const show = () => {
      line.textContent = `${bytesOf(model.get("audio")).length} bytes of audio/wav, playing as they arrive`;
    };
    model.on("change:audio", show);
    show();
    el.appendChild(line);
    return () => model.off("change:audio", show);
  },
};
