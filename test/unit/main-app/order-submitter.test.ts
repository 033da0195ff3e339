import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SubmitResult } from '../../../src/main-app/app-client.js';
import { createOrderSubmitter, type OrderSubmitter } from '../../../src/main-app/order-submitter.js';
import { Outbox } from '../../../src/main-app/outbox.js';
import type { SubmitOrderBody } from '../../../src/main-app/submit-order-body.js';
import { ManualClock } from '../../../src/clock.js';
import { createLogger } from '../../../src/logger.js';
import { driveUntil } from './drive-clock.js';
import { exampleSubmitBody } from '../ordering/fixtures.js';

type Step = 'down' | 'refuse' | 'accept-but-lose-reply' | 'ok';

/** An idempotent fake main app whose next answers are scripted. */
class FakeApp {
  readonly orders = new Map<string, string>();
  readonly script: Step[] = [];
  calls = 0;
  submitOrder = async (body: SubmitOrderBody): Promise<SubmitResult> => {
    this.calls++;
    const step = this.script.shift() ?? 'ok';
    if (step === 'down') return { kind: 'retryable', reason: 'HTTP 503' };
    const existing = this.orders.get(body.idempotencyKey);
    if (existing) return { kind: 'accepted', orderId: existing, duplicate: true };
    if (step === 'refuse') return { kind: 'refused', reason: 'closed' };
    const orderId = `ord_${this.orders.size + 1}`;
    this.orders.set(body.idempotencyKey, orderId);
    if (step === 'accept-but-lose-reply') return { kind: 'retryable', reason: 'socket hang up' };
    return { kind: 'accepted', orderId, estimatedReadyMinutes: 20, duplicate: false };
  };
}

const logger = createLogger('silent');
let dir: string;
let submitters: OrderSubmitter[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'submitter-'));
});
afterEach(async () => {
  submitters.forEach((s) => s.stop());
  submitters = [];
  await rm(dir, { recursive: true, force: true });
});

function makeSubmitter(app: FakeApp, clock = new ManualClock(), onDelivered = vi.fn(), outboxDir = dir) {
  const submitter = createOrderSubmitter({
    client: app,
    outbox: new Outbox(outboxDir, logger),
    clock,
    logger,
    random: () => 0.5,
    foregroundRetry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 400 },
    redeliveryRetry: { maxAttempts: Infinity, baseDelayMs: 1_000, maxDelayMs: 8_000 },
    onDelivered,
  });
  submitters.push(submitter);
  return { submitter, clock, onDelivered };
}

async function settle<T>(clock: ManualClock, promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.finally(() => (done = true));
  await driveUntil(clock, () => done);
  return promise;
}

const body = exampleSubmitBody();
const outboxFiles = async () => (await readdir(dir)).filter((n) => n.endsWith('.order.json'));

