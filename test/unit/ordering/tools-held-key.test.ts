import { describe, expect, it } from 'vitest';
import type { SubmitOutcome } from '../../../src/main-app/order-submitter.js';
import type { SubmitOrderBody } from '../../../src/main-app/submit-order-body.js';
import { ManualClock } from '../../../src/clock.js';
import { createOrderingTools } from '../../../src/ordering/tools.js';
import { exampleOrg } from './fixtures.js';

const callSid = 'CA0123456789abcdef0123456789abcdef';
const key = (n: number) => `${callSid}:order:${n}`;
const confirmedPickup = { customer_name: 'Ana', confirmed: true };

/** An idempotent app behind the submitter: a failed outcome may still have reached it (`reached`). */
function setup(script: ('failed-but-reached' | 'failed' | 'refused' | 'ok')[]) {
  const app = new Map<string, string>();
  const submitted: SubmitOrderBody[] = [];
  const submit = async (body: SubmitOrderBody): Promise<SubmitOutcome> => {
    submitted.push(body);
    const step = script.shift() ?? 'ok';
    if (step === 'failed') return { kind: 'failed', reason: 'disk full' };
    const existing = app.get(body.idempotencyKey);
    if (existing) return { kind: 'accepted', orderId: existing, duplicate: true };
    if (step === 'refused') return { kind: 'refused', reason: 'Margherita is sold out' };
    app.set(body.idempotencyKey, `ord_${app.size + 1}`);
    if (step === 'failed-but-reached') return { kind: 'failed', reason: 'disk full' };
    return { kind: 'accepted', orderId: app.get(body.idempotencyKey)!, duplicate: false };
  };
  const tools = createOrderingTools({ org: exampleOrg(), callSid, callerPhone: '+15551230000', submitter: { submit }, clock: new ManualClock() });
  const run = (name: string, args: unknown = {}) => tools.run(name, JSON.stringify(args));
  return { app, submitted, tools, run };
}

async function fillCart(run: ReturnType<typeof setup>['run']) {
  await run('add_item', { item: 'item_margherita', quantity: 2, options: ['opt_large'] });
  await run('add_item', { item: 'item_cola' });
}

describe('submit_order after a failed submit whose attempt may have reached the app', () => {
  it('a cart edited after the failure never becomes a second order: the earlier body is re-sent under its key first', async () => {
    const { app, submitted, tools, run } = setup(['failed-but-reached']);
    await fillCart(run);
    expect(await run('submit_order', confirmedPickup)).toMatchObject({ ok: false, error: 'order_not_placed' });
    const edit = await run('add_item', { item: 'item_cola' });
    expect(edit).toMatchObject({ ok: true, note: expect.stringContaining('re-sends that earlier order exactly as it was') });
    const result = await run('submit_order', confirmedPickup);
    expect(result).toMatchObject({ ok: true, status: 'placed', order_id: 'ord_1', earlier_order_went_through: true, message: expect.stringContaining('were NOT sent') });
    expect(submitted.map((b) => b.idempotencyKey)).toEqual([key(1), key(1)]);
    expect(submitted[1]).toEqual(submitted[0]);
    expect(app.size).toBe(1);
    // The cart is back to what was placed; a further item starts a new, separate order.
    expect(tools.cart().lines.map((l) => [l.itemId, l.quantity])).toEqual([['item_margherita', 2], ['item_cola', 1]]);
    expect(await run('add_item', { item: 'item_cola' })).toMatchObject({ ok: true, note: expect.stringContaining('new, separate order') });
    expect(await run('submit_order', confirmedPickup)).toMatchObject({ status: 'placed', order_id: 'ord_2' });
    expect(submitted.at(-1)).toMatchObject({ idempotencyKey: key(2), subtotalCents: 250 });
  });

  it('when the earlier body was refused, the edited cart goes as a new order under a new key', async () => {
    const { app, submitted, run } = setup(['failed', 'refused']);
    await fillCart(run);
    await run('submit_order', confirmedPickup);
    await run('remove_item', { line: 1 });
    expect(await run('submit_order', confirmedPickup)).toMatchObject({ ok: true, status: 'placed', order_id: 'ord_1' });
    expect(submitted.map((b) => [b.idempotencyKey, b.subtotalCents])).toEqual([
      [key(1), 3850],
      [key(1), 3850],
      [key(2), 250],
    ]);
    expect([...app.keys()]).toEqual([key(2)]);
  });

  it('while the earlier body still gets no answer, nothing new is sent', async () => {
    const { submitted, run } = setup(['failed', 'failed']);
    await fillCart(run);
    await run('submit_order', confirmedPickup);
    await run('add_item', { item: 'item_cola' });
    expect(await run('submit_order', confirmedPickup)).toMatchObject({ ok: false, error: 'order_not_placed', message: expect.stringContaining('nothing new was sent') });
    expect(submitted.map((b) => [b.idempotencyKey, b.subtotalCents])).toEqual([
      [key(1), 3850],
      [key(1), 3850],
    ]);
  });

  it('an unchanged cart is simply placed under the held key', async () => {
    const { app, run } = setup(['failed-but-reached']);
    await fillCart(run);
    await run('submit_order', confirmedPickup);
    const result = await run('submit_order', confirmedPickup);
    expect(result).toMatchObject({ ok: true, status: 'placed', order_id: 'ord_1' });
    expect(result).not.toHaveProperty('earlier_order_went_through');
    expect(app.size).toBe(1);
  });
});
