import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { combinedBacklog, createDrainer, type DrainableCall } from '../../src/ops/drain.js';
import { Lifecycle } from '../../src/ops/lifecycle.js';

class FakeCall implements DrainableCall {
  shutDowns = 0;
  constructor(private readonly registry: FakeCalls) {}
  async shutDown(): Promise<void> {
    this.shutDowns++;
    this.registry.end(this);
  }
}

class FakeCalls {
  private readonly live = new Set<FakeCall>();
  private waiters: Array<() => void> = [];
  get size() {
    return this.live.size;
  }
  start(): FakeCall {
    const call = new FakeCall(this);
    this.live.add(call);
    return call;
  }
  end(call: FakeCall): void {
    this.live.delete(call);
    if (this.live.size === 0) for (const w of this.waiters.splice(0)) w();
  }
  all() {
    return [...this.live];
  }
  whenEmpty(): Promise<void> {
    return this.live.size === 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}

function setup(opts: { ordersLeft?: number; flushFails?: boolean } = {}) {
  const clock = new ManualClock();
  const calls = new FakeCalls();
  const lifecycle = new Lifecycle();
  const steps: string[] = [];
  const app = { close: async () => void steps.push('app.close') };
  const orders = {
    pendingCount: () => opts.ordersLeft ?? 0,
    flush: async () => {
      steps.push('flush');
      if (opts.flushFails) throw new Error('disk full');
      return opts.ordersLeft ?? 0;
    },
  };
  const drainer = createDrainer({ app, calls, lifecycle, clock, logger: createLogger('silent'), timeoutMs: 600_000, orders });
  return { clock, calls, lifecycle, steps, drainer };
}

/** Lets pending promise callbacks run (the drainer awaits between steps). */
const settle = () => new Promise((r) => setImmediate(r));

describe('createDrainer', () => {
  it('flags draining at once, waits for live calls to end on their own, then flushes orders and closes the server', async () => {
    const { calls, lifecycle, steps, drainer } = setup();
    const call = calls.start();
    const drained = drainer.drain();
    expect(lifecycle.draining).toBe(true);
    await settle();
    expect(steps).toEqual([]);
    calls.end(call);
    expect(await drained).toEqual({ callsAtStart: 1, wrappedUp: 0, ordersPending: 0 });
    expect(call.shutDowns).toBe(0);
    expect(steps).toEqual(['flush', 'app.close']);
  });

  it('wraps up the calls still alive at the deadline with the shutdown line, and not before', async () => {
    const { clock, calls, steps, drainer } = setup();
    const a = calls.start();
    const b = calls.start();
    const drained = drainer.drain();
    clock.advance(599_999);
    await settle();
    expect(a.shutDowns).toBe(0);
    clock.advance(1);
    expect(await drained).toEqual({ callsAtStart: 2, wrappedUp: 2, ordersPending: 0 });
    expect(a.shutDowns).toBe(1);
    expect(b.shutDowns).toBe(1);
    expect(steps).toEqual(['flush', 'app.close']);
  });

  it('hurry() wraps up at once (a second signal)', async () => {
    const { calls, drainer } = setup();
    const a = calls.start();
    const drained = drainer.drain();
    drainer.hurry();
    expect((await drained).wrappedUp).toBe(1);
    expect(a.shutDowns).toBe(1);
  });

  it('is idempotent: a second drain() returns the same run', async () => {
    const { drainer, steps } = setup();
    const first = drainer.drain();
    expect(drainer.drain()).toBe(first);
    await first;
    expect(steps).toEqual(['flush', 'app.close']);
  });

  it('reports orders left in the outbox, and still closes when the flush throws', async () => {
    expect((await setup({ ordersLeft: 2 }).drainer.drain()).ordersPending).toBe(2);
    const failing = setup({ ordersLeft: 3, flushFails: true });
    expect((await failing.drainer.drain()).ordersPending).toBe(3);
    expect(failing.steps).toEqual(['flush', 'app.close']);
  });
});

describe('combinedBacklog', () => {
  it('counts and flushes every outbox kind (orders and SMS alike)', async () => {
    const flushed: string[] = [];
    const kind = (name: string, pending: number, left: number) => ({ pendingCount: () => pending, flush: async () => (flushed.push(name), left) });
    const backlog = combinedBacklog([kind('orders', 2, 1), kind('sms', 3, 0)]);
    expect(backlog.pendingCount()).toBe(5);
    expect(await backlog.flush()).toBe(1);
    expect(flushed).toEqual(['orders', 'sms']);
  });
});
