import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { packageRoot } from '../lib/package-root.js';

/** The page's files in `public/console/`, by the path they are served at. */
export const PAGE_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/console': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console/browser-call.js': { file: 'browser-call.js', type: 'text/javascript; charset=utf-8' },
  '/console/audio-worklet.js': { file: 'audio-worklet.js', type: 'text/javascript; charset=utf-8' },
  '/console/audio-dsp.js': { file: 'audio-dsp.js', type: 'text/javascript; charset=utf-8' },
};

/** Scripts and connections only from this server; styles inline in the page. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/**
 * `GET /console` and its scripts: static files read once at start-up (no secret in them; the page asks for the
 * token and trades it for the session cookie). No path comes from the request, so nothing else can be read.
 */
export async function consolePage(app: FastifyInstance): Promise<void> {
  const dir = join(packageRoot(import.meta.url), 'public', 'console');
  for (const [path, { file, type }] of Object.entries(PAGE_FILES)) {
    const body = readFileSync(join(dir, file));
    app.get(path, (_req, reply) => reply.type(type).headers(PAGE_HEADERS).send(body));
  }
}
