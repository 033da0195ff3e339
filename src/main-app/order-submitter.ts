import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import type { AppClient, SubmitResult } from './app-client.js';
import type { Outbox } from './outbox.js';
import { backoffDelay, canRetry, type RandomSource, type RetryPolicy } from './retry-policy.js';
import { sleep } from './sleep.js';
import type { SubmitOrderBody } from './submit-order-body.js';

export type SubmitOutcome =
  | Extract<SubmitResult, { kind: 'accepted' | 'refused' }>
  /** Stored durably in the outbox; it will be delivered in the background with the same key. */
  | { kind: 'queued' }
  /** Neither delivered nor stored (the disk failed too): the caller must not be told it was received. */
  | { kind: 'failed'; reason: string };

export interface OrderSubmitterOptions {
  client: Pick<AppClient, 'submitOrder'>;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  random?: RandomSource;
  /** Tries while the caller waits, before the order goes to the outbox. */
  foregroundRetry?: RetryPolicy;
  /** Backoff for background redelivery (maxAttempts is ignored: it retries until the app answers). */
  redeliveryRetry?: RetryPolicy;
  /** Called once per order delivered from the outbox (metrics, logs). */
  onDelivered?: (key: string, result: Extract<SubmitResult, { kind: 'accepted' | 'refused' }>) => void;
}

export interface OrderSubmitter {
  /** Prepares the outbox and starts delivering whatever a previous process left in it. Returns how many were found. */
  start(): Promise<number>;
  /** Delivers an order, retrying briefly; if the app stays unreachable (or `signal` aborts) the order goes to the outbox. Never throws. */
  submit(body: SubmitOrderBody, signal?: AbortSignal): Promise<SubmitOutcome>;
  /** Orders in the outbox not yet acknowledged by the app. */
  pendingCount(): number;
  /** For graceful shutdown: waits for submits in progress, then tries every pending order once now. Returns how many remain. */
  flush(): Promise<number>;
  /** Cancels timers and requests in progress; pending orders stay on disk for the next start. */
  stop(): void;
}

export const defaultForegroundRetry: RetryPolicy = { maxAttempts: 3, baseDelayMs: 300, maxDelayMs: 1_500 };
export const defaultRedeliveryRetry: RetryPolicy = { maxAttempts: Infinity, baseDelayMs: 2_000, maxDelayMs: 60_000 };

type Pending = { body: SubmitOrderBody; attempts: number; timer?: TimerHandle; delivering?: Promise<void> };

export function createOrderSubmitter(options: OrderSubmitterOptions): OrderSubmitter {
  const { client, outbox, clock } = options;
  const random = options.random ?? Math.random;
  const foregroundRetry = options.foregroundRetry ?? defaultForegroundRetry;
  const redeliveryRetry = options.redeliveryRetry ?? defaultRedeliveryRetry;
  const log = options.logger.child({ component: 'order-submitter' });
  const pending = new Map<string, Pending>();
  const foreground = new Map<string, Promise<SubmitOutcome>>();
  let stopped = false;
  let stopController = new AbortController();

  function schedule(key: string, entry: Pending): void {
    clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    if (stopped) return;
    const delay = backoffDelay(redeliveryRetry, Math.max(1, entry.attempts), random);
    entry.timer = clock.setTimeout(() => void deliver(key), delay);
  }

  function deliver(key: string): Promise<void> {
    const entry = pending.get(key);
    if (!entry) return Promise.resolve();
    if (entry.delivering) return entry.delivering;
    clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.delivering = attemptDelivery(key, entry).finally(() => {
      entry.delivering = undefined;
    });
    return entry.delivering;
  }

  async function attemptDelivery(key: string, entry: Pending): Promise<void> {
    entry.attempts++;
    const result = await client
      .submitOrder(entry.body, stopController.signal)
      .catch((err: unknown): SubmitResult => ({ kind: 'retryable', reason: String(err) }));
    try {
      if (result.kind === 'retryable') {
        log.warn({ key, attempts: entry.attempts, reason: result.reason }, 'outbox redelivery failed; will retry');
        schedule(key, entry);
        return;
      }
      if (result.kind === 'accepted') {
        await outbox.remove(key);
        log.info({ key, orderId: result.orderId, duplicate: result.duplicate }, 'outbox order delivered');
      } else {
        await outbox.markRefused(key, result.reason);
        log.error({ key, reason: result.reason }, 'app refused an order from the outbox; moved to refused/');
      }
      pending.delete(key);
      options.onDelivered?.(key, result);
    } catch (err) {
      // The app has the order but the file could not be removed: retrying only yields a harmless 409.
      log.error({ key, err }, 'outbox update failed after delivery; will retry');
      schedule(key, entry);
    }
  }

  async function enqueue(body: SubmitOrderBody): Promise<SubmitOutcome> {
    try {
      await outbox.put(body, clock.wallNow());
    } catch (err) {
      log.error({ key: body.idempotencyKey, err }, 'order could not be delivered nor stored in the outbox');
      return { kind: 'failed', reason: 'the order could not be saved' };
    }
    const entry: Pending = { body, attempts: 0 };
    pending.set(body.idempotencyKey, entry);
    log.warn({ key: body.idempotencyKey }, 'app unreachable; order stored in the outbox for redelivery');
    schedule(body.idempotencyKey, entry);
    return { kind: 'queued' };
  }

  async function submitInForeground(body: SubmitOrderBody, signal?: AbortSignal): Promise<SubmitOutcome> {
    for (let attempt = 1; ; attempt++) {
      const result = await client.submitOrder(body, signal);
      if (result.kind !== 'retryable') return result;
      log.warn({ key: body.idempotencyKey, attempt, reason: result.reason }, 'order submit failed');
      if (signal?.aborted || !canRetry(foregroundRetry, attempt)) break;
      if (!(await sleep(clock, backoffDelay(foregroundRetry, attempt, random), signal))) break;
    }
    return enqueue(body);
  }

  return {
    async start() {
      stopped = false;
      stopController = new AbortController();
      await outbox.init();
      const found = await outbox.list();
      for (const { key, body } of found) {
        if (pending.has(key) || foreground.has(key)) continue;
        pending.set(key, { body, attempts: 0 });
        void deliver(key);
      }
      if (found.length > 0) log.info({ count: found.length }, 'outbox replay started');
      return found.length;
    },

    submit(body, signal) {
      const key = body.idempotencyKey;
      if (pending.has(key)) return Promise.resolve({ kind: 'queued' });
      const running = foreground.get(key);
      if (running) return running;
      const promise = submitInForeground(body, signal)
        .catch((err: unknown) => {
          log.error({ key, err }, 'order submit crashed');
          return enqueue(body);
        })
        .finally(() => foreground.delete(key));
      foreground.set(key, promise);
      return promise;
    },

    pendingCount() {
      return pending.size;
    },

    async flush() {
      await Promise.allSettled([...foreground.values()]);
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
