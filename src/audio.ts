/** μ-law 8 kHz mono: 1 byte per sample, 8 bytes per millisecond, 160 bytes per 20 ms frame. */
export const BYTES_PER_MS = 8;

/** Decoded byte length of a base64 string, without decoding it. */
export function base64ByteLength(b64: string): number {
  const len = b64.length;
  if (len === 0) return 0;
  const padding = b64.charCodeAt(len - 1) !== 61 ? 0 : b64.charCodeAt(len - 2) === 61 ? 2 : 1;
  return (len >>> 2) * 3 - padding;
}
