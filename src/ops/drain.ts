/**
 * Graceful shutdown (SIGTERM on a redeploy, SIGINT locally): stop taking calls, let live calls finish for up to
 * DRAIN_TIMEOUT_SECONDS, then have each remaining call say a last line and hang up, flush confirmed orders, close.
 *
 * Budget: Railway's `drainingSeconds` (railway.json, 660) must cover DRAIN_TIMEOUT_SECONDS (600 by default) plus the
 * wrap-up (a goodbye of at most 10 s, then a REST hang-up), the order flush and closing the server: 60 s of margin.
 * Raise `drainingSeconds` with DRAIN_TIMEOUT_SECONDS.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Lifecycle } from './lifecycle.js';

/** Orders waiting for the main app (the durable outbox): shown in /health, flushed on shutdown. */
export interface OrderBacklog {
  pendingCount(): number;
  /** Tries every pending order once now; returns how many remain. */
  flush(): Promise<number>;
}

/** Several outbox kinds (orders, SMS…) as one backlog: /health counts them all and the shutdown flushes them all. */
export function combinedBacklog(backlogs: readonly OrderBacklog[]): OrderBacklog {
  return {
    pendingCount: () => backlogs.reduce((sum, b) => sum + b.pendingCount(), 0),
    async flush() {
      const left = await Promise.all(backlogs.map((b) => b.flush()));
      return left.reduce((sum, n) => sum + n, 0);
    },
  };
}

/** A live call as the drainer sees it (Call fits). */
export interface DrainableCall {
  /** Says a last line telling the caller what became of their order, then ends the call. */
  shutDown(): Promise<void>;
}

export interface DrainableCalls {
  readonly size: number;
  all(): DrainableCall[];
  whenEmpty(): Promise<void>;
}

export interface DrainerOptions {
  /** Closed last (Fastify: `app.close()`); the WebSocket preClose then only meets calls that already ended. */
  app: { close(): Promise<unknown> };
  calls: DrainableCalls;
  lifecycle: Lifecycle;
  clock: Clock;
  logger: Logger;
  timeoutMs: number;
  orders?: OrderBacklog | undefined;
}

export interface DrainResult {
  callsAtStart: number;
  /** Calls still alive at the deadline, wrapped up by the drainer. */
  wrappedUp: number;
  /** Orders still waiting for the main app after the flush (kept in the durable outbox). */
  ordersPending: number;
}

export interface Drainer {
  /** Starts draining (idempotent: every call returns the same promise). */
  drain(): Promise<DrainResult>;
  /** Skips the rest of the wait: wraps up the live calls now (a second signal). */
  hurry(): void;
}

export function createDrainer(opts: DrainerOptions): Drainer {
  const { clock, logger } = opts;
  let running: Promise<DrainResult> | undefined;
  let hurryUp: () => void = () => undefined;
  const deadline = new Promise<void>((resolve) => (hurryUp = resolve));

  async function waitForCalls(): Promise<void> {
    const timer = clock.setTimeout(hurryUp, opts.timeoutMs);
    try {
      await Promise.race([opts.calls.whenEmpty(), deadline]);
    } finally {
      clock.clearTimeout(timer);
    }
  }

  async function run(): Promise<DrainResult> {
    opts.lifecycle.beginDrain();
    const callsAtStart = opts.calls.size;
    logger.info({ liveCalls: callsAtStart, timeoutSeconds: opts.timeoutMs / 1000 }, 'draining: no new calls; waiting for live calls to end');
    await waitForCalls();
    const left = opts.calls.all();
    if (left.length > 0) {
      logger.warn({ liveCalls: left.length }, 'drain deadline reached; wrapping up the remaining calls');
      await Promise.allSettled(left.map((call) => call.shutDown()));
    }
    const ordersPending = await flushOrders(opts.orders, logger);
    await opts.app.close();
    logger.info({ callsAtStart, wrappedUp: left.length, ordersPending }, 'drained');
    return { callsAtStart, wrappedUp: left.length, ordersPending };
  }

  return {
    drain: () => (running ??= run()),
    hurry: () => hurryUp(),
  };
}

async function flushOrders(orders: OrderBacklog | undefined, logger: Logger): Promise<number> {
  if (!orders) return 0;
  try {
    const pending = await orders.flush();
    if (pending > 0) logger.warn({ pending }, 'orders still waiting for the main app; they stay in the outbox for the next start');
    return pending;
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'flushing the order outbox failed; orders stay in the outbox');
    return orders.pendingCount();
  }
}
