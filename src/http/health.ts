import type { FastifyInstance } from 'fastify';
import type { BridgeDeps } from '../bridge/deps.js';

/**
 * `/health`: liveness and a summary (stays 200 while draining, so a deploy health check never kills a draining
 * replica). `/ready`: 503 while draining, so a balancer stops sending new calls.
 */
export async function healthRoutes(app: FastifyInstance, { deps }: { deps: BridgeDeps }): Promise<void> {
  app.get('/health', async () => ({
    status: deps.lifecycle.draining ? ('draining' as const) : ('ok' as const),
    uptimeSeconds: Math.round((deps.clock.now() - deps.startedAt) / 1000),
    activeCalls: deps.calls.size,
    version: deps.version,
    outbox: { pending: deps.orders?.pendingCount() ?? 0 },
  }));
  app.get('/ready', async (_req, reply) => {
    if (deps.lifecycle.draining) return reply.code(503).send({ status: 'draining' });
    return { status: 'ready' };
  });
}
