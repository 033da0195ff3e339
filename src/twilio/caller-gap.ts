import { BYTES_PER_MS } from '../audio.js';

/**
 * Gaps in caller audio. Twilio stamps each inbound `media` with `media.timestamp`, milliseconds since the stream
 * started ("Media Streams - WebSocket Messages"). When the stamps jump (a stalled edge), the audio of the gap never
 * arrives, and the model, which counts time in appended bytes, would not see the caller's silence and would not end
 * the turn. The bridge fills the gap with μ-law silence (byte 0xFF) before the next frame, bounded, as the Twilio
 * transport of openai-agents-js does. Pure.
 */
export interface GapLimits {
  /** A gap up to this is jitter, not lost audio: nothing is inserted. */
  toleranceMs: number;
  /** The most silence inserted for one gap, however long it was. */
  maxFillMs: number;
}

export const DEFAULT_GAP_LIMITS: GapLimits = { toleranceMs: 40, maxFillMs: 1_000 };

/** Silence is inserted in whole 20 ms steps of 160 bytes, so a few sizes cover every gap. */
const FILL_STEP_BYTES = 20 * BYTES_PER_MS;

/**
 * Bytes of μ-law silence to insert before the frame stamped `nextTimestampMs`, given the previous frame's stamp and
 * byte length. Never negative and never more than `maxFillMs`: nothing for the first frame, for normal 20 ms steps
 * and small jitter, for a frame that is late, repeated or out of order, or for a stamp that went back (a reset).
 */
export function silenceGapBytes(
  previousTimestampMs: number | undefined,
  nextTimestampMs: number,
  previousFrameBytes: number,
  limits: GapLimits = DEFAULT_GAP_LIMITS,
): number {
  if (previousTimestampMs === undefined) return 0;
  const gapMs = nextTimestampMs - (previousTimestampMs + previousFrameBytes / BYTES_PER_MS);
  if (!(gapMs > limits.toleranceMs)) return 0;
  const bytes = Math.min(gapMs, limits.maxFillMs) * BYTES_PER_MS;
  return Math.floor(bytes / FILL_STEP_BYTES) * FILL_STEP_BYTES;
}

export interface Silence {
  /** Base64 of the silence, as a string (for `isWrappablePayload`-checked string paths). */
  base64: string;
  /** The same base64 text as bytes, for `AppendFrameBuilder.build`. */
  base64Bytes: Buffer;
}

const cache = new Map<number, Silence>();
/** Enough for every whole-step size up to a few seconds; other sizes are built each time. */
const MAX_CACHED = 256;

/** Base64 of `bytes` bytes of μ-law silence (0xFF), cached per size. */
export function mulawSilence(bytes: number): Silence {
  let silence = cache.get(bytes);
  if (silence === undefined) {
    const base64 = Buffer.alloc(bytes, 0xff).toString('base64');
    silence = { base64, base64Bytes: Buffer.from(base64, 'latin1') };
    if (cache.size < MAX_CACHED) cache.set(bytes, silence);
  }
  return silence;
}
