import { describe, expect, it } from 'vitest';
import { addItem, emptyCart, removeItem, subtotalCents, updateItem, type Cart, type CartChange } from '../../../src/ordering/cart.js';
import { MenuIndex } from '../../../src/ordering/menu.js';
import { exampleOrg } from './fixtures.js';

const menu = new MenuIndex(exampleOrg());
const limits = { maxQuantityPerLine: 10, maxLines: 3, maxTotalQuantity: 12 };

function ok(change: CartChange): Cart {
  if (!change.ok) throw new Error(`expected ok, got ${change.rejection.code}: ${change.rejection.message}`);
  return change.cart;
}

function rejected(change: CartChange) {
  if (change.ok) throw new Error('expected a rejection');
  return change.rejection;
}

const largeMargherita = (cart = emptyCart) => ok(addItem(cart, menu, { item: 'item_margherita', options: ['opt_large'] }, limits));

describe('addItem', () => {
  it('prices a line from the menu: item plus options, times quantity, in cents', () => {
    const cart = ok(addItem(emptyCart, menu, { item: 'Margherita Pizza', quantity: 2, options: ['Large', 'mushrooms'], notes: ' well done ' }, limits));
    expect(cart.lines).toEqual([
      {
        lineId: 1,
        itemId: 'item_margherita',
        name: 'Margherita Pizza',
        quantity: 2,
        modifiers: [
          { groupId: 'mg_size', optionId: 'opt_large', name: 'Large', priceCents: 400 },
          { groupId: 'mg_toppings', optionId: 'opt_mushroom', name: 'Mushrooms', priceCents: 150 },
        ],
        notes: 'well done',
        unitPriceCents: 1950,
        lineTotalCents: 3900,
      },
    ]);
    expect(subtotalCents(ok(addItem(cart, menu, { item: 'cola' }, limits)))).toBe(4150);
  });

  it('rejects an unknown item with a speakable reason', () => {
    const r = rejected(addItem(emptyCart, menu, { item: 'sushi' }, limits));
    expect(r.code).toBe('unknown_item');
    expect(r.message).toContain('"sushi"');
  });

  it('rejects an ambiguous name and lists the candidates', () => {
    const r = rejected(addItem(emptyCart, menu, { item: 'pizza' }, limits));
    expect(r.code).toBe('ambiguous_item');
    expect(r.choices).toEqual(['Margherita Pizza', 'Pepperoni Pizza']);
  });

  it('rejects an unavailable item and offers available alternatives', () => {
    const r = rejected(addItem(emptyCart, menu, { item: 'item_pepperoni' }, limits));
    expect(r.code).toBe('item_unavailable');
    expect(r.choices).toEqual(['Margherita Pizza', 'Cola']);
    expect(r.message).toMatch(/Pepperoni Pizza is not available.*Offer instead: Margherita Pizza or Cola/);
  });

  it('requires a choice in a required modifier group, naming the choices and their prices', () => {
    const r = rejected(addItem(emptyCart, menu, { item: 'item_margherita' }, limits));
    expect(r.code).toBe('missing_required_option');
    expect(r.message).toContain('Size: Medium or Large (+$4.00)');
  });

  it('rejects more options than a group allows', () => {
    const r = rejected(addItem(emptyCart, menu, { item: 'item_margherita', options: ['opt_medium', 'opt_large'] }, limits));
    expect(r.code).toBe('too_many_options');
    expect(r.message).toContain('Size allows at most 1 choice');
  });

  it('rejects fewer options than a chosen group needs', () => {
    const org = exampleOrg((raw) => {
      raw.menu.categories[0].items[0].modifierGroups[1].min = 2;
    });
    const r = rejected(addItem(emptyCart, new MenuIndex(org), { item: 'item_margherita', options: ['opt_large', 'opt_olive'] }, limits));
    expect(r.code).toBe('too_few_options');
    expect(r.message).toContain('Extra toppings needs at least 2 choices');
  });

  it('allows an optional group to be left empty', () => {
    expect(largeMargherita().lines[0]!.modifiers.map((m) => m.optionId)).toEqual(['opt_large']);
  });

  it('rejects an option the item does not have, listing the valid ones', () => {
    const r = rejected(addItem(emptyCart, menu, { item: 'item_margherita', options: ['opt_large', 'pineapple'] }, limits));
    expect(r.code).toBe('unknown_option');
    expect(r.choices).toEqual(['Medium', 'Large', 'Mushrooms', 'Olives']);
  });

  it('rejects options for an item that has none', () => {
    expect(rejected(addItem(emptyCart, menu, { item: 'item_cola', options: ['opt_large'] }, limits)).code).toBe('unknown_option');
  });

  it('rejects the same option twice', () => {
    const r = rejected(addItem(emptyCart, menu, { item: 'item_margherita', options: ['opt_large', 'opt_olive', 'Olives'] }, limits));
    expect(r.code).toBe('duplicate_option');
  });

  it.each([0, -1, 1.5, 11])('rejects quantity %s outside 1..max', (quantity) => {
    expect(rejected(addItem(emptyCart, menu, { item: 'item_cola', quantity }, limits)).code).toBe('invalid_quantity');
  });

  it('merges an identical item into its line, within the per-line limit', () => {
    const cart = ok(addItem(ok(addItem(emptyCart, menu, { item: 'item_cola', quantity: 4 }, limits)), menu, { item: 'Cola', quantity: 3 }, limits));
    expect(cart.lines.map((l) => [l.lineId, l.quantity, l.lineTotalCents])).toEqual([[1, 7, 1750]]);
    expect(rejected(addItem(cart, menu, { item: 'item_cola', quantity: 4 }, limits)).code).toBe('invalid_quantity');
  });

  it('caps the number of lines and the total quantity', () => {
    let cart = ok(addItem(emptyCart, menu, { item: 'item_cola', quantity: 10 }, limits));
    expect(rejected(addItem(cart, menu, { item: 'item_margherita', quantity: 3, options: ['opt_large'] }, limits)).code).toBe('order_too_large');
    cart = ok(addItem(cart, menu, { item: 'item_margherita', options: ['opt_large'] }, limits));
    cart = ok(addItem(cart, menu, { item: 'item_margherita', options: ['opt_medium'] }, limits));
    expect(rejected(addItem(cart, menu, { item: 'item_cola', notes: 'no ice' }, limits)).code).toBe('order_too_large');
  });
});

