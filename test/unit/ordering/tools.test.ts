import type { RealtimeFunctionTool } from 'openai/resources/realtime/realtime';
import { describe, expect, it, vi } from 'vitest';
import type { SubmitOutcome } from '../../../src/main-app/order-submitter.js';
import type { SubmitOrderBody } from '../../../src/main-app/submit-order-body.js';
import { ManualClock } from '../../../src/clock.js';
import { createOrderingTools } from '../../../src/ordering/tools.js';
import { exampleOrg, exampleSubmitBody } from './fixtures.js';

const callSid = 'CA0123456789abcdef0123456789abcdef';

function setup(outcomes: (SubmitOutcome | ((body: SubmitOrderBody, signal?: AbortSignal) => Promise<SubmitOutcome>))[] = []) {
  const clock = new ManualClock();
  const submitted: SubmitOrderBody[] = [];
  const submit = vi.fn(async (body: SubmitOrderBody, signal?: AbortSignal): Promise<SubmitOutcome> => {
    submitted.push(body);
    const next = outcomes.shift() ?? { kind: 'accepted', orderId: `ord_${submitted.length}`, estimatedReadyMinutes: 20, duplicate: false };
    return typeof next === 'function' ? next(body, signal) : next;
  });
  const tools = createOrderingTools({ org: exampleOrg(), callSid, callerPhone: '+15551230000', submitter: { submit }, clock, submitTimeoutMs: 5_000 });
  const run = (name: string, args: unknown = {}, signal?: AbortSignal) => tools.run(name, typeof args === 'string' ? args : JSON.stringify(args), signal);
  return { tools, run, submit, submitted, clock };
}

const confirmedPickup = { customer_name: 'Ana', confirmed: true };

async function fillExampleCart(run: ReturnType<typeof setup>['run']) {
  expect((await run('add_item', { item: 'item_margherita', quantity: 2, options: ['opt_large', 'opt_mushroom'], notes: 'well done' })).ok).toBe(true);
  expect((await run('add_item', { item: 'Cola' })).ok).toBe(true);
}

describe('ordering tool definitions', () => {
  it('offers the ordering tools in the GA flat function shape', () => {
    const { tools } = setup();
    const asSessionTools: RealtimeFunctionTool[] = tools.definitions;
    expect(JSON.parse(JSON.stringify(asSessionTools))).toEqual(tools.definitions);
    expect(tools.definitions.map((d) => d.name)).toEqual(['add_item', 'update_item', 'remove_item', 'get_order', 'submit_order']);
    for (const d of tools.definitions) {
      expect(Object.keys(d).sort()).toEqual(['description', 'name', 'parameters', 'type']);
      expect(d).toMatchObject({ type: 'function', parameters: { type: 'object', additionalProperties: false } });
    }
  });

  it('limits submit_order to the fulfillment types the org offers', () => {
    const submit = setup().tools.definitions.find((d) => d.name === 'submit_order')!;
    const props = submit.parameters.properties as Record<string, { enum?: string[] }>;
    expect(props.fulfillment_type!.enum).toEqual(['pickup']);
    expect(props.delivery_address).toBeUndefined();
    expect(submit.parameters.required).toEqual(['customer_name', 'confirmed']);
  });
});

