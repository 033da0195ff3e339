/**
 * The browser call's audio arithmetic, free of Web Audio so that Node can test it: G.711 μ-law (ITU-T
 * Recommendation G.711), resampling between the AudioContext's rate and the 8 kHz of Twilio Media Streams, 20 ms
 * frames, and the playback queue that knows when a mark's audio has played.
 */

/** Twilio Media Streams audio: μ-law, 8 kHz, mono; one 20 ms frame is 160 samples. */
export const PHONE_RATE = 8000;
export const FRAME_SAMPLES = 160;

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

/** One 16-bit linear sample to a μ-law byte. */
export function mulawEncode(sample) {
  let magnitude = Math.min(32767, Math.max(-32768, Math.round(sample)));
  const sign = magnitude < 0 ? 0x80 : 0;
  magnitude = Math.min(Math.abs(magnitude), MULAW_CLIP) + MULAW_BIAS;
  const exponent = Math.max(0, 31 - Math.clz32(magnitude) - 7);
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

const DECODED = new Int16Array(256).map((_, byte) => {
  const bits = ~byte & 0xff;
  const magnitude = ((((bits & 0x0f) << 3) + MULAW_BIAS) << ((bits >> 4) & 0x07)) - MULAW_BIAS;
  return bits & 0x80 ? -magnitude : magnitude;
});

/** One μ-law byte to a 16-bit linear sample. */
export function mulawDecode(byte) {
  return DECODED[byte & 0xff];
}

/** μ-law bytes to samples in [-1, 1]. */
export function decodeMulawBytes(bytes) {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = DECODED[bytes[i]] / 32768;
  return out;
}

/** Down to 8 kHz by averaging the input samples of each output period (a box filter against aliasing). */
export class Downsampler {
  #fromRate;
  #toRate;
  // Counted in 1/(fromRate × toRate) s, so the periods never drift: one input sample is toRate of them.
  #phase = 0;
  #sum = 0;
  #count = 0;

  constructor(fromRate, toRate = PHONE_RATE) {
    this.#fromRate = fromRate;
    this.#toRate = toRate;
  }

  push(input) {
    const out = [];
    for (let i = 0; i < input.length; i++) {
      this.#sum += input[i];
      this.#count++;
      this.#phase += this.#toRate;
      if (this.#phase >= this.#fromRate) {
        out.push(this.#sum / this.#count);
        this.#phase -= this.#fromRate;
        this.#sum = 0;
        this.#count = 0;
      }
    }
    return out;
  }
}

/** Up from 8 kHz by linear interpolation; keeps the last sample, so consecutive chunks join without a click. */
export class Upsampler {
  #fromRate;
  #toRate;
  #previous = 0;
  // Where the next output sample falls after #previous, in 1/(fromRate × toRate) s (whole numbers: no drift).
  #position = 0;

  constructor(fromRate, toRate) {
    this.#fromRate = fromRate;
    this.#toRate = toRate;
  }

  push(input) {
    const out = new Float32Array(Math.ceil(((input.length + 1) * this.#toRate) / this.#fromRate));
    let n = 0;
    for (let i = 0; i < input.length; i++) {
      const next = input[i];
      for (; this.#position < this.#toRate; this.#position += this.#fromRate) {
        out[n++] = this.#previous + ((next - this.#previous) * this.#position) / this.#toRate;
      }
      this.#position -= this.#toRate;
      this.#previous = next;
    }
    return out.subarray(0, n);
  }

  /** After a `clear`: what follows starts afresh. */
  reset() {
    this.#previous = 0;
    this.#position = 0;
  }
}

/** Microphone blocks (any rate, samples in [-1, 1]) to 20 ms μ-law frames at 8 kHz. */
export class FrameEncoder {
  #downsampler;
  #frame = new Uint8Array(FRAME_SAMPLES);
  #fill = 0;

  constructor(inputRate) {
    this.#downsampler = new Downsampler(inputRate);
  }

  /** The frames completed by this block (often none). */
  push(block) {
    const frames = [];
    for (const sample of this.#downsampler.push(block)) {
      this.#frame[this.#fill++] = mulawEncode(sample * 32767);
      if (this.#fill === FRAME_SAMPLES) {
        frames.push(this.#frame);
        this.#frame = new Uint8Array(FRAME_SAMPLES);
        this.#fill = 0;
      }
    }
    return frames;
  }
}

/**
 * The agent's audio waiting to play, with Twilio's marks between the chunks. A small jitter buffer: after silence,
 * playback starts once `primeSamples` are queued or the first queued audio has waited that long. A mark is
 * reported by `read` only once every sample queued before it has been handed to the output, so its echo says the
 * caller heard that audio; `clear` drops the queued audio and reports every pending mark at once, as Twilio does.
 */
export class PlaybackQueue {
  #items = [];
  #buffered = 0;
  #playing = false;
  #waited = 0;

  constructor(primeSamples) {
    this.primeSamples = primeSamples;
  }

  get bufferedSamples() {
    return this.#buffered;
  }

  pushAudio(samples) {
    if (samples.length === 0) return;
    this.#items.push({ samples, offset: 0 });
    this.#buffered += samples.length;
  }

  pushMark(name) {
    this.#items.push({ mark: name });
  }

  /** Fills `out` (silence where nothing may play yet) and returns the names of the marks now played. */
  read(out) {
    this.#prime(out.length);
    const played = [];
    let written = 0;
    while (this.#items.length > 0) {
      const head = this.#items[0];
      if (head.mark !== undefined) {
        played.push(head.mark);
        this.#items.shift();
        continue;
      }
      if (!this.#playing || written === out.length) break;
      const n = Math.min(out.length - written, head.samples.length - head.offset);
      out.set(head.samples.subarray(head.offset, head.offset + n), written);
      written += n;
      head.offset += n;
      this.#buffered -= n;
      if (head.offset === head.samples.length) this.#items.shift();
    }
    out.fill(0, written);
    if (this.#buffered === 0) this.#playing = false;
    return played;
  }

  /** Drops every queued sample; returns the marks that were waiting, in order. */
  clear() {
    const marks = this.#items.filter((item) => item.mark !== undefined).map((item) => item.mark);
    this.#items = [];
    this.#buffered = 0;
    this.#playing = false;
    return marks;
  }

  #prime(blockSamples) {
    if (this.#playing || this.#buffered === 0) {
      this.#waited = 0;
      return;
    }
    if (this.#buffered >= this.primeSamples || this.#waited >= this.primeSamples) this.#playing = true;
    else this.#waited += blockSamples;
  }
}
