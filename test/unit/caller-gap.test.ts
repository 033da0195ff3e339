import { describe, expect, it } from 'vitest';
import { DEFAULT_GAP_LIMITS, mulawSilence, silenceGapBytes } from '../../src/twilio/caller-gap.js';
import { isWrappablePayload } from '../../src/twilio/messages.js';

const FRAME = 160; // 20 ms of μ-law

describe('silenceGapBytes', () => {
  it('inserts nothing for the first frame', () => {
    expect(silenceGapBytes(undefined, 5_000, FRAME)).toBe(0);
  });

  it.each([
    ['a normal 20 ms step', 1_000, 1_020],
    ['a frame stamped early', 1_000, 1_010],
    ['small jitter', 1_000, 1_050],
    ['a gap right at the tolerance', 1_000, 1_020 + DEFAULT_GAP_LIMITS.toleranceMs],
    ['a repeated stamp', 1_000, 1_000],
    ['a frame out of order', 1_000, 980],
    ['a stamp that went back to zero (reset)', 90_000, 0],
    ['a stamp far in the past', Number.MAX_SAFE_INTEGER, 0],
    ['a stamp that is not a number', 1_000, Number.NaN],
  ])('inserts nothing for %s', (_name, previous, next) => {
    expect(silenceGapBytes(previous, next, FRAME)).toBe(0);
  });

  it('fills a gap in whole 20 ms steps, the missing time rounded down', () => {
    // frame at 1000 covers 1000–1020; the next at 1120 leaves 100 ms missing
    expect(silenceGapBytes(1_000, 1_120, FRAME)).toBe(100 * 8);
    expect(silenceGapBytes(1_000, 1_130, FRAME)).toBe(100 * 8);
    expect(silenceGapBytes(1_000, 1_141, FRAME)).toBe(120 * 8);
  });

  it('takes the previous frame length into account', () => {
    expect(silenceGapBytes(1_000, 1_140, 800)).toBe(0); // 100 ms frame, 40 ms gap
    expect(silenceGapBytes(1_000, 1_200, 800)).toBe(100 * 8);
  });

  it.each([
    ['a 5 s stall', 1_000, 6_020],
    ['a jump to a huge stamp', 1_000, Number.MAX_SAFE_INTEGER],
    ['an infinite stamp', 1_000, Number.POSITIVE_INFINITY],
  ])('never inserts more than the bound for %s', (_name, previous, next) => {
    expect(silenceGapBytes(previous, next, FRAME)).toBe(DEFAULT_GAP_LIMITS.maxFillMs * 8);
  });

  it('follows the limits it is given', () => {
    expect(silenceGapBytes(0, 100, FRAME, { toleranceMs: 100, maxFillMs: 2_000 })).toBe(0);
    expect(silenceGapBytes(0, 10_000, FRAME, { toleranceMs: 0, maxFillMs: 2_000 })).toBe(16_000);
  });
});

describe('mulawSilence', () => {
  it.each([1, 2, 3, 160, 800, 8_000])('is base64 of %i bytes of 0xFF, as string and bytes', (bytes) => {
    const s = mulawSilence(bytes);
    expect(Buffer.from(s.base64, 'base64').equals(Buffer.alloc(bytes, 0xff))).toBe(true);
    expect(s.base64Bytes.toString('latin1')).toBe(s.base64);
    expect(isWrappablePayload(s.base64)).toBe(true);
  });

  it('returns the cached silence for a size asked again', () => {
    expect(mulawSilence(320)).toBe(mulawSilence(320));
  });
});
