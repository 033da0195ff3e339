import { describe, expect, it } from 'vitest';
import { backoffDelay, canRetry } from '../../../src/main-app/retry-policy.js';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('backoffDelay', () => {
  it('doubles per retry and keeps a random half of the step (equal jitter)', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 0))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 0.999999))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(policy, 2, () => 0.5)).toBe(150);
  });

  it('caps the step at maxDelayMs, even for huge retry numbers', () => {
    expect(backoffDelay(policy, 10, () => 0.999999)).toBe(1_000);
    expect(backoffDelay(policy, 10_000, () => 0)).toBe(500);
  });

  it('clamps a misbehaving random source into range', () => {
    expect(backoffDelay(policy, 1, () => 7)).toBe(100);
    expect(backoffDelay(policy, 1, () => -3)).toBe(50);
  });
});

describe('canRetry', () => {
  it('allows tries up to maxAttempts, and forever with Infinity', () => {
    expect([1, 2, 3, 4].map((n) => canRetry(policy, n))).toEqual([true, true, true, false]);
    expect(canRetry({ ...policy, maxAttempts: Infinity }, 1e9)).toBe(true);
  });
});
