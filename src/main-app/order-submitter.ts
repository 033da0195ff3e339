import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { AppClient, SubmitResult } from './app-client.js';
import { createDeliveryQueue, type Verdict } from './delivery-queue.js';
import type { Outbox, OutboxKind } from './outbox.js';
import { backoffDelay, canRetry, type RandomSource, type RetryPolicy } from './retry-policy.js';
import { sleep } from '../lib/timing.js';
import { parseSubmitOrderBody, type SubmitOrderBody } from './submit-order-body.js';

export type SubmitOutcome =
  | Extract<SubmitResult, { kind: 'accepted' | 'refused' }>
  /** Stored durably in the outbox; it will be delivered in the background with the same key. */
  | { kind: 'queued' }
  /** Neither delivered nor stored (the disk failed too): the caller must not be told it was received. */
  | { kind: 'failed'; reason: string };

export type AnsweredSubmit = Extract<SubmitResult, { kind: 'accepted' | 'refused' }>;

export interface OrderSubmitterOptions {
  client: Pick<AppClient, 'submitOrder'>;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  random?: RandomSource;
  /** Tries while the caller waits, before the order is left to background delivery. */
  foregroundRetry?: RetryPolicy;
  /** Backoff for background redelivery (maxAttempts is ignored: it retries until the app answers). */
  redeliveryRetry?: RetryPolicy;
  /** Called once per order delivered from the outbox (metrics, logs). */
  onDelivered?: (key: string, result: AnsweredSubmit) => void;
}

export interface OrderSubmitter {
  /** Prepares the outbox and starts delivering whatever a previous process left in it. Returns how many were found. */
  start(): Promise<number>;
  /**
   * Stores the order durably first, then delivers it, retrying briefly; if the app stays unreachable (or `signal`
   * aborts) the stored order is delivered in the background. Never throws.
   */
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

/** Orders in the outbox: `<idempotencyKey>.order.json`. */
export const orderKind: OutboxKind<SubmitOrderBody> = {
  name: 'order',
  parse: (body) => parseSubmitOrderBody(body),
  keyOf: (body) => body.idempotencyKey,
};

function verdictOf(result: SubmitResult): Verdict<AnsweredSubmit> {
  if (result.kind === 'retryable') return { kind: 'retry', reason: result.reason };
  return result.kind === 'accepted' ? { kind: 'delivered', result } : { kind: 'refused', reason: result.reason, result };
}

export function createOrderSubmitter(options: OrderSubmitterOptions): OrderSubmitter {
  const { client, clock } = options;
  const random = options.random ?? Math.random;
  const foregroundRetry = options.foregroundRetry ?? defaultForegroundRetry;
  const log = options.logger.child({ component: 'order-submitter' });
  const foreground = new Map<string, Promise<SubmitOutcome>>();
  const queue = createDeliveryQueue<SubmitOrderBody, AnsweredSubmit>({
    kind: orderKind,
    outbox: options.outbox,
    clock,
    logger: options.logger,
    random,
    retry: options.redeliveryRetry ?? defaultRedeliveryRetry,
    send: async (body, signal) => verdictOf(await client.submitOrder(body, signal)),
    onSettled: (key, verdict) => {
      if (verdict.kind !== 'dropped') options.onDelivered?.(key, verdict.result);
    },
  });

  /** Leaves the order to background delivery; it must be on disk first, or the caller hears "failed". */
  async function handOver(body: SubmitOrderBody, stored: boolean): Promise<SubmitOutcome> {
    if (!stored && !(await queue.store(body))) {
      log.error({ key: body.idempotencyKey }, 'order could not be delivered nor stored in the outbox');
      return { kind: 'failed', reason: 'the order could not be saved' };
    }
    queue.enqueue(body, 'after-backoff');
    log.warn({ key: body.idempotencyKey }, 'app unreachable; order left in the outbox for redelivery');
    return { kind: 'queued' };
  }

  async function submitInForeground(body: SubmitOrderBody, signal?: AbortSignal): Promise<SubmitOutcome> {
    // On disk before the first attempt: a process killed during the retries leaves it for the next start.
    const stored = await queue.store(body);
    for (let attempt = 1; ; attempt++) {
      const result = await client.submitOrder(body, signal);
      if (result.kind !== 'retryable') {
        if (stored) await queue.discard(body);
        return result;
      }
      log.warn({ key: body.idempotencyKey, attempt, reason: result.reason }, 'order submit failed');
      if (signal?.aborted || !canRetry(foregroundRetry, attempt)) break;
      if (!(await sleep(clock, backoffDelay(foregroundRetry, attempt, random), signal))) break;
    }
    return handOver(body, stored);
  }

  return {
    async start() {
      return queue.start((key) => foreground.has(key));
    },

    submit(body, signal) {
      const key = body.idempotencyKey;
      if (queue.has(key)) return Promise.resolve({ kind: 'queued' });
      const running = foreground.get(key);
      if (running) return running;
      const promise = submitInForeground(body, signal)
        .catch((err: unknown) => {
          log.error({ key, err }, 'order submit crashed');
          return handOver(body, false);
        })
        .finally(() => foreground.delete(key));
      foreground.set(key, promise);
      return promise;
    },

    pendingCount: () => queue.pendingCount(),

    async flush() {
      await Promise.allSettled([...foreground.values()]);
      return queue.flush();
    },

    stop: () => queue.stop(),
  };
}