describe('updateItem and removeItem', () => {
  it('changes quantity and reprices the line', () => {
    const cart = ok(updateItem(largeMargherita(), menu, { line: 1, quantity: 3 }, limits));
    expect(cart.lines[0]).toMatchObject({ quantity: 3, unitPriceCents: 1800, lineTotalCents: 5400 });
  });

  it('replaces options, validating them again', () => {
    const cart = ok(updateItem(largeMargherita(), menu, { line: 1, options: ['opt_medium', 'opt_olive'] }, limits));
    expect(cart.lines[0]!.modifiers.map((m) => m.optionId)).toEqual(['opt_medium', 'opt_olive']);
    expect(cart.lines[0]!.unitPriceCents).toBe(1550);
    expect(rejected(updateItem(cart, menu, { line: 1, options: ['opt_olive'] }, limits)).code).toBe('missing_required_option');
  });

  it('sets and clears notes', () => {
    const noted = ok(updateItem(largeMargherita(), menu, { line: 1, notes: 'extra crispy' }, limits));
    expect(noted.lines[0]!.notes).toBe('extra crispy');
    expect(ok(updateItem(noted, menu, { line: 1, notes: '' }, limits)).lines[0]!.notes).toBeNull();
  });

  it('rejects an unknown line, listing the lines there are', () => {
    const r = rejected(updateItem(largeMargherita(), menu, { line: 7, quantity: 2 }, limits));
    expect(r.code).toBe('unknown_line');
    expect(r.message).toContain('line 1: 1 × Margherita Pizza (Large)');
  });

  it('rejects a quantity of 0 on update (removal is explicit)', () => {
    expect(rejected(updateItem(largeMargherita(), menu, { line: 1, quantity: 0 }, limits)).code).toBe('invalid_quantity');
  });

  it('removes a line without renumbering the others', () => {
    const cart = ok(addItem(largeMargherita(), menu, { item: 'item_cola' }, limits));
    const after = ok(removeItem(cart, 1));
    expect(after.lines.map((l) => l.lineId)).toEqual([2]);
    expect(rejected(removeItem(after, 1)).code).toBe('unknown_line');
    expect(ok(addItem(after, menu, { item: 'item_margherita', options: ['opt_medium'] }, limits)).lines.map((l) => l.lineId)).toEqual([2, 3]);
  });

  it('refuses to change a line whose item became unavailable', () => {
    const soldOut = new MenuIndex(exampleOrg((raw) => (raw.menu.categories[1].items[0].available = false)));
    const cart = ok(addItem(emptyCart, menu, { item: 'item_cola' }, limits));
    expect(rejected(updateItem(cart, soldOut, { line: 1, quantity: 2 }, limits)).code).toBe('item_unavailable');
  });
});
