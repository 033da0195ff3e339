import { describe, expect, it } from 'vitest';
import { parseOrgConfig } from '../../../src/main-app/org-config.js';
import type { Customer } from '../../../src/main-app/customer.js';
import { buildInstructions, callerFacts, greetingInstructions, hoursFacts, languageRule, SAFETY_RULES } from '../../../src/ordering/instructions.js';
import { loadContractExample } from '../../../sim/main-app.js';
import { exampleOrg, fullExampleOrg } from './fixtures.js';

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

describe('rules the agent always keeps, hours, languages and the caller', () => {
  const full = () => fullExampleOrg();
  const customer = () => structuredClone(loadContractExample('customer.example.json')) as Customer;

  it('every org’s instructions carry the safety rules: allergens, no invented items, no stored personal data', () => {
    const text = buildInstructions(org);
    for (const rule of SAFETY_RULES) expect(text).toContain(rule);
    expect(SAFETY_RULES.join('\n')).toMatch(/never promise that an item is free of an allergen.*cannot guarantee.*member of staff/s);
    expect(SAFETY_RULES.join('\n')).toContain('Never read out stored personal data');
  });

  it('states the week’s hours, whether it is open now and today’s hours for an org with hours', () => {
    const text = buildInstructions(full(), { now: new Date('2026-12-06T18:00:00Z') });
    expect(text).toContain('Opening hours (America/Chicago):\nMonday: 11:00 AM to 2:30 PM and 5:00 PM to 10:00 PM');
    expect(text).toContain('Right now: Closed today; opens tomorrow at 11:00 AM.');
    expect(text).toContain('Today: Sunday: closed.');
    expect(hoursFacts(full(), new Date('2026-12-08T03:59:00Z'))).toContain('Right now: Open now, until 10:00 PM today.');
  });

  it('says nothing about hours for an org without them (not judged)', () => {
    expect(hoursFacts(org, new Date('2026-12-06T18:00:00Z'))).toEqual([]);
    expect(buildInstructions(org, { now: new Date() })).not.toMatch(/Opening hours|Right now/);
  });

  it('answers in the caller’s language when the org lists it, else in the default', () => {
    expect(languageRule(full())).toBe(
      "Start in English (en). Answer in the caller's language when it is one of English (en) or Spanish (es); otherwise answer in English (en).",
    );
    expect(languageRule(org)).toBe('Speak English (en) unless the caller clearly prefers another language.');
    expect(buildInstructions(full())).toContain(languageRule(full()));
  });

  it('quotes the lead-time ready time before submitting only when the org gives lead minutes', () => {
    expect(buildInstructions(full())).toContain('ready-time estimate get_order returns');
    expect(buildInstructions(org)).not.toContain('ready-time estimate');
  });

  it('greets a known caller by name and offers the last order, never giving a stored address', () => {
    const known = { ...customer(), deliveryAddress: '12 Secret Lane, Springfield' };
    const text = buildInstructions(org, { customer: known });
    expect(text).toContain("The caller's number belongs to a known customer, Ana. Greet them by name.");
    expect(text).toContain('Their previous order (pickup): 2 × Margherita Pizza (Large, Mushrooms; note: well done); 1 × Cola. Offer to repeat it; if they want it, call add_last_order');
    expect(text).toContain('A delivery address is on file, but never say it');
    expect(text).not.toContain('Secret Lane');
    expect(callerFacts(null)).toEqual([]);
    expect(buildInstructions(org)).not.toContain('# Caller');
  });
});
