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
import { startMainApp } from '../../sim/main-app.js';
import { exampleSubmitBody } from '../unit/ordering/fixtures.js';

const src = (path: string) => new URL(`../../src/${path}`, import.meta.url).href;

/** A bridge process that submits one order while the app is failing, reports the outcome, then idles until killed. */
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
  foregroundRetry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 5 },
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

describe('outbox across a kill -9', () => {
  it('an order queued by a process that is then SIGKILLed is delivered exactly once by the next process', async () => {
    const app = await startMainApp();
    cleanups.push(() => app.close());
    const dir = await mkdtemp(join(tmpdir(), 'outbox-kill-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    app.failNextSubmits(1, '503');
    app.failNextSubmits(1, 'accept-then-drop');

    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', childScript], {
      env: { ...process.env, APP_URL: app.url, DIR: dir, BODY: JSON.stringify(exampleSubmitBody()) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => void child.kill('SIGKILL'));
    expect(JSON.parse(await firstLine(child))).toEqual({ kind: 'queued' });
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect((await readdir(dir)).filter((n) => n.endsWith('.order.json'))).toHaveLength(1);

    const logger = createLogger('silent');
    const client = createAppClient({ baseUrl: app.url, logger });
    cleanups.push(() => client.close());
    const next = createOrderSubmitter({ client, outbox: new Outbox(dir, logger), clock: systemClock, logger });
    cleanups.push(() => next.stop());
    expect(await next.start()).toBe(1);
    await expect.poll(() => next.pendingCount()).toBe(0);
    expect(app.submitRequests().map((r) => r.status)).toEqual([503, 'dropped', 409]);
    expect(app.orders()).toHaveLength(1);
    expect((await readdir(dir)).filter((n) => n.endsWith('.order.json'))).toEqual([]);
  });
});