describe('order submitter', () => {
  it('returns the app’s acceptance and leaves nothing in the outbox', async () => {
    const app = new FakeApp();
    const { submitter } = makeSubmitter(app);
    await submitter.start();
    expect(await submitter.submit(body)).toEqual({ kind: 'accepted', orderId: 'ord_1', estimatedReadyMinutes: 20, duplicate: false });
    expect(await outboxFiles()).toEqual([]);
  });

  it('writes the order to the outbox before the first attempt, and removes it once the app has answered', async () => {
    const app = new FakeApp();
    const onDisk: string[][] = [];
    const submitOrder = app.submitOrder;
    app.submitOrder = async (b) => {
      onDisk.push(await outboxFiles());
      return submitOrder(b);
    };
    const { submitter } = makeSubmitter(app);
    await submitter.start();
    expect(await submitter.submit(body)).toMatchObject({ kind: 'accepted' });
    expect(onDisk).toEqual([['CA0123456789abcdef0123456789abcdef%3Aorder%3A1.order.json']]);
    expect(await outboxFiles()).toEqual([]);
  });

  it('a refusal while the caller waits is told to the caller and leaves nothing on disk', async () => {
    const app = new FakeApp();
    app.script.push('refuse');
    const { submitter } = makeSubmitter(app);
    await submitter.start();
    expect(await submitter.submit(body)).toEqual({ kind: 'refused', reason: 'closed' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('still delivers while the caller waits when the disk cannot store the order', async () => {
    const app = new FakeApp();
    const notADir = join(dir, 'file');
    await writeFile(notADir, 'x');
    const { submitter } = makeSubmitter(app, new ManualClock(), vi.fn(), join(notADir, 'outbox'));
    expect(await submitter.submit(body)).toMatchObject({ kind: 'accepted', orderId: 'ord_1' });
  });

  it('retries with backoff while the caller waits, then succeeds', async () => {
    const app = new FakeApp();
    app.script.push('down', 'down');
    const { submitter, clock } = makeSubmitter(app);
    await submitter.start();
    expect(await settle(clock, submitter.submit(body))).toMatchObject({ kind: 'accepted', orderId: 'ord_1' });
    expect(app.calls).toBe(3);
  });

  it('when the app stays down, stores the order durably, then redelivers it in the background exactly once', async () => {
    const app = new FakeApp();
    app.script.push('down', 'down', 'down', 'down', 'down');
    const { submitter, clock, onDelivered } = makeSubmitter(app);
    await submitter.start();
    expect(await settle(clock, submitter.submit(body))).toEqual({ kind: 'queued' });
    expect(await outboxFiles()).toHaveLength(1);
    expect(submitter.pendingCount()).toBe(1);
    await driveUntil(clock, () => submitter.pendingCount() === 0, 1_000);
    expect(app.orders.size).toBe(1);
    expect(app.calls).toBe(6);
    expect(onDelivered).toHaveBeenCalledWith(body.idempotencyKey, expect.objectContaining({ kind: 'accepted', orderId: 'ord_1' }));
    expect(await outboxFiles()).toEqual([]);
  });

  it('stops retrying as soon as the signal aborts and hands the order to the outbox', async () => {
    const app = new FakeApp();
    app.script.push('down');
    const { submitter } = makeSubmitter(app);
    await submitter.start();
    const controller = new AbortController();
    const outcome = submitter.submit(body, controller.signal);
    await vi.waitFor(() => expect(app.calls).toBe(1));
    controller.abort();
    expect(await outcome).toEqual({ kind: 'queued' });
    expect(await outboxFiles()).toHaveLength(1);
  });

  it('a new instance over the same directory (a restart) replays the outbox and the app ends with exactly one order', async () => {
    const app = new FakeApp();
    app.script.push('down', 'down', 'accept-but-lose-reply');
    const first = makeSubmitter(app);
    await first.submitter.start();
    expect(await settle(first.clock, first.submitter.submit(body))).toEqual({ kind: 'queued' });
    first.submitter.stop(); // the process dies; only the directory survives
    expect(app.orders.size).toBe(1);

    const second = makeSubmitter(app);
    expect(await second.submitter.start()).toBe(1);
    await vi.waitFor(() => expect(second.submitter.pendingCount()).toBe(0));
    expect(second.onDelivered).toHaveBeenCalledWith(body.idempotencyKey, { kind: 'accepted', orderId: 'ord_1', duplicate: true });
    expect(app.orders.size).toBe(1);
    expect(await outboxFiles()).toEqual([]);

    const third = makeSubmitter(app);
    expect(await third.submitter.start()).toBe(0);
  });

  it('answers "queued" for a key already waiting in the outbox without sending it again', async () => {
    const app = new FakeApp();
    app.script.push('down', 'down', 'down');
    const { submitter, clock } = makeSubmitter(app);
    await submitter.start();
    await settle(clock, submitter.submit(body));
    expect(await submitter.submit(body)).toEqual({ kind: 'queued' });
    expect(app.calls).toBe(3);
  });

  it('moves an order the app refuses during redelivery to refused/', async () => {
    const app = new FakeApp();
    app.script.push('down', 'down', 'down', 'refuse');
    const { submitter, clock, onDelivered } = makeSubmitter(app);
    await submitter.start();
    await settle(clock, submitter.submit(body));
    await driveUntil(clock, () => submitter.pendingCount() === 0, 1_000);
    expect(onDelivered).toHaveBeenCalledWith(body.idempotencyKey, { kind: 'refused', reason: 'closed' });
    expect(await readdir(join(dir, 'refused'))).toHaveLength(1);
    expect(app.orders.size).toBe(0);
  });

  it('flush tries every pending order now, without waiting for the backoff timer', async () => {
    const app = new FakeApp();
    app.script.push('down', 'down', 'down');
    const { submitter, clock } = makeSubmitter(app);
    await submitter.start();
    await settle(clock, submitter.submit(body));
    expect(await submitter.flush()).toBe(0);
    expect(app.orders.size).toBe(1);
  });

  it('flush leaves what the app still refuses to take on disk, and stop cancels the retry timers', async () => {
    const app = new FakeApp();
    app.script.push('down', 'down', 'down', 'down');
    const { submitter, clock } = makeSubmitter(app);
    await submitter.start();
    await settle(clock, submitter.submit(body));
    expect(await submitter.flush()).toBe(1);
    submitter.stop();
    expect(clock.pendingTimers()).toBe(0);
    expect(await outboxFiles()).toHaveLength(1);
  });

  it('reports "failed" (never "queued") when the order can neither be delivered nor stored', async () => {
    const app = new FakeApp();
    app.script.push('down', 'down', 'down');
    const notADir = join(dir, 'file');
    await writeFile(notADir, 'x');
    const { submitter, clock } = makeSubmitter(app, new ManualClock(), vi.fn(), join(notADir, 'outbox'));
    expect(await settle(clock, submitter.submit(body))).toMatchObject({ kind: 'failed' });
    expect(submitter.pendingCount()).toBe(0);
  });
});
