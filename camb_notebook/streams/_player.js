// camb-notebook: play `%camb tts --stream` WAV audio while it arrives (each output update calls this with new bytes).
// 16-bit PCM is decoded and scheduled back to back with Web Audio. State lives on window.__cambStreams[id];
// `seq` (the byte offset of the update) makes a re-render of an already applied update harmless.
(function (id, seq, b64) {
  const all = (window.__cambStreams = window.__cambStreams || {});
  const s = (all[id] = all[id] || { seq: -1, scheduled: 0, pending: new Uint8Array(0), format: null, at: 0 });
  if (seq <= s.seq || s.format === "unsupported") return;
  s.seq = seq;
  const raw = atob(b64);
  const joined = new Uint8Array(s.pending.length + raw.length);
  joined.set(s.pending);
  for (let i = 0; i < raw.length; i++) joined[s.pending.length + i] = raw.charCodeAt(i);
  s.pending = joined;

  if (!s.format) {
    // RIFF header: walk the chunks to "fmt " (channels, rate, bits) and the start of "data".
    const view = new DataView(s.pending.buffer);
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
        s.format = format && format.bits === 16 ? format : "unsupported";
        s.pending = s.pending.slice(at + 8);
        break;
      }
      at += 8 + size + (size % 2);
    }
    if (!s.format || s.format === "unsupported") return;
  }

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
})
