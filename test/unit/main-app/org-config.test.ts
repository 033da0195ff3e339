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

describe('parseOrgConfig: the optional fields for hours, languages, SMS and recording', () => {
  const full = () => structuredClone(loadContractExample('org-config.full.example.json')) as Record<string, any>;

  it('parses the contract’s full example with every optional field', () => {
    const r = parseOrgConfig(full());
    if (!r.ok) throw new Error(r.error);
    expect(r.config).toMatchObject({
      orgId: 'org_bella',
      languages: ['en', 'es'],
      language: 'en',
      closedDates: ['2026-12-25', '2027-01-01'],
      pickupLeadMinutes: 20,
      deliveryLeadMinutes: 45,
      sms: { confirmations: true },
      recording: { enabled: true, consentMessage: 'This call may be recorded to make sure we get your order right.' },
    });
    expect(r.config.hours).toMatchObject({ mon: [['11:00', '14:30'], ['17:00', '22:00']], fri: [['11:00', '23:00']], sun: [] });
  });

  it('leaves the new fields absent for an org that does not send them (behaves as before)', () => {
    const r = parseOrgConfig(example());
    if (!r.ok) throw new Error(r.error);
    for (const field of ['languages', 'hours', 'closedDates', 'pickupLeadMinutes', 'deliveryLeadMinutes', 'sms', 'recording']) {
      expect(r.config).not.toHaveProperty(field, expect.anything());
    }
    expect(r.config.language).toBe('en');
  });

  it('takes languages[0] as the default language, overriding language', () => {
    const raw = full();
    raw.languages = ['es', 'en'];
    const r = parseOrgConfig(raw);
    expect(r.ok && r.config.language).toBe('es');
  });

  it('accepts an end of "24:00", intervals past midnight, a missing day (closed) and null fields', () => {
    const raw = full();
    raw.hours = { fri: [['18:00', '02:00']], sat: [['00:00', '24:00']] };
    raw.sms = null;
    const r = parseOrgConfig(raw);
    if (!r.ok) throw new Error(r.error);
    expect(r.config.hours).toEqual({ mon: [], tue: [], wed: [], thu: [], fri: [['18:00', '02:00']], sat: [['00:00', '24:00']], sun: [] });
    expect(r.config.sms).toBeUndefined();
  });

  it.each([
    ['unknown day', (r: any) => (r.hours.monday = []), 'hours: unknown day "monday"; expected mon…sun'],
    ['hours not an object', (r: any) => (r.hours = []), 'hours: expected an object of mon…sun'],
    ['day not a list', (r: any) => (r.hours.mon = 'closed'), 'hours.mon: expected a list of ["HH:MM","HH:MM"] intervals ([] = closed)'],
    ['half an interval', (r: any) => (r.hours.tue = [['11:00']]), 'hours.tue[0]: expected an interval ["HH:MM","HH:MM"]'],
    ['bad time', (r: any) => (r.hours.wed[1] = ['5pm', '22:00']), 'hours.wed[1][0]: expected a time "HH:MM" (24-hour)'],
    ['start at 24:00', (r: any) => (r.hours.thu = [['24:00', '02:00']]), 'hours.thu[0][0]: expected a start before "24:00"'],
    ['end past 24:00', (r: any) => (r.hours.thu = [['18:00', '24:30']]), 'hours.thu[0][1]: expected a time up to "24:00"'],
    ['empty interval', (r: any) => (r.hours.sat = [['12:00', '12:00']]), 'hours.sat[0]: an interval cannot start and end at the same time (use ["00:00","24:00"] for all day)'],
    ['closed date', (r: any) => (r.closedDates = ['2026-02-30']), 'closedDates[0]: expected a date "YYYY-MM-DD"'],
    ['lead minutes', (r: any) => (r.pickupLeadMinutes = -5), 'pickupLeadMinutes: expected minutes ≥ 0'],
    ['lead minutes fraction', (r: any) => (r.deliveryLeadMinutes = 12.5), 'deliveryLeadMinutes: expected a whole number'],
    ['languages empty', (r: any) => (r.languages = []), 'languages: expected at least one language'],
    ['language code', (r: any) => (r.languages = ['en', 'spanish!']), 'languages[1]: expected a language code such as "en" or "es-MX"'],
    ['sms flag', (r: any) => (r.sms = { confirmations: 'yes' }), 'sms.confirmations: expected true or false'],
    ['recording flag', (r: any) => (r.recording = { enabled: 'on' }), 'recording.enabled: expected true or false'],
    ['empty consent line', (r: any) => (r.recording.consentMessage = ' '), 'recording.consentMessage: expected a non-empty string'],
  ])('names the bad field: %s', (_label, patch, message) => {
    const raw = full();
    patch(raw);
    expect(errorOf(raw)).toBe(message);
  });
});
