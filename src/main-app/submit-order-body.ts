import { z } from 'zod';
import { formatPath } from './org-config.js';

/**
 * The body of POST /api/realtime/submit-order (contract: submit-order.example.json).
 * The bridge builds it (src/ordering/order-body.ts); the outbox re-reads it from disk and the
 * main-app stand-in checks it, both through this schema.
 */

const cents = z.int().min(0);
const nullableText = z.string().nullable();

const modifierSchema = z.object({
  groupId: z.string().min(1),
  optionId: z.string().min(1),
  name: z.string().min(1),
  priceCents: cents,
});

const lineSchema = z.object({
  itemId: z.string().min(1),
  name: z.string().min(1),
  quantity: z.int().min(1),
  modifiers: z.array(modifierSchema),
  notes: nullableText,
  unitPriceCents: cents,
  lineTotalCents: cents,
});

const fulfillmentSchema = z.union([
  z.object({ type: z.literal('pickup') }),
  // Not in the contract example (Luigi's is pickup only); the address is the one extra field delivery needs.
  z.object({ type: z.literal('delivery'), address: z.string().min(1) }),
]);

export const submitOrderBodySchema = z.object({
  orgId: z.string().min(1),
  callSid: z.string().min(1),
  idempotencyKey: z.string().min(1),
  // The caller's number can be withheld; the bridge then sends null.
  customer: z.object({ name: z.string().min(1), phone: z.string().min(1).nullable() }),
  fulfillment: fulfillmentSchema,
  items: z.array(lineSchema).min(1),
  subtotalCents: cents,
  currency: z.string().regex(/^[A-Z]{3}$/),
  notes: nullableText,
  placedAt: z.iso.datetime(),
});

export type SubmitOrderBody = z.output<typeof submitOrderBodySchema>;
export type SubmitOrderLine = SubmitOrderBody['items'][number];

/** Parses a submit body; the error names the first bad field. Also checks the arithmetic of the prices. */
export function parseSubmitOrderBody(input: unknown): { ok: true; body: SubmitOrderBody } | { ok: false; error: string } {
  const result = submitOrderBodySchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return { ok: false, error: `${formatPath(issue.path) || '(root)'}: ${issue.message}` };
  }
  const body = result.data;
  for (const [i, line] of body.items.entries()) {
    if (line.lineTotalCents !== line.unitPriceCents * line.quantity) {
      return { ok: false, error: `items[${i}].lineTotalCents: expected unitPriceCents × quantity` };
    }
  }
  const subtotal = body.items.reduce((sum, line) => sum + line.lineTotalCents, 0);
  if (body.subtotalCents !== subtotal) return { ok: false, error: 'subtotalCents: expected the sum of lineTotalCents' };
  return { ok: true, body };
}
