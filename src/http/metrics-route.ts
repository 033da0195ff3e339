import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BridgeDeps } from '../bridge/deps.js';

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

function hasBearer(req: FastifyRequest, token: string): boolean {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  // Hashing first gives equal lengths, so the comparison is constant-time whatever was sent.
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(header.slice('Bearer '.length)), digest(token));
}
