import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppClient } from '../../src/main-app/app-client.js';
import { createOrderSubmitter } from '../../src/main-app/order-submitter.js';
import { Outbox } from '../../src/main-app/outbox.js';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { startMainApp, type MainAppStandIn } from '../../sim/main-app.js';
import { exampleSubmitBody } from '../unit/ordering/fixtures.js';

const src = (path: string) => new URL(`../../src/${path}`, import.meta.url).href;

/** A bridge process that submits one order while the app is failing, reports the outcome, then idles until killed. FOREGROUND_DELAY_MS sets the wait between its quick retries. */
const childScript = `
import { createAppClient } from '${src('main-app/app-client.ts')}';
import { createOrderSubmitter } from '${src('main-app/order-submitter.ts')}';
import { Outbox } from '${src('main-app/outbox.ts')}';
import { systemClock } from '${src('clock.ts')}';
import { createLogger } from '${src('logger.ts')}';
setInterval(() => {}, 1000); // stands in for the server keeping the process alive (systemClock timers are unref'd)
const logger = createLogger('silent');
const client = createAppClient({ baseUrl: process.env.APP_URL, logger });
const submitter = createOrderSubmitter({
  client, outbox: new Outbox(process.env.DIR, logger), clock: systemClock, logger,
  foregroundRetry: { maxAttempts: 2, baseDelayMs: Number(process.env.FOREGROUND_DELAY_MS), maxDelayMs: Number(process.env.FOREGROUND_DELAY_MS) },
  redeliveryRetry: { maxAttempts: Infinity, baseDelayMs: 600000, maxDelayMs: 600000 },
});
await submitter.start();
const outcome = await submitter.submit(JSON.parse(process.env.BODY));
process.stdout.write(JSON.stringify(outcome) + '\\n');
`;

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before reporting: ${err}`)));
  });
}

async function startApp() {
  const app = await startMainApp();
  cleanups.push(() => app.close());
  const dir = await mkdtemp(join(tmpdir(), 'outbox-kill-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return { app, dir };
}

function spawnBridge(appUrl: string, dir: string, foregroundDelayMs: number): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', childScript], {
    env: { ...process.env, APP_URL: appUrl, DIR: dir, BODY: JSON.stringify(exampleSubmitBody()), FOREGROUND_DELAY_MS: String(foregroundDelayMs) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => void child.kill('SIGKILL'));
  return child;
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe('outbox across a kill -9', () => {
  it('an order queued by a process that is then SIGKILLed is delivered exactly once by the next process', async () => {
    const { app, dir } = await startApp();
    app.failNextSubmits(1, '503');
    app.failNextSubmits(1, 'accept-then-drop');
    const child = spawnBridge(app.url, dir, 5);
    expect(JSON.parse(await firstLine(child))).toEqual({ kind: 'queued' });
    await killHard(child);
    expect((await readdir(dir)).filter((n) => n.endsWith('.order.json'))).toHaveLength(1);
    await expectDeliveredOnceAfterRestart(app, dir);
  });

  it('an order whose process is SIGKILLed during the quick retries (before any verdict) is on disk and delivered exactly once', async () => {
    const { app, dir } = await startApp();
    app.failNextSubmits(1, 'accept-then-drop');
    const child = spawnBridge(app.url, dir, 600_000);
    // The app has the order but its answer was lost; the process now waits before its next quick retry.
    await expect.poll(() => app.submitRequests().map((r) => r.status), { timeout: 10_000 }).toEqual(['dropped']);
    await killHard(child);
    expect((await readdir(dir)).filter((n) => n.endsWith('.order.json'))).toHaveLength(1);
    await expectDeliveredOnceAfterRestart(app, dir);
  });
});

async function expectDeliveredOnceAfterRestart(app: MainAppStandIn, dir: string): Promise<void> {
  const logger = createLogger('silent');
  const client = createAppClient({ baseUrl: app.url, logger });
  cleanups.push(() => client.close());
  const next = createOrderSubmitter({ client, outbox: new Outbox(dir, logger), clock: systemClock, logger });
  cleanups.push(() => next.stop());
  expect(await next.start()).toBe(1);
  await expect.poll(() => next.pendingCount()).toBe(0);
  expect(app.submitRequests().map((r) => r.status).slice(-2)).toEqual(['dropped', 409]);
  expect(app.orders()).toHaveLength(1);
  expect(app.orders()[0]!.idempotencyKey).toBe(exampleSubmitBody().idempotencyKey);
  expect((await readdir(dir)).filter((n) => n.endsWith('.order.json'))).toEqual([]);
}
