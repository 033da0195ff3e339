import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppClient, type AppClient } from '../../src/main-app/app-client.js';
import { createOrderSubmitter, type OrderSubmitter } from '../../src/main-app/order-submitter.js';
import { Outbox } from '../../src/main-app/outbox.js';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { createOrderingTools } from '../../src/ordering/tools.js';
import { startMainApp, type MainAppStandIn } from '../../sim/main-app.js';
import { exampleOrg, exampleSubmitBody } from '../unit/ordering/fixtures.js';

const logger = createLogger('silent');
const callSid = 'CA0123456789abcdef0123456789abcdef';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startApp(apiKey?: string): Promise<MainAppStandIn> {
  const app = await startMainApp({ apiKey });
  cleanups.push(() => app.close());
  return app;
}

async function outboxDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'outbox-it-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function makeClient(app: MainAppStandIn, apiKey?: string, submitTimeoutMs = 1_000): AppClient {
  const client = createAppClient({ baseUrl: app.url, apiKey, logger, submitTimeoutMs });
  cleanups.push(() => client.close());
  return client;
}

function makeSubmitter(client: AppClient, dir: string, redeliveryDelayMs = 10): OrderSubmitter {
  const submitter = createOrderSubmitter({
    client,
    outbox: new Outbox(dir, logger),
    clock: systemClock,
    logger,
    foregroundRetry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    redeliveryRetry: { maxAttempts: Infinity, baseDelayMs: redeliveryDelayMs, maxDelayMs: redeliveryDelayMs * 5 },
  });
  cleanups.push(() => submitter.stop());
  return submitter;
}

async function setup(opts: { apiKey?: string; submitTimeoutMs?: number; toolTimeoutMs?: number } = {}) {
  const app = await startApp(opts.apiKey);
  const dir = await outboxDir();
  const client = makeClient(app, opts.apiKey, opts.submitTimeoutMs);
  const submitter = makeSubmitter(client, dir);
  await submitter.start();
  const tools = createOrderingTools({
    org: exampleOrg(),
    callSid,
    callerPhone: '+15551230000',
    submitter,
    clock: systemClock,
    logger,
    submitTimeoutMs: opts.toolTimeoutMs ?? 5_000,
  });
  const run = (name: string, args: unknown = {}) => tools.run(name, JSON.stringify(args));
  return { app, dir, client, submitter, tools, run };
}

async function orderExampleCart(run: (name: string, args?: unknown) => Promise<unknown>) {
  expect(await run('add_item', { item: 'Margherita Pizza', quantity: 2, options: ['Large', 'Mushrooms'], notes: 'well done' })).toMatchObject({ ok: true });
  expect(await run('add_item', { item: 'item_cola' })).toMatchObject({ ok: true });
  return run('submit_order', { customer_name: 'Ana', confirmed: true });
}

