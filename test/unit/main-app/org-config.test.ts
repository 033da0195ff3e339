import { describe, expect, it } from 'vitest';
import { offeredFulfillment, parseOrgConfig } from '../../../src/main-app/org-config.js';
import { loadContractExample } from '../../../sim/main-app.js';

const example = () => structuredClone(loadContractExample('org-config.example.json')) as Record<string, any>;
const errorOf = (raw: unknown) => {
  const r = parseOrgConfig(raw);
  return r.ok ? 'ok' : r.error;
};

describe('parseOrgConfig', () => {
  it('accepts the contract example as is', () => {
    const r = parseOrgConfig(example());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({ orgId: 'org_luigis', timezone: 'America/New_York', transferNumber: '+15005550006', maxConcurrentCalls: 10 });
    expect(r.config.menu.categories[0]!.items[0]!.modifierGroups[1]).toMatchObject({ id: 'mg_toppings', required: false, min: 0, max: 3 });
  });

  it('applies the defaults: voice marin, language en, timezone UTC, currency USD, pickup only, no modifier groups', () => {
    const r = parseOrgConfig({
      orgId: 'o1',
      name: 'Tiny Tacos',
      systemPrompt: 'Be brief.',
      menu: { categories: [{ id: 'c', name: 'Tacos', items: [{ id: 'i', name: 'Taco', priceCents: 300, available: true }] }] },
    });
    expect(r.ok && r.config).toMatchObject({ voice: 'marin', language: 'en', timezone: 'UTC', currency: 'USD', fulfillment: { pickup: true, delivery: false } });
    expect(r.ok && r.config.menu.categories[0]!.items[0]!.modifierGroups).toEqual([]);
    expect(r.ok && offeredFulfillment(r.config)).toEqual(['pickup']);
  });

  it('ignores extra fields and treats null optional fields as absent', () => {
    const raw = example();
    raw.loyaltyProgram = { enabled: true };
    raw.menu.categories[0].items[0].calories = 900;
    raw.transferNumber = null;
    raw.voice = null;
    const r = parseOrgConfig(raw);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect('loyaltyProgram' in r.config).toBe(false);
    expect('calories' in r.config.menu.categories[0]!.items[0]!).toBe(false);
    expect(r.config.transferNumber).toBeUndefined();
    expect(r.config.voice).toBe('marin');
  });

  it.each([
    ['orgId', (r: any) => delete r.orgId, 'orgId: required field is missing'],
    ['systemPrompt', (r: any) => delete r.systemPrompt, 'systemPrompt: required field is missing'],
    ['menu', (r: any) => delete r.menu, 'menu: required field is missing'],
    ['item price', (r: any) => delete r.menu.categories[1].items[0].priceCents, 'menu.categories[1].items[0].priceCents: required field is missing'],
    ['item available', (r: any) => (r.menu.categories[0].items[1].available = 'yes'), 'menu.categories[0].items[1].available: expected true or false'],
    ['fractional price', (r: any) => (r.menu.categories[0].items[0].priceCents = 14.5), 'menu.categories[0].items[0].priceCents: expected integer cents'],
    ['option price', (r: any) => delete r.menu.categories[0].items[0].modifierGroups[0].options[1].priceCents, 'menu.categories[0].items[0].modifierGroups[0].options[1].priceCents: required field is missing'],
    ['group max', (r: any) => delete r.menu.categories[0].items[0].modifierGroups[1].max, 'menu.categories[0].items[0].modifierGroups[1].max: required field is missing'],
    ['min > max', (r: any) => (r.menu.categories[0].items[0].modifierGroups[1].min = 4), 'menu.categories[0].items[0].modifierGroups[1].min: min (4) is greater than max (3)'],
    ['duplicate item id', (r: any) => (r.menu.categories[1].items[0].id = 'item_margherita'), 'menu.categories[1].items[0].id: duplicate item id "item_margherita"'],
    ['currency', (r: any) => (r.currency = 'usd'), 'currency: expected a 3-letter ISO currency code such as "USD"'],
    ['timezone', (r: any) => (r.timezone = 'Mars/Olympus'), 'timezone: expected an IANA time zone such as "America/New_York"'],
    ['transferNumber', (r: any) => (r.transferNumber = '555-0006'), 'transferNumber: expected an E.164 number such as "+15005550006"'],
    ['no fulfillment', (r: any) => (r.fulfillment = { pickup: false, delivery: false }), 'fulfillment: at least one of pickup or delivery must be offered'],
  ])('names the bad field: %s', (_label, patch, message) => {
    const raw = example();
    patch(raw);
    expect(errorOf(raw)).toBe(message);
  });

  it('rejects a non-object body', () => {
    expect(errorOf([1, 2])).toBe('(root): expected a JSON object');
  });
});