describe('ordering tools: cart', () => {
  it('adds an item and returns the line with bridge-computed prices', async () => {
    const { run } = setup();
    const r = await run('add_item', { item: 'margherita', quantity: '2', options: ['Large'] });
    expect(r).toMatchObject({
      ok: true,
      line: { line: 1, item_id: 'item_margherita', quantity: 2, options: ['Large'], unit_price_cents: 1800, line_total_cents: 3600 },
      order: { subtotal: '$36.00', subtotal_cents: 3600, currency: 'USD' },
    });
  });

  it('returns a structured, speakable rejection instead of throwing', async () => {
    const { run } = setup();
    expect(await run('add_item', { item: 'Pepperoni Pizza' })).toEqual({
      ok: false,
      error: 'item_unavailable',
      message: 'Pepperoni Pizza is not available right now. Offer instead: Margherita Pizza or Cola.',
      choices: ['Margherita Pizza', 'Cola'],
    });
  });

  it('answers bad arguments, unknown tools and broken JSON with a reason naming the problem', async () => {
    const { run } = setup();
    expect(await run('add_item', { quantity: 2 })).toMatchObject({ ok: false, error: 'invalid_arguments', message: expect.stringContaining('add_item: item:') });
    expect(await run('add_item', '{"item": "cola"')).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(await run('order_pizza', {})).toMatchObject({ ok: false, error: 'unknown_tool' });
  });

  it('updates and removes by line and reports the order', async () => {
    const { run } = setup();
    await fillExampleCart(run);
    expect(await run('update_item', { line: 2, quantity: 3 })).toMatchObject({ ok: true, line: { line: 2, quantity: 3, line_total_cents: 750 } });
    expect(await run('remove_item', { line: 1 })).toMatchObject({ ok: true, removed: { line: 1 }, order: { subtotal_cents: 750 } });
    expect(await run('remove_item', { line: 1 })).toMatchObject({ ok: false, error: 'unknown_line' });
    expect(await run('get_order')).toMatchObject({ ok: true, lines: [{ line: 2, name: 'Cola', quantity: 3 }], subtotal: '$7.50', fulfillment_options: ['pickup'] });
  });

  it('gives a compact text snapshot of the cart for a session restore', async () => {
    const { run, tools } = setup();
    expect(tools.cartSnapshot()).toBe('The current order is empty.');
    await fillExampleCart(run);
    expect(tools.cartSnapshot()).toBe(
      'Current order (not submitted yet): line 1: 2 × Margherita Pizza (Large, Mushrooms; note: well done), $39.00; line 2: 1 × Cola, $2.50. Subtotal $41.50.',
    );
  });

  it('submits nothing unless submit_order is called (a hang-up mid-order places no order)', async () => {
    const { run, submit, tools } = setup();
    await fillExampleCart(run);
    await run('get_order');
    expect(submit).not.toHaveBeenCalled();
    expect(tools.submittedOrder()).toBeUndefined();
  });
});

