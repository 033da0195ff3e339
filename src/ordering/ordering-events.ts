import type { CartView } from '../call/call-types.js';
import { describeLine, subtotalCents, type Cart } from './cart.js';
import type { OrderingTools } from './tools.js';

/** What happens to a call's order, for whoever watches the call (the operator console, metrics). */
export interface OrderingEvents {
  cartChanged?(cart: CartView): void;
  /** An order was accepted by the app (`orderId`) or queued for it (null until the app answers). */
  orderPlaced?(orderId: string | null): void;
}

/** The cart as the console shows it: lines and the subtotal in cents. */
export function cartView(cart: Cart): CartView {
  return {
    lines: cart.lines.map((l) => ({ line: l.lineId, name: l.name, quantity: l.quantity, description: describeLine(l), lineTotalCents: l.lineTotalCents })),
    subtotalCents: subtotalCents(cart),
  };
}

/**
 * The same tools, reporting after each run whether the cart changed (the cart is immutable, so a new object means a
 * change) or an order was placed.
 */
export function withOrderingEvents(tools: OrderingTools, events: OrderingEvents): OrderingTools & { cartView(): CartView } {
  let lastCart = tools.cart();
  let lastOrder = tools.submittedOrder();
  return {
    ...tools,
    cartView: () => cartView(tools.cart()),
    async run(name, argumentsJson, signal) {
      const result = await tools.run(name, argumentsJson, signal);
      const cart = tools.cart();
      if (cart !== lastCart) events.cartChanged?.(cartView((lastCart = cart)));
      const order = tools.submittedOrder();
      if (order !== lastOrder) {
        lastOrder = order;
        if (order) events.orderPlaced?.(order.outcome.kind === 'accepted' ? order.outcome.orderId : null);
      }
      return result;
    },
  };
}
