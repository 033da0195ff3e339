import type { LastOrder } from '../main-app/customer.js';
import { addItem, defaultCartLimits, type Cart, type CartLimits, type CartLine } from './cart.js';
import type { MenuIndex } from './menu.js';

/**
 * A known caller's last order (customer.lastOrder), added to the cart in one step and re-checked against
 * today's menu: items and options by id only, prices from today's menu only. What cannot be added is named
 * with the reason, never added. Pure.
 */
export interface LastOrderAdded {
  cart: Cart;
  added: CartLine[];
  notAdded: { name: string; reason: string }[];
}

export function addLastOrder(cart: Cart, menu: MenuIndex, lastOrder: LastOrder, limits: CartLimits = defaultCartLimits): LastOrderAdded {
  const result: LastOrderAdded = { cart, added: [], notAdded: [] };
  for (const line of lastOrder.items) {
    const item = menu.byId(line.itemId);
    if (!item) {
      result.notAdded.push({ name: line.name, reason: 'no longer on the menu' });
      continue;
    }
    if (!item.available) {
      result.notAdded.push({ name: item.name, reason: 'not available today' });
      continue;
    }
    const missingOption = line.modifiers.find((m) => !item.modifierGroups.some((g) => g.id === m.groupId && g.options.some((o) => o.id === m.optionId)));
    if (missingOption) {
      result.notAdded.push({ name: item.name, reason: `the option ${missingOption.name} is no longer offered` });
      continue;
    }
    const change = addItem(result.cart, menu, { item: item.id, quantity: line.quantity, options: line.modifiers.map((m) => m.optionId), notes: line.notes }, limits);
    if (!change.ok) {
      result.notAdded.push({ name: item.name, reason: change.rejection.message });
      continue;
    }
    result.cart = change.cart;
    result.added.push(change.line);
  }
  return result;
}
