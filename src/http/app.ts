import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { BridgeDeps } from '../bridge/deps.js';
import { consoleRoutes } from '../console/console-routes.js';
import { websocketPreClose } from '../ops/websocket-pre-close.js';
import { healthRoutes } from './health.js';
import { MAX_FRAME_BYTES, mediaStreamRoutes } from './media-stream-route.js';
import { metricsRoutes } from './metrics-route.js';
import { twimlRoutes } from './twiml-route.js';

/** The bridge as one Fastify plugin: body parsing and WebSockets, then a plugin per concern. */
export async function bridgeApp(app: FastifyInstance, opts: { deps: BridgeDeps }): Promise<void> {
  const { deps } = opts;
  await app.register(formbody);
  await app.register(websocket, {
    options: {
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
      // ws need not check that text frames are UTF-8: every message on these sockets is either taken by
      // `TwilioMediaReader`, which accepts printable ASCII only, or goes through `frameText`, which refuses what is
      // not UTF-8 before `parseTwilioMessage` sees it (`acceptMediaStream`, the one handler of every stream route).
      skipUTF8Validation: true,
    },
    preClose: websocketPreClose({ calls: deps.calls, lifecycle: deps.lifecycle, logger: deps.logger }),
  });
  // Answered here, inside the WebSocket plugin's context, so that an upgrade on an unknown path has its socket
  // closed after the 404 (@fastify/websocket's onResponse hook); from the root context it stayed open for good.
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ message: `Route ${req.method}:${req.url} not found`, error: 'Not Found', statusCode: 404 }));
  await app.register(healthRoutes, opts);
  await app.register(metricsRoutes, opts);
  await app.register(twimlRoutes, opts);
  await app.register(mediaStreamRoutes, opts);
  // The operator console exists only with its token: without it /console/* is 404 and /ws/browser is never upgraded.
  const consoleToken = deps.config.CONSOLE_TOKEN;
  if (consoleToken !== undefined && deps.console) await app.register(consoleRoutes, { deps, hub: deps.console, token: consoleToken });
  app.addHook('onClose', async () => deps.prewarm.closeAll());
}
