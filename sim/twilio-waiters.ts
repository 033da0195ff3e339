/**
 * Condition waits for test code: a predicate is re-checked whenever the owner says its state changed, and the
 * wait fails with a clear message after a real-time timeout (also when the owner's clock is a ManualClock) or
 * once the owner declares that nothing can change any more.
 */
interface Waiter {
  check: () => boolean;
  fail: (why: string) => void;
}

export class Waiters {
  private readonly waiting = new Set<Waiter>();

  get size(): number {
    return this.waiting.size;
  }

  /** Resolves with the predicate's first truthy value. */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs: number, label: string): Promise<T> {
    const immediate = predicate();
    if (immediate) return Promise.resolve(immediate);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => waiter.fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      const waiter: Waiter = {
        check: () => {
          const value = predicate();
          if (!value) return false;
          this.settle(waiter, timer);
          resolve(value);
          return true;
        },
        fail: (why) => {
          this.settle(waiter, timer);
          reject(new Error(`waiting for ${label}: ${why}`));
        },
      };
      this.waiting.add(waiter);
    });
  }

  /** Re-checks every pending wait; cheap when nothing is waiting. */
  check(): void {
    if (this.waiting.size === 0) return;
    for (const waiter of [...this.waiting]) waiter.check();
  }

  /** Checks one last time, then fails whatever is still pending. */
  finish(why: string): void {
    this.check();
    for (const waiter of [...this.waiting]) waiter.fail(why);
  }

  private settle(waiter: Waiter, timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.waiting.delete(waiter);
  }
}
