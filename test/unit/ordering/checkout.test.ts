import { describe, expect, it } from 'vitest';
import { addItem, emptyCart, type Cart } from '../../../src/ordering/cart.js';
import { validateCheckout } from '../../../src/ordering/checkout.js';
import { MenuIndex } from '../../../src/ordering/menu.js';
import { exampleOrg } from './fixtures.js';

const pickupOnly = exampleOrg();
const both = exampleOrg((raw) => (raw.fulfillment = { pickup: true, delivery: true }));
const deliveryOnly = exampleOrg((raw) => (raw.fulfillment = { pickup: false, delivery: true }));
const change = addItem(emptyCart, new MenuIndex(pickupOnly), { item: 'item_cola' });
const cart: Cart = change.ok ? change.cart : emptyCart;
const code = (r: ReturnType<typeof validateCheckout>) => (r.ok ? 'ok' : r.rejection.code);

describe('validateCheckout', () => {
  it('accepts a confirmed pickup order with a name, defaulting the only fulfillment type', () => {
    expect(validateCheckout(cart, pickupOnly, { customerName: ' Ana ', confirmed: true })).toEqual({
      ok: true,
      customerName: 'Ana',
      fulfillment: { type: 'pickup' },
    });
  });

  it('refuses an empty order', () => {
    expect(code(validateCheckout(emptyCart, pickupOnly, { customerName: 'Ana', confirmed: true }))).toBe('empty_order');
  });

  it('refuses until the caller confirmed', () => {
    expect(code(validateCheckout(cart, pickupOnly, { customerName: 'Ana' }))).toBe('not_confirmed');
    expect(code(validateCheckout(cart, pickupOnly, { customerName: 'Ana', confirmed: false }))).toBe('not_confirmed');
  });

  it('asks for a name', () => {
    expect(code(validateCheckout(cart, pickupOnly, { customerName: '  ', confirmed: true }))).toBe('missing_customer_name');
  });

  it('refuses a fulfillment type the org does not offer, naming what it does', () => {
    const r = validateCheckout(cart, pickupOnly, { customerName: 'Ana', fulfillmentType: 'delivery', deliveryAddress: '1 Main St', confirmed: true });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.rejection).toMatchObject({ code: 'fulfillment_not_offered', choices: ['pickup'] });
    if (!r.ok) expect(r.rejection.message).toBe("Luigi's Pizzeria does not offer delivery; only pickup.");
  });

  it('asks which type when the org offers both', () => {
    expect(code(validateCheckout(cart, both, { customerName: 'Ana', confirmed: true }))).toBe('missing_fulfillment_type');
  });

  it('needs an address for delivery and carries it in the fulfillment', () => {
    expect(code(validateCheckout(cart, deliveryOnly, { customerName: 'Ana', confirmed: true }))).toBe('missing_delivery_address');
    const r = validateCheckout(cart, both, { customerName: 'Ana', fulfillmentType: 'Delivery', deliveryAddress: '1 Main St', confirmed: true });
    expect(r.ok && r.fulfillment).toEqual({ type: 'delivery', address: '1 Main St' });
  });
});
