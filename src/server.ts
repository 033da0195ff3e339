import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createRequire } from 'node:module';
import type { SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import { CallRegistry } from './call/call-registry.js';
import type { CallControl } from './call/call-session.js';
import { CallSetupFactory, type OrgBehaviour, type OrgSource } from './call/call-setup.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { healthRoutes } from './http/health.js';
import type { AppDeps, OrderBacklog } from './http/deps.js';
import { mediaStreamRoutes, MAX_FRAME_BYTES } from './http/media-stream-route.js';
import { twimlRoutes } from './http/twiml-route.js';
import type { Logger } from './logger.js';
import type { ModelLink } from './realtime/model-link.js';
import { PrewarmPool } from './realtime/prewarm-pool.js';

export interface ServerDeps {
  config: Config;
  logger: Logger;
  orgs: OrgSource;
  behaviour: OrgBehaviour;
  clock?: Clock;
  control?: CallControl;
  prewarmTtlMs?: number;
  openLink?: (sessionUpdate: SessionUpdateEvent, logger: Logger) => Promise<ModelLink>;
  /** Orders waiting for the main app (durable outbox): shown in /health, flushed on shutdown. */
  orders?: OrderBacklog;
}

export interface BridgeServer {
  app: FastifyInstance;
  deps: AppDeps;
}

const version: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** The Fastify app with every route, not listening yet (the process entry point calls `listen`). */
export async function buildServer(input: ServerDeps): Promise<BridgeServer> {
  const clock = input.clock ?? systemClock;
  const { config, logger } = input;
  const deps: AppDeps = {
    config,
    logger,
    clock,
    startedAt: clock.now(),
    version,
    calls: new CallRegistry(),
    prewarm: new PrewarmPool(clock, logger, input.prewarmTtlMs),
    orgs: input.orgs,
    setup: new CallSetupFactory({ config, clock, logger, orgs: input.orgs, behaviour: input.behaviour, openLink: input.openLink }),
    control: input.control,
    orders: input.orders,
  };
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, trustProxy: true });
  await app.register(formbody);
  await app.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false } });
  healthRoutes(app, deps);
  twimlRoutes(app, deps);
  mediaStreamRoutes(app, deps);
  app.addHook('onClose', async () => deps.prewarm.closeAll());
  return { app, deps };
}
