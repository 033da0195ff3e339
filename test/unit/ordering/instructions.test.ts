import { describe, expect, it } from 'vitest';
import { parseOrgConfig } from '../../../src/main-app/org-config.js';
import { buildInstructions, greetingInstructions } from '../../../src/ordering/instructions.js';
import { exampleOrg } from './fixtures.js';

const org = exampleOrg();

describe('buildInstructions', () => {
  const text = buildInstructions(org, { now: new Date('2026-11-24T18:05:00.000Z') });

  it('starts with the org’s own system prompt', () => {
    expect(text.startsWith(org.systemPrompt)).toBe(true);
  });

  it('lists every item with id, name, price and availability, and every modifier group with its rule and option prices', () => {
    expect(text).toContain('- item_margherita: Margherita Pizza, $14.00');
    expect(text).toContain('- item_pepperoni: Pepperoni Pizza, $16.00 (UNAVAILABLE)');
    expect(text).toContain('- item_cola: Cola, $2.50');
    expect(text).toContain('Size [mg_size] required, choose exactly 1: opt_medium Medium +$0.00, opt_large Large +$4.00');
    expect(text).toContain('Extra toppings [mg_toppings] optional, choose up to 3: opt_mushroom Mushrooms +$1.50');
  });

  it('states the ordering rules: read back and confirm, never invent, alternatives for unavailable items', () => {
    expect(text).toMatch(/read the whole order back .* and the total, and get a clear yes/);
    expect(text).toContain('Never invent items, options or prices');
    expect(text).toContain('UNAVAILABLE cannot be ordered now: say so and offer an available alternative');
    expect(text).toContain('All orders are pickup');
    // A slow submit must not leave dead air: the model says a filler line first.
    expect(text).toMatch(/submit_order once, only after that yes, and in the same turn first say a short "One moment/);
  });

  it('names the language and shows the local time in the org’s time zone', () => {
    expect(text).toContain('Speak English (en)');
    expect(text).toContain('Local time now: Tuesday 1:05 PM (America/New_York)');
  });

  it('asks which fulfillment when the org offers both', () => {
    const both = exampleOrg((raw) => (raw.fulfillment = { pickup: true, delivery: true }));
    expect(buildInstructions(both)).toContain('Ask whether the order is for pickup or delivery');
  });

  it('applies the defaults for a minimal config (language en, USD)', () => {
    const minimal = parseOrgConfig({ orgId: 'o', name: 'Tiny Tacos', systemPrompt: 'Be brief.', menu: { categories: [] } });
    if (!minimal.ok) throw new Error(minimal.error);
    const t = buildInstructions(minimal.config);
    expect(t).toContain('Speak English (en)');
    expect(t).toContain('Currency: USD');
    expect(t).toContain('Orders are for pickup only');
  });

  it('formats prices in the org’s currency', () => {
    const euro = exampleOrg((raw) => (raw.currency = 'EUR'));
    expect(buildInstructions(euro)).toContain('Cola, €2.50');
  });

  it('appends the cart snapshot and extra rules when given', () => {
    const t = buildInstructions(org, { cartSnapshot: 'line 1: 1 × Cola, $2.50', extraRules: ['Offer a transfer if asked for a person.'] });
    expect(t).toContain('- Offer a transfer if asked for a person.');
    expect(t.endsWith('line 1: 1 × Cola, $2.50')).toBe(true);
  });
});

describe('greetingInstructions', () => {
  it('uses the configured greeting, or a default naming the restaurant', () => {
    expect(greetingInstructions(org)).toContain(`"${org.greeting}"`);
    const noGreeting = exampleOrg((raw) => delete raw.greeting);
    expect(greetingInstructions(noGreeting)).toContain(`"Thanks for calling Luigi's Pizzeria! How can I help you today?"`);
  });
});
