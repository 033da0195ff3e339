import type { OrgConfig } from '../main-app/org-config.js';
import type { SubmitOutcome } from '../main-app/order-submitter.js';
import type { SubmitOrderBody } from '../main-app/submit-order-body.js';
import { readyIn } from '../hours/ready-time.js';
import { describeLine, subtotalCents, type Cart, type CartLine } from './cart.js';
import type { MenuIndex } from './menu.js';

/** What a tool run returns to the model (JSON-serialisable; encode once as function_call_output.output). */
export type ToolSuccess = { ok: true; [key: string]: unknown };
export type ToolResult = ToolSuccess | { ok: false; error: string; message: string; choices?: string[] };

export interface SubmittedOrder {
  idempotencyKey: string;
  body: SubmitOrderBody;
  outcome: Extract<SubmitOutcome, { kind: 'accepted' | 'queued' }>;
}

export const fail = (error: string, message: string, choices?: string[]): ToolResult =>
  choices?.length ? { ok: false, error, message, choices } : { ok: false, error, message };

export function lineView(line: CartLine) {
  return {
    line: line.lineId,
    item_id: line.itemId,
    name: line.name,
    quantity: line.quantity,
    options: line.modifiers.map((m) => m.name),
    notes: line.notes,
    unit_price_cents: line.unitPriceCents,
    line_total_cents: line.lineTotalCents,
    description: describeLine(line),
  };
}

export function orderView(cart: Cart, menu: MenuIndex, org: Pick<OrgConfig, 'currency'>) {
  return {
    lines: cart.lines.map(lineView),
    subtotal: menu.money(subtotalCents(cart)),
    subtotal_cents: subtotalCents(cart),
    currency: org.currency,
  };
}

export function placedReference(order: SubmittedOrder): string {
  return order.outcome.kind === 'accepted' && order.outcome.orderId ? `order number ${order.outcome.orderId}` : 'received, awaiting confirmation';
}

/**
 * The result of a placed or queued order. The app's `estimatedReadyMinutes` wins; without it the lead-time
 * quote (`fallbackReady`) is given as an estimate.
 */
export function placedResult(outcome: SubmittedOrder['outcome'], total: string, now: Date, timeZone: string, fallbackReady?: string): ToolSuccess {
  if (outcome.kind === 'queued') {
    return {
      ok: true,
      status: 'received',
      total,
      message: 'The order was received and will be confirmed by the restaurant shortly. Tell the caller it is received; do not promise an order number or a ready time.',
    };
  }
  const minutes = outcome.estimatedReadyMinutes;
  const readyTime = minutes !== undefined ? readyIn(minutes, now, timeZone).text : fallbackReady;
  return {
    ok: true,
    status: 'placed',
    order_id: outcome.orderId,
    ...(minutes !== undefined ? { estimated_ready_minutes: minutes } : {}),
    ...(readyTime ? { ready_time: readyTime } : {}),
    total,
    message: `The order is placed${outcome.orderId ? ` (order number ${outcome.orderId})` : ''}.${readyTime ? ` It will be ready in ${readyTime}.` : ''} Tell the caller.`,
  };
}
