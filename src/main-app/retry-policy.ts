/** Exponential backoff with jitter, as plain arithmetic (no timers) so it can be tested exactly. */
export interface RetryPolicy {
  /** Total tries including the first; `Infinity` retries forever. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Returns a number in [0, 1). */
export type RandomSource = () => number;

/**
 * Delay before retry number `retry` (1 = the wait after the first failure): the capped exponential
 * step, of which a random half is kept ("equal jitter"), so retries never bunch up yet never collapse to 0.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: RandomSource = Math.random): number {
  const exponent = Math.max(0, Math.min(retry - 1, 30));
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (r * step) / 2);
}

/** Whether another try is allowed after `attemptsMade` tries. */
export function canRetry(policy: RetryPolicy, attemptsMade: number): boolean {
  return attemptsMade < policy.maxAttempts;
}
