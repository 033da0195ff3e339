/**
 * An append-only list of events with promise-based waiting, so tests wait for a condition instead of sleeping.
 * Waiting uses real timers (never the injected clock): it bounds how long a test waits, it is not simulated time.
 */
interface Waiter<E> {
  match: (event: E) => boolean;
  resolve: (event: E) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class EventLog<E extends { type: string } | null> {
  readonly events: E[] = [];
  private readonly waiters = new Set<Waiter<E>>();
  private closedWith: Error | undefined;

  constructor(
    private readonly label: string,
    private readonly keep = true,
  ) {}

  push(event: E): void {
    if (this.keep) this.events.push(event);
    if (this.waiters.size === 0) return;
    for (const waiter of this.waiters) {
      if (waiter.match(event)) this.settle(waiter, () => waiter.resolve(event));
    }
  }

  /** Resolves with the first recorded or future event that matches; rejects on timeout or when the log closes. */
  waitFor(match: (event: E) => boolean, timeoutMs = 2000, what = 'a matching event'): Promise<E> {
    const found = this.events.find(match);
    if (found !== undefined) return Promise.resolve(found);
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise<E>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(waiter, () => reject(new Error(`${this.label}: timed out after ${timeoutMs} ms waiting for ${what}${this.recentTypes()}`)));
      }, timeoutMs);
      const waiter: Waiter<E> = { match, resolve, reject, timer };
      this.waiters.add(waiter);
    });
  }

  /** Rejects every pending waiter (the session ended) and makes later waits fail at once. */
  close(error: Error): void {
    this.closedWith = error;
    for (const waiter of this.waiters) this.settle(waiter, () => waiter.reject(error));
  }

  private settle(waiter: Waiter<E>, action: () => void): void {
    if (!this.waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    action();
  }

  private recentTypes(): string {
    if (!this.keep || this.events.length === 0) return '';
    const types = this.events.slice(-12).map((e) => (e === null ? 'null' : e.type));
    return ` (last: ${types.join(', ')})`;
  }
}
