import { describe, expect, it } from 'vitest';
import { parseSubmitOrderBody } from '../../../src/main-app/submit-order-body.js';
import { addItem, emptyCart, type Cart } from '../../../src/ordering/cart.js';
import { MenuIndex } from '../../../src/ordering/menu.js';
import { buildOrderBody, orderIdempotencyKey } from '../../../src/ordering/order-body.js';
import { exampleOrg, exampleSubmitBody } from './fixtures.js';

const org = exampleOrg();
const menu = new MenuIndex(org);

function exampleCart(): Cart {
  const first = addItem(emptyCart, menu, { item: 'item_margherita', quantity: 2, options: ['opt_large', 'opt_mushroom'], notes: 'well done' });
  if (!first.ok) throw new Error(first.rejection.message);
  const second = addItem(first.cart, menu, { item: 'item_cola', quantity: 1 });
  if (!second.ok) throw new Error(second.rejection.message);
  return second.cart;
}

describe('buildOrderBody', () => {
  it('produces exactly the contract example for the same cart (prices in cents from the menu)', () => {
    const example = exampleSubmitBody();
    const body = buildOrderBody({
      org,
      callSid: example.callSid,
      idempotencyKey: orderIdempotencyKey(example.callSid, 1),
      customer: { name: 'Ana', phone: '+15551230000' },
      fulfillment: { type: 'pickup' },
      cart: exampleCart(),
      notes: '  ',
      placedAt: new Date('2026-11-24T18:05:00.000Z'),
    });
    expect(body).toEqual(example);
    expect(parseSubmitOrderBody(body)).toEqual({ ok: true, body: example });
  });

  it('derives the idempotency key from the call and the order number', () => {
    expect(orderIdempotencyKey('CA1', 2)).toBe('CA1:order:2');
  });
});

describe('parseSubmitOrderBody', () => {
  it('names a missing field', () => {
    const body = exampleSubmitBody() as unknown as Record<string, unknown>;
    delete body.idempotencyKey;
    const r = parseSubmitOrderBody(body);
    expect(r.ok ? '' : r.error).toMatch(/^idempotencyKey: /);
  });

  it('refuses a line total that is not unit price × quantity, and a wrong subtotal', () => {
    const badLine = exampleSubmitBody();
    badLine.items[0]!.lineTotalCents = 3901;
    expect(parseSubmitOrderBody(badLine)).toEqual({ ok: false, error: 'items[0].lineTotalCents: expected unitPriceCents × quantity' });
    const badSubtotal = exampleSubmitBody();
    badSubtotal.subtotalCents = 4000;
    expect(parseSubmitOrderBody(badSubtotal)).toEqual({ ok: false, error: 'subtotalCents: expected the sum of lineTotalCents' });
  });

  it('refuses fractional money', () => {
    const body = exampleSubmitBody();
    body.items[1]!.unitPriceCents = 2.5;
    expect(parseSubmitOrderBody(body).ok).toBe(false);
  });
});
