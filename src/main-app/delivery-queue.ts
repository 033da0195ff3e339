import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Outbox, OutboxKind } from './outbox.js';
import { backoffDelay, type RandomSource, type RetryPolicy } from './retry-policy.js';

/**
 * Background delivery of one kind of outbox entry: retried with backoff until the app answers, replayed after a
 * restart, and settled on the app's answer (delivered: file removed; refused: set aside; dropped: removed, kept nowhere).
 */
export type Verdict<R> =
  | { kind: 'delivered'; result: R }
  | { kind: 'refused'; reason: string; result: R }
  /** The app does not take this kind at all (e.g. 404 for call records): nothing is kept. */
  | { kind: 'dropped'; reason: string }
  | { kind: 'retry'; reason: string };

export type FinalVerdict<R> = Exclude<Verdict<R>, { kind: 'retry' }>;

export interface DeliveryQueueOptions<B, R> {
  kind: OutboxKind<B>;
  outbox: Outbox;
  /** One attempt; must not throw (a throw counts as "retry"). */
  send(body: B, signal: AbortSignal): Promise<Verdict<R>>;
  clock: Clock;
  logger: Logger;
  random?: RandomSource;
  /** Backoff between attempts (maxAttempts is ignored: it retries until the app answers). */
  retry: RetryPolicy;
  /** Called once per entry the app answered for in the background. */
  onSettled?: (key: string, verdict: FinalVerdict<R>) => void;
}

export interface DeliveryQueue<B, R> {
  /** Prepares the outbox and starts delivering this kind's entries a previous process left. Returns how many. */
  start(skip?: (key: string) => boolean): Promise<number>;
  /** Durably stores an entry before anything is sent. Resolves false (and logs) when the disk fails. */
  store(body: B): Promise<boolean>;
  /** Takes an entry over for background delivery: at once (`immediately`) or after the first backoff. */
  enqueue(body: B, when: 'immediately' | 'after-backoff'): void;
  /** Removes a stored entry the app answered for in the foreground (accepted or refused: the caller was told). Never throws. */
  discard(body: B): Promise<void>;
  has(key: string): boolean;
  pendingCount(): number;
  /** Tries every pending entry once now; resolves with how many remain. */
  flush(): Promise<number>;
  /** Cancels timers and requests in progress; pending entries stay on disk for the next start. */
  stop(): void;
}

type Pending<B> = { body: B; queuedAt: string; attempts: number; timer?: TimerHandle; delivering?: Promise<void> };

export function createDeliveryQueue<B, R>(options: DeliveryQueueOptions<B, R>): DeliveryQueue<B, R> {
  const { kind, outbox, clock } = options;
  const random = options.random ?? Math.random;
  const log = options.logger.child({ component: 'delivery-queue', kind: kind.name });
  const pending = new Map<string, Pending<B>>();
  let stopped = false;
  let stopController = new AbortController();

  function schedule(key: string, entry: Pending<B>): void {
    clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    if (stopped) return;
    const delay = backoffDelay(options.retry, Math.max(1, entry.attempts), random);
    entry.timer = clock.setTimeout(() => void deliver(key), delay);
  }

  function deliver(key: string): Promise<void> {
    const entry = pending.get(key);
    if (!entry) return Promise.resolve();
    if (entry.delivering) return entry.delivering;
    clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.delivering = attempt(key, entry).finally(() => {
      entry.delivering = undefined;
    });
    return entry.delivering;
  }

  async function attempt(key: string, entry: Pending<B>): Promise<void> {
    entry.attempts++;
    const verdict = await options.send(entry.body, stopController.signal).catch((err: unknown): Verdict<R> => ({ kind: 'retry', reason: String(err) }));
    if (verdict.kind === 'retry') {
      log.warn({ key, attempts: entry.attempts, reason: verdict.reason }, 'outbox delivery failed; will retry');
      return schedule(key, entry);
    }
    try {
      await settleOnDisk(key, entry, verdict);
    } catch (err) {
      // The app has answered but the file could not be updated: retrying only yields a harmless duplicate answer.
      log.error({ key, err }, 'outbox update failed after the app answered; will retry');
      return schedule(key, entry);
    }
    pending.delete(key);
    options.onSettled?.(key, verdict);
  }

  async function settleOnDisk(key: string, entry: Pending<B>, verdict: FinalVerdict<R>): Promise<void> {
    if (verdict.kind === 'refused') {
      const kept = await outbox.setAside(kind, { key, body: entry.body, queuedAt: entry.queuedAt }, verdict.reason);
      log.error({ key, reason: verdict.reason, kept }, 'the app refused an outbox entry; set aside in refused/');
    } else {
      await outbox.remove(kind, key);
      if (verdict.kind === 'delivered') log.info({ key }, 'outbox entry delivered');
    }
  }

  return {
    async start(skip = () => false) {
      stopped = false;
      stopController = new AbortController();
      await outbox.init();
      const found = await outbox.list(kind);
      for (const { key, body, queuedAt } of found) {
        if (pending.has(key) || skip(key)) continue;
        pending.set(key, { body, queuedAt, attempts: 0 });
        void deliver(key);
      }
      if (found.length > 0) log.info({ count: found.length }, 'outbox replay started');
      return found.length;
    },

    async store(body) {
      try {
        await outbox.put(kind, body, clock.wallNow());
        return true;
      } catch (err) {
        log.error({ key: kind.keyOf(body), err }, 'outbox entry could not be stored');
        return false;
      }
    },

    enqueue(body, when) {
      const key = kind.keyOf(body);
      if (pending.has(key)) return;
      const entry: Pending<B> = { body, queuedAt: clock.wallNow().toISOString(), attempts: 0 };
      pending.set(key, entry);
      if (when === 'immediately') void deliver(key);
      else schedule(key, entry);
    },

    async discard(body) {
      const key = kind.keyOf(body);
      await outbox.remove(kind, key).catch((err: unknown) => log.error({ key, err }, 'outbox file could not be removed after the app answered; a restart replays it (a harmless duplicate)'));
    },

    has: (key) => pending.has(key),
    pendingCount: () => pending.size,

    async flush() {
      await Promise.allSettled([...pending.keys()].map((key) => deliver(key)));
      return pending.size;
    },

    stop() {
      stopped = true;
      stopController.abort();
      for (const entry of pending.values()) clock.clearTimeout(entry.timer);
    },
  };
}

/** An outbox kind that is only ever delivered in the background (call records, SMS): stored, then sent at once. */
export interface BackgroundSender<B> {
  /** Prepares the outbox and delivers the entries a previous process left. Returns how many were found. */
  start(): Promise<number>;
  /**
   * Stores the entry (fsync) and starts delivering it in the background; resolves once stored. Never throws:
   * 'in-memory' means the disk failed, so the entry is retried in this process only.
   */
  send(body: B): Promise<'stored' | 'in-memory'>;
  pendingCount(): number;
  /** For graceful shutdown: tries every pending entry once now. Returns how many remain. */
  flush(): Promise<number>;
  stop(): void;
}

export function backgroundSender<B, R>(queue: DeliveryQueue<B, R>): BackgroundSender<B> {
  return {
    start: () => queue.start(),
    async send(body) {
      const stored = await queue.store(body);
      queue.enqueue(body, 'immediately');
      return stored ? 'stored' : 'in-memory';
    },
    pendingCount: () => queue.pendingCount(),
    flush: () => queue.flush(),
    stop: () => queue.stop(),
  };
}
