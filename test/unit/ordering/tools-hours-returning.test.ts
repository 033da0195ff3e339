import { describe, expect, it, vi } from 'vitest';
import type { Customer } from '../../../src/main-app/customer.js';
import type { SubmitOutcome } from '../../../src/main-app/order-submitter.js';
import type { OrgConfig } from '../../../src/main-app/org-config.js';
import { ManualClock } from '../../../src/clock.js';
import { defaultCartLimits } from '../../../src/ordering/cart.js';
import { buildToolDefinitions } from '../../../src/ordering/tool-definitions.js';
import { createOrderingTools } from '../../../src/ordering/tools.js';
import { loadContractExample } from '../../../sim/main-app.js';
import { exampleOrg, fullExampleOrg } from './fixtures.js';

const bella = fullExampleOrg;

const ana = (patch: Partial<Customer> = {}): Customer => ({ ...(structuredClone(loadContractExample('customer.example.json')) as Customer), ...patch });

function setup(org: OrgConfig, wallStart: string, opts: { outcome?: SubmitOutcome; customer?: Customer | null } = {}) {
  const submit = vi.fn(async (): Promise<SubmitOutcome> => opts.outcome ?? { kind: 'accepted', orderId: 'ord_1', estimatedReadyMinutes: 25, duplicate: false });
  const clock = new ManualClock(new Date(wallStart));
  const tools = createOrderingTools({ org, callSid: 'CA1', callerPhone: '+15551230000', customer: opts.customer, submitter: { submit }, clock });
  const run = (name: string, args: unknown = {}) => tools.run(name, JSON.stringify(args));
  return { tools, run, submit, clock };
}

const pickup = { customer_name: 'Ana', fulfillment_type: 'pickup', confirmed: true };
const monday18h03 = '2026-12-08T00:03:00Z';
const sunday12h = '2026-12-06T18:00:00Z';

describe('submit_order and opening hours', () => {
  it('refuses an order while the business is closed, with a speakable reason, and sends nothing', async () => {
    const { run, submit } = setup(bella(), sunday12h);
    await run('add_item', { item: 'item_cola' });
    const result = await run('submit_order', pickup);
    expect(result).toEqual({
      ok: false,
      error: 'closed_now',
      message:
        'Bella Cucina is closed now, so this order cannot be placed and nothing was sent to the restaurant. Closed today; opens tomorrow at 11:00 AM. Today\'s hours: Sunday: closed. Tell the caller and invite them to call back when the restaurant is open.',
    });
    expect(submit).not.toHaveBeenCalled();
  });

  it('judges at submit time, on the injected clock: open one minute before closing, refused at closing', async () => {
    const { run, submit, clock } = setup(bella(), '2026-12-08T03:59:00Z'); // Monday 21:59; closes at 22:00
    await run('add_item', { item: 'item_cola' });
    clock.advance(60_000);
    expect(await run('submit_order', pickup)).toMatchObject({ ok: false, error: 'closed_now', message: expect.stringContaining('opens tomorrow at 11:00 AM') });
    expect(submit).not.toHaveBeenCalled();
    const earlier = setup(bella(), '2026-12-08T03:59:00Z');
    await earlier.run('add_item', { item: 'item_cola' });
    expect(await earlier.run('submit_order', pickup)).toMatchObject({ ok: true, status: 'placed' });
  });

  it('an org without hours is not judged: orders go through at any hour', async () => {
    const { run, submit } = setup(exampleOrg(), '2026-12-08T09:00:00Z');
    await run('add_item', { item: 'item_cola' });
    expect(await run('submit_order', { customer_name: 'Ana', confirmed: true })).toMatchObject({ ok: true });
    expect(submit).toHaveBeenCalledTimes(1);
  });
});

