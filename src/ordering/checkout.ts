import { offeredFulfillment, type FulfillmentType, type OrgConfig } from '../main-app/org-config.js';
import type { SubmitOrderBody } from '../main-app/submit-order-body.js';
import { orList, type Cart } from './cart.js';

/** What the caller gave for submitting, as the model passed it. */
export interface CheckoutInput {
  customerName?: string | undefined;
  fulfillmentType?: string | undefined;
  deliveryAddress?: string | undefined;
  /** The caller heard the order and total read back and said yes. */
  confirmed?: boolean | undefined;
}

export type CheckoutRejectionCode =
  | 'empty_order'
  | 'not_confirmed'
  | 'missing_customer_name'
  | 'fulfillment_not_offered'
  | 'missing_fulfillment_type'
  | 'missing_delivery_address';

export type Checkout =
  | { ok: true; customerName: string; fulfillment: SubmitOrderBody['fulfillment'] }
  | { ok: false; rejection: { code: CheckoutRejectionCode; message: string; choices?: string[] } };

/** Checks that an order may be submitted: something in it, confirmed, a name, and a fulfillment type the org offers. */
export function validateCheckout(cart: Cart, org: OrgConfig, input: CheckoutInput): Checkout {
  const fail = (code: CheckoutRejectionCode, message: string, choices?: string[]): Checkout => ({
    ok: false,
    rejection: choices ? { code, message, choices } : { code, message },
  });
  if (cart.lines.length === 0) return fail('empty_order', 'The order is empty; add items before submitting.');
  if (input.confirmed !== true) {
    return fail('not_confirmed', 'Read the whole order and the total back to the caller and get a clear yes before submitting.');
  }
  const customerName = input.customerName?.trim();
  if (!customerName) return fail('missing_customer_name', 'Ask the caller for a name for the order.');

  const offered = offeredFulfillment(org);
  const requested = input.fulfillmentType?.trim().toLowerCase() || (offered.length === 1 ? offered[0] : undefined);
  if (!requested) return fail('missing_fulfillment_type', `Ask the caller whether this is for ${orList(offered)}.`, offered);
  if (!offered.includes(requested as FulfillmentType)) {
    return fail('fulfillment_not_offered', `${org.name} does not offer ${requested}; only ${orList(offered)}.`, offered);
  }
  if (requested === 'delivery') {
    const address = input.deliveryAddress?.trim();
    if (!address) return fail('missing_delivery_address', 'Ask the caller for the full delivery address.');
    return { ok: true, customerName, fulfillment: { type: 'delivery', address } };
  }
  return { ok: true, customerName, fulfillment: { type: 'pickup' } };
}
