import { describe, expect, it } from 'vitest';
import { confirmationFor, confirmationText, MAX_CONFIRMATION_CHARS } from '../../../src/sms/confirmation.js';
import type { SubmittedOrder } from '../../../src/ordering/tool-results.js';
import { maskedNumber, textableNumber } from '../../../src/twilio/caller-id.js';
import { smsSegments } from '../../../sim/twilio-rest-messages.js';
import { exampleOrg, exampleSubmitBody } from '../ordering/fixtures.js';

// 18:03 in New York (Luigi's time zone).
const NOW = new Date('2026-12-03T23:03:00Z');
const CALLER = '+15551230000';
const DIALLED = '+15005550006';
const org = exampleOrg();

function accepted(estimatedReadyMinutes?: number, edit: (body: SubmittedOrder['body']) => void = () => {}): SubmittedOrder {
  const body = exampleSubmitBody();
  edit(body);
  return { idempotencyKey: body.idempotencyKey, body, outcome: { kind: 'accepted', orderId: 'ord_42', duplicate: false, ...(estimatedReadyMinutes === undefined ? {} : { estimatedReadyMinutes }) } };
}

describe('the confirmation text', () => {
  it('names the restaurant, the order id, each item with its options, the total and the ready time the app gave', () => {
    expect(confirmationText(org, 'ord_42', accepted(20), NOW)).toBe(
      "Luigi's Pizzeria: order ord_42 confirmed. 2 x Margherita Pizza (Large, Mushrooms), 1 x Cola. Total $41.50. Ready around 6:25 PM.",
    );
  });

  it("without the app's minutes, quotes the org's lead time; with neither, gives no time", () => {
    expect(confirmationText(exampleOrg((o) => (o.pickupLeadMinutes = 45)), 'ord_42', accepted(), NOW)).toMatch(/Ready around 6:50 PM\.$/);
    expect(confirmationText(org, 'ord_42', accepted(), NOW)).toMatch(/Total \$41\.50\.$/);
  });

  it('says the time as the agent said it on the phone: noon, not 12:00 PM', () => {
    // 11:35 in New York, ready 25 minutes later.
    expect(confirmationText(org, 'ord_42', accepted(25), new Date('2026-12-03T16:35:00Z'))).toMatch(/Ready around noon\.$/);
  });

  it("is written in the org's default language, in the org's time zone", () => {
    const spanish = exampleOrg((o) => {
      o.languages = ['es', 'en'];
      o.timezone = 'Europe/Madrid';
      o.currency = 'EUR';
    });
    const text = confirmationText(spanish, 'ord_42', accepted(20, (b) => (b.currency = 'EUR')), NOW);
    expect(text).toBe("Luigi's Pizzeria: pedido ord_42 confirmado. 2 x Margherita Pizza (Large, Mushrooms), 1 x Cola. Total 41,50 €. Listo hacia las 0:25.");
  });

  it('stays in the GSM-7 alphabet for Latin text: one segment for a usual order', () => {
    expect(smsSegments(confirmationText(org, 'ord_42', accepted(20), NOW))).toBe(1);
  });

  it(`cuts a long order's items short ("+N") to stay within ${MAX_CONFIRMATION_CHARS} characters`, () => {
    const long = accepted(20, (b) => {
      const line = b.items[1]!;
      b.items = Array.from({ length: 30 }, (_, i) => ({ ...line, itemId: `item_${i}`, name: `Sparkling Lemonade Number ${i}` }));
    });
    const text = confirmationText(org, 'ord_42', long, NOW);
    expect(text.length).toBeLessThanOrEqual(MAX_CONFIRMATION_CHARS);
    expect(text).toMatch(/1 x Sparkling Lemonade Number 0, .*, \+\d+\. Total \$41\.50\. Ready around 6:25 PM\.$/);
  });
});

describe('whether an order gets a text', () => {
  const input = { org, callerId: CALLER, dialled: DIALLED, now: NOW };

  it('an accepted order: one text, keyed by the order, from the number the caller dialled', () => {
    const decision = confirmationFor({ ...input, order: accepted(20) });
    expect(decision).toEqual({
      kind: 'send',
      confirmation: {
        key: 'CA0123456789abcdef0123456789abcdef:order:1:sms',
        orgId: 'org_luigis',
        orderId: 'ord_42',
        to: CALLER,
        from: DIALLED,
        body: confirmationText(org, 'ord_42', accepted(20), NOW),
        createdAt: NOW.toISOString(),
      },
    });
  });

  it('an order only queued for the app: none (no number to give yet)', () => {
    const queued: SubmittedOrder = { ...accepted(), outcome: { kind: 'queued' } };
    expect(confirmationFor({ ...input, order: queued })).toEqual({ kind: 'skip', reason: 'order_not_confirmed' });
  });

  it.each([undefined, '', 'anonymous', 'Anonymous', 'Restricted', 'Unknown', 'Private', '+266696687', '+7378742833', '+2562533', '+8656696', '+86282452253', '5551230000'])(
    'a withheld caller ID (%j): none',
    (callerId) => {
      expect(confirmationFor({ ...input, callerId, order: accepted(20) })).toEqual({ kind: 'skip', reason: 'caller_id_withheld' });
    },
  );

  it('no dialled number to send from: none', () => {
    expect(confirmationFor({ ...input, dialled: undefined, order: accepted(20) })).toEqual({ kind: 'skip', reason: 'no_dialled_number' });
  });
});

describe('caller numbers', () => {
  it('a real E.164 number can be texted', () => {
    expect(textableNumber(CALLER)).toBe(CALLER);
  });

  it('logs show only the last four digits', () => {
    expect(maskedNumber(CALLER)).toBe('+*******0000');
  });
});
