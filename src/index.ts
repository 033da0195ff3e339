import dotenv from 'dotenv';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { CRASH_FLUSH_MS, EXIT_CODES, flushAfterCrash } from './ops/crash.js';
import { createDrainer } from './ops/drain.js';
import { buildServer } from './server.js';
import { createRuntime } from './wiring.js';

dotenv.config({ quiet: true });

/** After the drain budget, a stuck shutdown (a hung flush or close) still ends the process before Railway's SIGKILL. */
const HARD_EXIT_MARGIN_MS = 45_000;

let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(EXIT_CODES.failed);
  }
  throw err;
}

const logger = createLogger(config.LOG_LEVEL);
const runtime = await createRuntime(config, logger, systemClock);
const { app, deps } = await buildServer(runtime.serverDeps);
const drainTimeoutMs = config.DRAIN_TIMEOUT_SECONDS * 1000;
const drainer = createDrainer({
  app,
  calls: deps.calls,
  lifecycle: deps.lifecycle,
  clock: systemClock,
  logger,
  timeoutMs: drainTimeoutMs,
  orders: deps.orders,
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    logger.warn({ signal }, 'second signal: wrapping up live calls now');
    drainer.hurry();
    return;
  }
  stopping = true;
  logger.info({ signal }, 'shutting down');
  setTimeout(() => {
    logger.error('shutdown took too long; exiting');
    process.exit(EXIT_CODES.failed);
  }, drainTimeoutMs + HARD_EXIT_MARGIN_MS).unref();
  try {
    await drainer.drain();
    await runtime.stop();
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'shutdown failed');
    process.exit(EXIT_CODES.failed);
  }
  process.exit(EXIT_CODES.drained);
}

let crashing = false;
async function crash(): Promise<void> {
  if (crashing) return;
  crashing = true;
  setTimeout(() => process.exit(EXIT_CODES.crashed), CRASH_FLUSH_MS).unref();
  await flushAfterCrash({ calls: deps.calls, lifecycle: deps.lifecycle, orders: deps.orders, logger }).catch(() => undefined);
  process.exit(EXIT_CODES.crashed);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// A bug in one call must not cut every other call: log a stray rejection and carry on. After an uncaught exception
// the process state is suspect: a short flush, then a non-zero exit so the platform restarts it (see EXIT_CODES).
process.on('unhandledRejection', (reason) => logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection'));
process.on('uncaughtException', (err) => {
  logger.fatal({ err: err.message, stack: err.stack }, 'uncaught exception; ending calls, flushing briefly and exiting');
  void crash();
});

try {
  await app.listen({ port: config.PORT, host: config.HOST });
} catch (err) {
  logger.fatal({ err: (err as Error).message }, 'could not listen');
  process.exit(EXIT_CODES.failed);
}
