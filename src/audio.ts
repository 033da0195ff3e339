/** μ-law 8 kHz mono: 1 byte per sample, 8 bytes per millisecond, 160 bytes per 20 ms frame. */
export const BYTES_PER_MS = 8;

/** Decoded byte length of a base64 string, without decoding it. */
export function base64ByteLength(b64: string): number {
  const len = b64.length;
  if (len === 0) return 0;
  const padding = b64.charCodeAt(len - 1) !== 61 ? 0 : b64.charCodeAt(len - 2) === 61 ? 2 : 1;
  return (len >>> 2) * 3 - padding;
}

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

/** G.711 μ-law encoding of one 16-bit linear sample. */
export function linearToMulaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > MULAW_CLIP) s = MULAW_CLIP;
  s += MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** 240 ms of a quiet two-note chime (μ-law, base64): the cue a caller hears while a slow tool runs, instead of dead air. */
export const HOLD_CUE_AUDIO: string = chime();

function chime(): string {
  const bytes = Buffer.alloc(240 * BYTES_PER_MS);
  for (let i = 0; i < bytes.length; i++) {
    const hz = i < bytes.length / 2 ? 660 : 880;
    const fade = Math.sin((Math.PI * (i % (bytes.length / 2))) / (bytes.length / 2));
    bytes[i] = linearToMulaw(1800 * fade * Math.sin((2 * Math.PI * hz * i) / 8000));
  }
  return bytes.toString('base64');
}
