import type { Clock } from '../clock.js';

/** Resolves when `promise` settles successfully or after `ms`, whichever comes first; never rejects. */
export function waitAtMost(clock: Clock, promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(resolve, ms);
    void promise.then(() => {
      clock.clearTimeout(timer);
      resolve();
    });
  });
}
