/**
 * μ-law helpers for the stand-ins: G.711 μ-law encode/decode, silence and tone frames.
 * 8 kHz mono, 1 byte per sample, so 8 bytes = 1 ms and a 20 ms frame is 160 bytes.
 */
export const BYTES_PER_MS = 8;
export const FRAME_MS = 20;
export const FRAME_BYTES = FRAME_MS * BYTES_PER_MS;
export const MULAW_SILENCE = 0xff;

import { linearToMulaw } from '../src/audio.js';

export { linearToMulaw };

const BIAS = 0x84;
const DECODE_TABLE = new Int16Array(256);
for (let i = 0; i < 256; i++) {
  const u = ~i & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  DECODE_TABLE[i] = sign ? -magnitude : magnitude;
}

export function mulawToLinear(byte: number): number {
  return DECODE_TABLE[byte & 0xff]!;
}

/** Root-mean-square level of μ-law bytes, in linear 16-bit units (silence ≈ 0, speech-like tone ≈ thousands). */
export function mulawRms(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) {
    const v = DECODE_TABLE[bytes[i]!]!;
    sum += v * v;
  }
  return Math.sqrt(sum / bytes.length);
}

export function silence(ms: number): Buffer {
  return Buffer.alloc(ms * BYTES_PER_MS, MULAW_SILENCE);
}

/** A sine tone, loud enough for an energy VAD to call it speech. `phaseSamples` keeps consecutive frames continuous. */
export function tone(ms: number, hz = 440, amplitude = 8000, phaseSamples = 0): Buffer {
  const n = ms * BYTES_PER_MS;
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    out[i] = linearToMulaw(amplitude * Math.sin((2 * Math.PI * hz * (i + phaseSamples)) / 8000));
  }
  return out;
}

/** Splits audio into 20 ms frames (the last one padded with silence). */
export function toFrames(audio: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let off = 0; off < audio.length; off += FRAME_BYTES) {
    const frame = Buffer.alloc(FRAME_BYTES, MULAW_SILENCE);
    audio.copy(frame, 0, off, Math.min(off + FRAME_BYTES, audio.length));
    frames.push(frame);
  }
  return frames;
}

export { base64ByteLength } from '../src/audio.js';
