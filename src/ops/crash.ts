import type { EndReason } from '../call/call-types.js';
import type { Logger } from '../logger.js';
import type { OrderBacklog } from './drain.js';
import type { Lifecycle } from './lifecycle.js';

/**
 * How the process ends, for whoever restarts it (Railway restarts on failure only):
 * - 0: drained after SIGTERM or SIGINT;
 * - 1: bad configuration, could not listen, or a shutdown that failed or took too long;
 * - 70: crashed (an uncaught exception), after a short, bounded flush.
 */
export const EXIT_CODES = { drained: 0, failed: 1, crashed: 70 } as const;

/** How long a crashing process may spend on its callers and its outbox before it exits anyway. */
export const CRASH_FLUSH_MS = 5000;

export interface CrashFlushOptions {
  calls: { all(): Array<{ end(reason: EndReason, opts: { apology: boolean }): Promise<void> }> };
  lifecycle: Lifecycle;
  orders?: OrderBacklog | undefined;
  logger: Logger;
}

/**
 * After an uncaught exception the process state is suspect: stop taking calls, end the live ones with a spoken
 * apology (so no caller sits in dead air until Twilio notices), try the outbox once, and let the caller exit
 * non-zero. Orders the caller was told about are already on disk: the next start delivers them.
 */
export async function flushAfterCrash(opts: CrashFlushOptions): Promise<void> {
  opts.lifecycle.beginDrain();
  const live = opts.calls.all();
  await Promise.allSettled(live.map((call) => call.end('shutdown', { apology: true })));
  const pending = await opts.orders?.flush().catch(() => opts.orders?.pendingCount());
  opts.logger.error({ callsEnded: live.length, ordersPending: pending ?? 0 }, 'crash flush done; exiting');
}
