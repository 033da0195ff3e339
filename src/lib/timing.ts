import type { Clock } from '../clock.js';

/** Waits `ms` on the given clock; resolves `false` early if the signal aborts (never rejects). */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      resolve(false);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The value of `promise`, or `onTimeout()`'s once `ms` passed on the clock, whichever comes first. A rejection of
 * `promise` passes through. The timer is always cleared.
 */
export async function withDeadline<T, U>(clock: Clock, promise: Promise<T>, ms: number, onTimeout: () => U): Promise<T | U> {
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const deadline = new Promise<U>((resolve) => {
    timer = clock.setTimeout(() => resolve(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clock.clearTimeout(timer);
  }
}

/** Resolves when `promise` settles (either way) or after `ms`, whichever comes first; never rejects. */
export async function waitAtMost(clock: Clock, promise: Promise<unknown>, ms: number): Promise<void> {
  await withDeadline(clock, promise.then(noop, noop), ms, noop);
}

function noop(): void {}