describe('ordering tools: submit_order', () => {
  it('refuses to submit before the caller confirmed', async () => {
    const { run, submit } = setup();
    await fillExampleCart(run);
    expect(await run('submit_order', { customer_name: 'Ana', confirmed: false })).toMatchObject({ ok: false, error: 'not_confirmed' });
    expect(await run('submit_order', { customer_name: 'Ana', fulfillment_type: 'delivery', confirmed: true })).toMatchObject({ ok: false, error: 'fulfillment_not_offered' });
    expect(submit).not.toHaveBeenCalled();
  });

  it('submits the contract body, priced by the bridge, and reports the order id and ready time', async () => {
    const { run, submitted, clock, tools } = setup();
    clock.advance(5 * 60_000);
    await fillExampleCart(run);
    const r = await run('submit_order', confirmedPickup);
    expect(r).toMatchObject({ ok: true, status: 'placed', order_id: 'ord_1', estimated_ready_minutes: 20, total: '$41.50' });
    expect(submitted).toEqual([exampleSubmitBody()]);
    expect(tools.submittedOrder()).toMatchObject({ idempotencyKey: `${callSid}:order:1`, outcome: { kind: 'accepted', orderId: 'ord_1' } });
  });

  it('returns the first result for a repeated submit_order on an unchanged cart, sequential or concurrent', async () => {
    const { run, submit } = setup();
    await fillExampleCart(run);
    const [a, b] = await Promise.all([run('submit_order', confirmedPickup), run('submit_order', confirmedPickup)]);
    const c = await run('submit_order', { ...confirmedPickup, customer_name: 'Ana Maria' });
    expect(submit).toHaveBeenCalledTimes(1);
    expect(a).toMatchObject({ status: 'placed', order_id: 'ord_1' });
    expect(b).toEqual(a);
    expect(c).toMatchObject({ status: 'placed', order_id: 'ord_1', already_submitted: true });
  });

  it('after an order is placed, a new item starts a separate order with the next key, and old lines cannot be edited', async () => {
    const { run, submitted } = setup();
    await fillExampleCart(run);
    await run('submit_order', confirmedPickup);
    expect(await run('update_item', { line: 2, quantity: 2 })).toMatchObject({ ok: false, error: 'order_already_placed' });
    expect(await run('add_item', { item: 'item_cola' })).toMatchObject({ ok: true, line: { line: 1 }, note: expect.stringContaining('order number ord_1') });
    expect(await run('submit_order', confirmedPickup)).toMatchObject({ status: 'placed', order_id: 'ord_2' });
    expect(submitted.map((b) => [b.idempotencyKey, b.subtotalCents])).toEqual([
      [`${callSid}:order:1`, 4150],
      [`${callSid}:order:2`, 250],
    ]);
  });

  it('explains a refusal and uses a new key for the changed order', async () => {
    const { run, submitted, tools } = setup([{ kind: 'refused', reason: 'Margherita is sold out' }]);
    await fillExampleCart(run);
    const r = await run('submit_order', confirmedPickup);
    expect(r).toMatchObject({ ok: false, error: 'order_refused', message: expect.stringContaining('Margherita is sold out') });
    expect(tools.submittedOrder()).toBeUndefined();
    await run('remove_item', { line: 1 });
    expect(await run('submit_order', confirmedPickup)).toMatchObject({ ok: true, status: 'placed' });
    expect(submitted.map((b) => b.idempotencyKey)).toEqual([`${callSid}:order:1`, `${callSid}:order:2`]);
  });

  it('tells the model "received" when the order went to the outbox', async () => {
    const { run, tools } = setup([{ kind: 'queued' }]);
    await fillExampleCart(run);
    expect(await run('submit_order', confirmedPickup)).toMatchObject({ ok: true, status: 'received', message: expect.stringContaining('will be confirmed') });
    expect(tools.submittedOrder()?.outcome).toEqual({ kind: 'queued' });
  });

  it('keeps the same key after a failure without a verdict, and does not claim success', async () => {
    const { run, submitted } = setup([{ kind: 'failed', reason: 'disk full' }, () => Promise.reject(new Error('boom'))]);
    await fillExampleCart(run);
    expect(await run('submit_order', confirmedPickup)).toMatchObject({ ok: false, error: 'order_not_placed', message: expect.stringContaining('can never be placed twice') });
    expect(await run('submit_order', confirmedPickup)).toMatchObject({ ok: false, error: 'order_not_placed' });
    expect(await run('submit_order', confirmedPickup)).toMatchObject({ ok: true, status: 'placed' });
    expect(submitted.map((b) => b.idempotencyKey)).toEqual([1, 1, 1].map((n) => `${callSid}:order:${n}`));
  });

  it('blocks cart changes while a submit is in flight', async () => {
    let release!: (o: SubmitOutcome) => void;
    const { run } = setup([() => new Promise((resolve) => (release = resolve))]);
    await fillExampleCart(run);
    const pending = run('submit_order', confirmedPickup);
    expect(await run('add_item', { item: 'item_cola' })).toMatchObject({ ok: false, error: 'order_being_submitted' });
    release({ kind: 'accepted', orderId: 'ord_9', duplicate: false });
    expect(await pending).toMatchObject({ status: 'placed', order_id: 'ord_9' });
  });

  it('bounds a slow submit: past submitTimeoutMs the submitter is aborted (and hands over to the outbox)', async () => {
    const untilAborted = (_b: SubmitOrderBody, signal?: AbortSignal) =>
      new Promise<SubmitOutcome>((resolve) => signal!.addEventListener('abort', () => resolve({ kind: 'queued' })));
    const { run, clock } = setup([untilAborted]);
    await fillExampleCart(run);
    const pending = run('submit_order', confirmedPickup);
    await vi.waitFor(() => expect(clock.pendingTimers()).toBe(1));
    clock.advance(5_000);
    expect(await pending).toMatchObject({ ok: true, status: 'received' });
  });

  it('passes the tool run’s abort signal to the submitter', async () => {
    const untilAborted = (_b: SubmitOrderBody, signal?: AbortSignal) =>
      new Promise<SubmitOutcome>((resolve) => signal!.addEventListener('abort', () => resolve({ kind: 'queued' })));
    const { run } = setup([untilAborted]);
    await fillExampleCart(run);
    const controller = new AbortController();
    const pending = run('submit_order', confirmedPickup, controller.signal);
    controller.abort();
    expect(await pending).toMatchObject({ status: 'received' });
  });
});
