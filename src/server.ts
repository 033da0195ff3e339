import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import { CallSetupFactory, type OrgBehaviour, type OrgSource } from './bridge/call-setup.js';
import type { BridgeDeps } from './bridge/deps.js';
import { CallerLookups, type FetchCustomer } from './bridge/caller-lookups.js';
import { CallRecords, type CallRecordSink } from './bridge/call-records.js';
import type { CallControl } from './call/call-types.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { ConsoleHub } from './console/console-hub.js';
import { bridgeApp } from './http/app.js';
import { twilioAuthFrom } from './http/twilio-auth.js';
import { packageRoot } from './lib/package-root.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { Admission } from './ops/admission.js';
import { MAX_TWILIO_BUFFERED_BYTES } from './ops/bounded-twilio-port.js';
import { CallRegistry } from './ops/call-registry.js';
import { InProcessCallLedger, type CallLedger } from './ops/call-ledger.js';
import { StreamGate } from './ops/stream-gate.js';
import { combinedBacklog, type OrderBacklog } from './ops/drain.js';
import { Lifecycle } from './ops/lifecycle.js';
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
  /** Where call records go (the app's call-record route through the outbox); none: records are only logged. */
  records?: CallRecordSink;
  /** The app's customer lookup (returning callers); none: every caller is unknown. */
  fetchCustomer?: FetchCustomer;
  /** Defaults to a fresh registry with process metrics (one registry per server). */
  metrics?: Metrics;
  /** Unsent bytes to Twilio past which a call's stream is dropped (default 1 MiB). */
  maxTwilioBufferedBytes?: number;
  /** Default: in-process (per replica). */
  ledger?: CallLedger;
  /** Default: real time (see BridgeDeps.watchdogClock). */
  watchdogClock?: Clock;
}

export interface BridgeServer {
  app: FastifyInstance;
  deps: BridgeDeps;
}

const version = packageVersion();

/** The Fastify app with every route, not listening yet (the process entry point calls `listen`). */
export async function buildServer(input: ServerDeps): Promise<BridgeServer> {
  const clock = input.clock ?? systemClock;
  const { config, logger } = input;
  const auth = twilioAuthFrom(config);
  if (auth.authToken === undefined) {
    if (config.NODE_ENV === 'production') throw new Error('TWILIO_AUTH_TOKEN is required in production (Twilio signature validation)');
    logger.warn(
      'TWILIO_AUTH_TOKEN is not set: Twilio signature validation is OFF' +
        (auth.streamTokenSecret === undefined ? ' and so are stream tokens' : '') +
        '. Anyone who finds this URL can open model sessions on your OpenAI bill. Local development only.',
    );
  }
  const calls = new CallRegistry();
  const records = input.records && new CallRecords(input.records, logger);
  const callers = input.fetchCustomer && new CallerLookups(input.fetchCustomer, clock, logger);
  const ledger = input.ledger ?? new InProcessCallLedger(calls, clock);
  const deps: BridgeDeps = {
    config,
    logger,
    clock,
    startedAt: clock.now(),
    version,
    calls,
    prewarm: new PrewarmPool(clock, logger, input.prewarmTtlMs),
    orgs: input.orgs,
    setup: new CallSetupFactory({ config, clock, watchdogClock: input.watchdogClock ?? systemClock, logger, orgs: input.orgs, behaviour: input.behaviour, openLink: input.openLink, callers }),
    control: input.control,
    orders: records ? combinedBacklog(input.orders ? [input.orders, records] : [records]) : input.orders,
    records,
    callers,
    metrics: input.metrics ?? createMetrics(),
    lifecycle: new Lifecycle(),
    admission: new Admission({ calls: ledger, clock, maxCalls: config.MAX_CONCURRENT_CALLS }),
    ledger,
    streamGate: new StreamGate(clock, config.MAX_STREAMS_WAITING_FOR_START),
    watchdogClock: input.watchdogClock ?? systemClock,
    auth,
    maxTwilioBufferedBytes: input.maxTwilioBufferedBytes ?? MAX_TWILIO_BUFFERED_BYTES,
    console: config.CONSOLE_TOKEN === undefined ? undefined : new ConsoleHub(logger.child({ component: 'console' })),
  };
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, trustProxy: true });
  await app.register(bridgeApp, { deps });
  return { app, deps };
}

/** From the nearest package.json above this file. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(import.meta.url), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