describe('ready times', () => {
  it('get_order quotes the lead-time ready time for each fulfillment before submitting', async () => {
    const { run } = setup(bella(), monday18h03);
    await run('add_item', { item: 'item_cola' });
    expect(await run('get_order')).toMatchObject({ ready_time_estimate: { pickup: 'about 20 minutes, around 6:25 PM', delivery: 'about 45 minutes, around 6:50 PM' } });
  });

  it('once the app answers, its estimatedReadyMinutes wins over the lead time', async () => {
    const { run } = setup(bella(), monday18h03);
    await run('add_item', { item: 'item_cola' });
    expect(await run('submit_order', pickup)).toMatchObject({ estimated_ready_minutes: 25, ready_time: 'about 25 minutes, around 6:30 PM', message: expect.stringContaining('ready in about 25 minutes') });
  });

  it('without the app’s minutes, the lead-time quote is given; an org without lead minutes quotes nothing', async () => {
    const { run } = setup(bella(), monday18h03, { outcome: { kind: 'accepted', orderId: 'ord_1', duplicate: false } });
    await run('add_item', { item: 'item_cola' });
    expect(await run('submit_order', pickup)).toMatchObject({ ready_time: 'about 20 minutes, around 6:25 PM' });
    const plain = setup(exampleOrg(), monday18h03);
    await plain.run('add_item', { item: 'item_cola' });
    expect(await plain.run('get_order')).not.toHaveProperty('ready_time_estimate');
  });
});

describe('add_last_order (returning callers)', () => {
  it('is offered only for a known caller with a previous order (or when asked for, for a stable per-org tool list)', () => {
    const names = (customer?: Customer | null) => setup(exampleOrg(), monday18h03, { customer }).tools.definitions.map((d) => d.name);
    expect(names(ana())).toEqual(['add_item', 'update_item', 'remove_item', 'get_order', 'add_last_order', 'submit_order']);
    expect(names(null)).not.toContain('add_last_order');
    expect(names(ana({ lastOrder: null }))).not.toContain('add_last_order');
    expect(buildToolDefinitions(exampleOrg(), defaultCartLimits, { lastOrder: true }).map((d) => d.name)).toContain('add_last_order');
  });

  it('adds the known caller’s last order in one step, priced from today’s menu', async () => {
    const { run } = setup(exampleOrg((raw) => (raw.menu.categories[0].items[0].priceCents = 1500)), monday18h03, { customer: ana() });
    const result = await run('add_last_order');
    expect(result).toMatchObject({
      ok: true,
      added: [
        { item_id: 'item_margherita', quantity: 2, options: ['Large', 'Mushrooms'], notes: 'well done', unit_price_cents: 2050, line_total_cents: 4100 },
        { item_id: 'item_cola', quantity: 1, line_total_cents: 250 },
      ],
      not_added: [],
      order: { subtotal_cents: 4350 },
    });
  });

  it('names unavailable, unknown and changed items instead of adding them', async () => {
    const customer = ana();
    customer.lastOrder!.items.push({ itemId: 'item_calzone', name: 'Calzone', quantity: 1, modifiers: [], notes: null });
    customer.lastOrder!.items.push({ itemId: 'item_pepperoni', name: 'Pepperoni Pizza', quantity: 1, modifiers: [], notes: null });
    const org = exampleOrg((raw) => raw.menu.categories[0].items[0].modifierGroups[1].options.splice(0, 1));
    const { run } = setup(org, monday18h03, { customer });
    expect(await run('add_last_order')).toMatchObject({
      ok: true,
      added: [{ item_id: 'item_cola' }],
      not_added: [
        { name: 'Margherita Pizza', reason: 'the option Mushrooms is no longer offered' },
        { name: 'Calzone', reason: 'no longer on the menu' },
        { name: 'Pepperoni Pizza', reason: 'not available today' },
      ],
      message: expect.stringContaining('Not added: Margherita Pizza (the option Mushrooms is no longer offered); Calzone (no longer on the menu)'),
    });
  });

  it('answers plainly when there is no previous order or nothing of it can be added', async () => {
    expect(await setup(exampleOrg(), monday18h03).run('add_last_order')).toMatchObject({ ok: false, error: 'no_last_order' });
    expect(await setup(exampleOrg(), monday18h03, { customer: ana({ lastOrder: null }) }).run('add_last_order')).toMatchObject({ ok: false, error: 'no_last_order' });
    const gone = exampleOrg((raw) => raw.menu.categories.forEach((c: any) => c.items.forEach((i: any) => (i.available = false))));
    expect(await setup(gone, monday18h03, { customer: ana() }).run('add_last_order')).toMatchObject({ ok: false, error: 'last_order_unavailable' });
  });

  it('never exposes a stored delivery address in any tool result', async () => {
    const { run } = setup(bella(), monday18h03, { customer: ana({ deliveryAddress: '12 Secret Lane, Springfield' }) });
    const results = [await run('add_last_order'), await run('get_order'), await run('submit_order', pickup)];
    for (const result of results) expect(JSON.stringify(result)).not.toMatch(/Secret Lane/);
  });
});
