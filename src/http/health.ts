import type { FastifyInstance } from 'fastify';
import type { AppDeps } from './deps.js';

export function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/health', async () => ({
    status: 'ok' as const,
    uptimeSeconds: Math.round((deps.clock.now() - deps.startedAt) / 1000),
    activeCalls: deps.calls.size,
    version: deps.version,
    outbox: { pending: deps.orders?.pendingCount() ?? 0 },
  }));
}
