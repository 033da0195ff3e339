import type { FastifyInstance } from 'fastify';
import type { EndReason } from '../call/call-types.js';
import type { Logger } from '../logger.js';
import type { Lifecycle } from './lifecycle.js';

/** A live call that can be ended at once (CallSession fits). */
export interface EndableCall {
  end(reason: EndReason): Promise<void>;
}

export interface PreCloseDeps {
  calls: { all(): EndableCall[] };
  lifecycle: Lifecycle;
  logger: Logger;
}

/**
 * Replaces @fastify/websocket's default preClose, which closes every socket at once and so cuts live calls mid-word.
 * Normally the drainer has already ended every call when the server closes; whatever is still live here (a close
 * without a drain) is hung up properly (REST, then the stream), and only then are the leftover sockets closed.
 */
export function websocketPreClose(deps: PreCloseDeps): (this: FastifyInstance) => Promise<void> {
  return async function preClose(this: FastifyInstance): Promise<void> {
    deps.lifecycle.beginDrain();
    const live = deps.calls.all();
    if (live.length > 0) deps.logger.warn({ liveCalls: live.length }, 'server closing without a drain; ending live calls now');
    await Promise.allSettled(live.map((call) => call.end('shutdown')));
    for (const client of this.websocketServer.clients) client.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.websocketServer.close(() => resolve()));
  };
}