describe('submitting orders to the main-app stand-in', () => {
  it('places one order with the contract body, the right prices and both headers', async () => {
    const { app, run } = await setup({ apiKey: 'k-123' });
    expect(await orderExampleCart(run)).toMatchObject({ ok: true, status: 'placed', order_id: 'ord_1', estimated_ready_minutes: 20 });
    const [order] = app.orders();
    const { placedAt: _placedAt, ...expected } = exampleSubmitBody();
    expect(order!.body).toMatchObject(expected);
    expect(app.orders()).toHaveLength(1);
    expect(app.submitRequests()).toEqual([{ idempotencyKey: `${callSid}:order:1`, authorization: 'Bearer k-123', status: 201 }]);
  });

  it('a repeated submit_order in the call creates no second order', async () => {
    const { app, run } = await setup();
    const first = await orderExampleCart(run);
    const second = await run('submit_order', { customer_name: 'Ana', confirmed: true });
    expect(second).toMatchObject({ status: 'placed', order_id: (first as { order_id: string }).order_id, already_submitted: true });
    expect(app.orders()).toHaveLength(1);
    expect(app.submitRequests()).toHaveLength(1);
  });

  it('treats 409 as success with the first order id', async () => {
    const { app, client } = await setup();
    const body = exampleSubmitBody();
    expect(await client.submitOrder(body)).toEqual({ kind: 'accepted', orderId: 'ord_1', estimatedReadyMinutes: 20, duplicate: false });
    expect(await client.submitOrder(body)).toEqual({ kind: 'accepted', orderId: 'ord_1', duplicate: true });
    expect(app.orders()).toHaveLength(1);
  });

  it('explains a 422 refusal to the model and places nothing', async () => {
    const { app, run, submitter } = await setup();
    app.refuseNextSubmits(1, 'We are closed for the night');
    expect(await orderExampleCart(run)).toMatchObject({ ok: false, error: 'order_refused', message: expect.stringContaining('We are closed for the night') });
    expect(app.orders()).toEqual([]);
    expect(submitter.pendingCount()).toBe(0);
  });

  it('retries through a few 503s and still places exactly one order', async () => {
    const { app, run } = await setup();
    app.failNextSubmits(2, '503');
    expect(await orderExampleCart(run)).toMatchObject({ status: 'placed', order_id: 'ord_1' });
    expect(app.submitRequests().map((r) => r.status)).toEqual([503, 503, 201]);
    expect(app.orders()).toHaveLength(1);
  });

  it('a reply lost after the app recorded the order is retried with the same key and ends as one order (409)', async () => {
    const { app, run } = await setup();
    app.failNextSubmits(1, 'accept-then-drop');
    expect(await orderExampleCart(run)).toMatchObject({ status: 'placed', order_id: 'ord_1' });
    expect(app.submitRequests().map((r) => r.status)).toEqual(['dropped', 409]);
    expect(app.orders()).toHaveLength(1);
  });

  it('when the app is down for a while, the caller hears "received" and the outbox delivers exactly one order', async () => {
    const { app, run, submitter, dir } = await setup();
    app.failNextSubmits(3, '503');
    app.failNextSubmits(2, 'drop');
    expect(await orderExampleCart(run)).toMatchObject({ ok: true, status: 'received' });
    expect(submitter.pendingCount()).toBe(1);
    const orders = await app.waitForOrders(1);
    await expect.poll(() => submitter.pendingCount()).toBe(0);
    expect(orders[0]!.idempotencyKey).toBe(`${callSid}:order:1`);
    expect(app.orders()).toHaveLength(1);
    expect((await readdir(dir)).filter((n) => n.endsWith('.json'))).toEqual([]);
  });

  it('a hanging app: the time-bounded submit_order hands the order to the outbox, which delivers it once', async () => {
    const { app, run, submitter } = await setup({ submitTimeoutMs: 5_000, toolTimeoutMs: 150 });
    app.failNextSubmits(1, 'hang');
    expect(await orderExampleCart(run)).toMatchObject({ status: 'received' });
    await app.waitForOrders(1);
    await expect.poll(() => submitter.pendingCount()).toBe(0);
    expect(app.orders()).toHaveLength(1);
  });

  it('after a crash, a new submitter over the same outbox replays and the app ends with exactly one order', async () => {
    const app = await startApp();
    const dir = await outboxDir();
    const client = makeClient(app);
    // Its background redelivery would only run after the "crash" below.
    const crashed = makeSubmitter(client, dir, 600_000);
    await crashed.start();
    app.failNextSubmits(2, '503');
    app.failNextSubmits(1, 'accept-then-drop');
    expect(await crashed.submit(exampleSubmitBody())).toEqual({ kind: 'queued' });
    crashed.stop();
    expect(app.orders()).toHaveLength(1);

    const restarted = makeSubmitter(client, dir);
    expect(await restarted.start()).toBe(1);
    await expect.poll(() => restarted.pendingCount()).toBe(0);
    expect(app.submitRequests().map((r) => r.status)).toEqual([503, 503, 'dropped', 409]);
    expect(app.orders()).toHaveLength(1);
  });
});
