import { z } from 'zod';
import type { OrgConfig } from '../main-app/org-config.js';
import type { SubmitOrderLine } from '../main-app/submit-order-body.js';
import { leadMinutes, readyIn } from '../hours/ready-time.js';
import { formatMoney } from '../ordering/money.js';
import type { SubmittedOrder } from '../ordering/tool-results.js';
import { orgLanguage, phrase, plainSpaces } from '../phrases/phrases.js';
import { E164, textableNumber } from '../twilio/caller-id.js';

/**
 * The text a caller gets after placing an order (pure): whether there is one, and what it says. The outbox keeps it
 * exactly as written here, so a text sent after a restart still says what the caller was told on the phone.
 */
export const smsConfirmationSchema = z.object({
  /** `<the order's idempotency key>:sms`: one text per order. */
  key: z.string().min(1),
  orgId: z.string().min(1),
  orderId: z.string().min(1),
  to: z.string().regex(E164),
  /** The number the caller dialled (one of the account's). */
  from: z.string().regex(E164),
  body: z.string().min(1).max(1600),
  /** When the order was placed; a text not sent soon after is not sent at all. */
  createdAt: z.iso.datetime(),
});

export type SmsConfirmation = z.output<typeof smsConfirmationSchema>;

export type SmsSkipReason = 'caller_id_withheld' | 'order_not_confirmed' | 'no_dialled_number';

export type ConfirmationDecision = { kind: 'send'; confirmation: SmsConfirmation } | { kind: 'skip'; reason: SmsSkipReason };

export interface ConfirmationInput {
  org: OrgConfig;
  order: SubmittedOrder;
  /** Twilio's `From` of the call. */
  callerId: string | undefined;
  /** Twilio's `To` of the call: the restaurant's number. */
  dialled: string | undefined;
  now: Date;
}

/** Four concatenated GSM-7 segments: past this the items are cut short ("+3"); the restaurant has the whole order. */
export const MAX_CONFIRMATION_CHARS = 612;

export const smsKey = (orderKey: string) => `${orderKey}:sms`;

export function confirmationFor({ org, order, callerId, dialled, now }: ConfirmationInput): ConfirmationDecision {
  // An order the app has not accepted yet has no number to give; the app may still refuse it.
  if (order.outcome.kind !== 'accepted' || !order.outcome.orderId) return { kind: 'skip', reason: 'order_not_confirmed' };
  const to = textableNumber(callerId);
  if (!to) return { kind: 'skip', reason: 'caller_id_withheld' };
  if (!dialled || !E164.test(dialled)) return { kind: 'skip', reason: 'no_dialled_number' };
  const body = confirmationText(org, order.outcome.orderId, order, now);
  return { kind: 'send', confirmation: { key: smsKey(order.idempotencyKey), orgId: org.orgId, orderId: order.outcome.orderId, to, from: dialled, body, createdAt: now.toISOString() } };
}

/** The org's default language, its currency, and the ready time the caller was quoted (the app's minutes win). */
export function confirmationText(org: OrgConfig, orderId: string, order: SubmittedOrder, now: Date): string {
  const language = orgLanguage(org);
  const minutes = (order.outcome.kind === 'accepted' ? order.outcome.estimatedReadyMinutes : undefined) ?? leadMinutes(org, order.body.fulfillment.type);
  const write = phrase(language, 'smsConfirmation');
  const textWith = (items: string[]) =>
    write({
      restaurant: org.name,
      orderId,
      items,
      total: plainSpaces(formatMoney(order.body.subtotalCents, order.body.currency, language)),
      readyAt: minutes === undefined ? undefined : readyIn(minutes, now, org.timezone).readyAt,
      timeZone: org.timezone,
    });
  const items = order.body.items.map(itemLine);
  let text = textWith(items);
  for (let kept = items.length - 1; text.length > MAX_CONFIRMATION_CHARS && kept >= 1; kept--) {
    text = textWith([...items.slice(0, kept), `+${items.length - kept}`]);
  }
  return text;
}

/** "2 x Margherita Pizza (Large, Mushrooms)": a plain x, so a text in Latin script stays in the GSM-7 alphabet. */
function itemLine(line: SubmitOrderLine): string {
  const options = line.modifiers.map((m) => m.name).join(', ');
  return `${line.quantity} x ${line.name}${options ? ` (${options})` : ''}`;
}
