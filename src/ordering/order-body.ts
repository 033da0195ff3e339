import type { OrgConfig } from '../main-app/org-config.js';
import type { SubmitOrderBody } from '../main-app/submit-order-body.js';
import { subtotalCents, type Cart } from './cart.js';

export interface OrderBodyInput {
  org: Pick<OrgConfig, 'orgId' | 'currency'>;
  callSid: string;
  idempotencyKey: string;
  customer: { name: string; phone: string | null };
  fulfillment: SubmitOrderBody['fulfillment'];
  cart: Cart;
  notes?: string | null;
  placedAt: Date;
}

/** The idempotency key of the call's n-th order: stable across retries and restarts. */
export function orderIdempotencyKey(callSid: string, orderNumber: number): string {
  return `${callSid}:order:${orderNumber}`;
}

/** The contract's submit-order body (submit-order.example.json); every price comes from the cart, which priced it from the menu. */
export function buildOrderBody(input: OrderBodyInput): SubmitOrderBody {
  return {
    orgId: input.org.orgId,
    callSid: input.callSid,
    idempotencyKey: input.idempotencyKey,
    customer: { name: input.customer.name, phone: input.customer.phone },
    fulfillment: input.fulfillment,
    items: input.cart.lines.map((line) => ({
      itemId: line.itemId,
      name: line.name,
      quantity: line.quantity,
      modifiers: line.modifiers.map((m) => ({ groupId: m.groupId, optionId: m.optionId, name: m.name, priceCents: m.priceCents })),
      notes: line.notes,
      unitPriceCents: line.unitPriceCents,
      lineTotalCents: line.lineTotalCents,
    })),
    subtotalCents: subtotalCents(input.cart),
    currency: input.org.currency,
    notes: input.notes?.trim() || null,
    placedAt: input.placedAt.toISOString(),
  };
}
