import type { FastifyInstance } from 'fastify';
import type { BridgeDeps } from '../bridge/deps.js';
import { hasBearer } from './bearer.js';

/** `GET /metrics` in Prometheus text format; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`. */
export async function metricsRoutes(app: FastifyInstance, { deps }: { deps: BridgeDeps }): Promise<void> {
  const token = deps.config.METRICS_TOKEN;
  app.get('/metrics', async (req, reply) => {
    if (token !== undefined && !hasBearer(req, token)) {
      return reply.code(401).header('www-authenticate', 'Bearer').type('text/plain').send('Unauthorized');
    }
    const { contentType, body } = await deps.metrics.render();
    return reply.type(contentType).send(body);
  });
}
