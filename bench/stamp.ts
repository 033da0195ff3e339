/**
 * A monotonic timestamp hidden in audio, read where the frame arrives, so forwarding latency is measured through
 * the bridge without touching its code. 24 μ-law bytes (32 base64 characters, so a payload's base64 prefix can be
 * swapped without decoding the rest), each byte `0xF0 | nibble`: at most ±120 of 32767, i.e. near silence.
 *
 * Nibbles: time µs (8) · call id (4) · sequence (4) · extra (4) · flags (1) · check (3).
 * Time is CLOCK_MONOTONIC (`process.hrtime`), which every process on the machine shares.
 */
export const STAMP_BYTES = 24;
export const STAMP_BASE64_CHARS = 32;
/** The first audio delta of a response. */
export const FLAG_FIRST_DELTA = 1;
/** The first delta of the greeting (the call's first response); `extra` is then the model's own think time. */
export const FLAG_GREETING = 2;
/** `extra` carries no value. */
export const NO_EXTRA = 0xffff;
/** `extra` is in units of 10 µs. */
export const EXTRA_UNIT_US = 10;

export interface Stamp {
  timeUs: number;
  callId: number;
  seq: number;
  extra: number;
  flags: number;
}

export function emptyStamp(): Stamp {
  return { timeUs: 0, callId: 0, seq: 0, extra: NO_EXTRA, flags: 0 };
}

/** Microseconds on the shared monotonic clock, modulo 2^32 (wraps every ~71 minutes). */
export function monotonicUs(): number {
  const [s, ns] = process.hrtime();
  return (s * 1e6 + Math.floor(ns / 1000)) >>> 0;
}

/** `to − from` in µs across the 2^32 wrap; negative if `to` is earlier. */
export function elapsedUs(fromUs: number, toUs: number): number {
  return ((toUs - fromUs) | 0);
}

/** Microseconds as a 16-bit `extra` value (10 µs units, saturating below NO_EXTRA). */
export function toExtra(us: number): number {
  return Math.max(0, Math.min(NO_EXTRA - 1, Math.round(us / EXTRA_UNIT_US)));
}

/** 12 bits over the fields as they are written (masked to their widths). */
function check(s: Stamp): number {
  let h = Math.imul(s.timeUs ^ 0x5bd1e995, 0x9e3779b1);
  h = Math.imul(h ^ ((s.callId & 0xffff) | ((s.seq & 0xffff) << 16)), 0x85ebca77);
  h = Math.imul(h ^ ((s.extra & 0xffff) | ((s.flags & 0xf) << 16)), 0xc2b2ae3d);
  return ((h ^ (h >>> 15)) >>> 0) & 0xfff;
}

const nibbles = new Uint8Array(STAMP_BYTES);

/** Writes `count` nibbles of `value`, most significant first; returns the next position. */
function putNibbles(value: number, count: number, at: number): number {
  for (let k = count - 1; k >= 0; k--) nibbles[at++] = (value >>> (4 * k)) & 0xf;
  return at;
}

function toNibbles(s: Stamp): Uint8Array {
  let at = putNibbles(s.timeUs >>> 0, 8, 0);
  at = putNibbles(s.callId & 0xffff, 4, at);
  at = putNibbles(s.seq & 0xffff, 4, at);
  at = putNibbles(s.extra & 0xffff, 4, at);
  at = putNibbles(s.flags & 0xf, 1, at);
  putNibbles(check(s), 3, at);
  return nibbles;
}

function fromNibbles(n: ArrayLike<number>, out: Stamp): boolean {
  const field = (from: number, count: number) => {
    let v = 0;
    for (let i = from; i < from + count; i++) v = v * 16 + n[i]!;
    return v;
  };
  out.timeUs = field(0, 8) >>> 0;
  out.callId = field(8, 4);
  out.seq = field(12, 4);
  out.extra = field(16, 4);
  out.flags = field(20, 1);
  return field(21, 3) === check(out);
}

/** Writes a stamp into the first STAMP_BYTES of `target` (μ-law). */
export function writeStamp(target: Uint8Array, stamp: Stamp): void {
  const n = toNibbles(stamp);
  for (let i = 0; i < STAMP_BYTES; i++) target[i] = 0xf0 | n[i]!;
}

const readScratch = new Uint8Array(STAMP_BYTES);

/** Reads a stamp from the first STAMP_BYTES of `source`; false if there is none (ordinary audio). */
export function readStamp(source: Uint8Array, out: Stamp): boolean {
  if (source.length < STAMP_BYTES) return false;
  for (let i = 0; i < STAMP_BYTES; i++) {
    const byte = source[i]!;
    if ((byte & 0xf0) !== 0xf0) return false;
    readScratch[i] = byte & 0x0f;
  }
  return fromNibbles(readScratch, out);
}

const encodeScratch = Buffer.alloc(STAMP_BYTES);

/** `payload` (base64 μ-law, ≥ 24 bytes) with its first 24 bytes replaced by the stamp. */
export function stampBase64(payload: string, stamp: Stamp): string {
  writeStamp(encodeScratch, stamp);
  return encodeScratch.toString('base64') + payload.slice(STAMP_BASE64_CHARS);
}

const B64_VALUES = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) B64_VALUES[c.charCodeAt(0)] = i;
const decodeScratch = new Uint8Array(STAMP_BYTES);

/** Reads a stamp from the first 32 base64 characters of a payload without decoding the rest. */
export function readStampBase64(payload: string, out: Stamp): boolean {
  if (payload.length < STAMP_BASE64_CHARS) return false;
  for (let group = 0; group < STAMP_BASE64_CHARS / 4; group++) {
    let bits = 0;
    for (let k = 0; k < 4; k++) {
      const code = payload.charCodeAt(group * 4 + k);
      const value = code < 128 ? B64_VALUES[code]! : -1;
      if (value < 0) return false;
      bits = (bits << 6) | value;
    }
    decodeScratch[group * 3] = (bits >>> 16) & 0xff;
    decodeScratch[group * 3 + 1] = (bits >>> 8) & 0xff;
    decodeScratch[group * 3 + 2] = bits & 0xff;
  }
  return readStamp(decodeScratch, out);
}
