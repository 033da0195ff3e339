import { z } from 'zod';
import { formatPath } from './org-config.js';

/**
 * Who is calling, as the app knows them (GET /api/realtime/customer; contract: customer.example.json).
 * Caller ID can be spoofed: the stored delivery address is kept opaque here and must never be read out.
 */

const lastOrderLineSchema = z.object({
  itemId: z.string().min(1),
  name: z.string().min(1),
  quantity: z.int().min(1),
  modifiers: z.array(z.object({ groupId: z.string().min(1), optionId: z.string().min(1), name: z.string() })),
  notes: z.string().nullish().transform((v) => v ?? null),
});

const lastOrderSchema = z.object({
  placedAt: z.iso.datetime(),
  fulfillment: z.object({ type: z.enum(['pickup', 'delivery']) }),
  items: z.array(lastOrderLineSchema).min(1),
});

export const customerSchema = z.object({
  name: z.string().trim().min(1).nullish().transform((v) => v ?? null),
  phone: z.string().min(1),
  lastOrder: lastOrderSchema.nullish().transform((v) => v ?? null),
  // The contract leaves its shape open (the example has null); only whether one is on file matters to the bridge.
  deliveryAddress: z.unknown().transform((v) => (v === null || v === undefined || v === '' ? null : v)),
});

export type Customer = z.output<typeof customerSchema>;
export type LastOrder = NonNullable<Customer['lastOrder']>;
export type LastOrderLine = LastOrder['items'][number];

export type CustomerResult = { kind: 'known'; customer: Customer } | { kind: 'unknown'; reason: string };

/** Maps a customer-route answer (contract: 200 known; 404 unknown or route not implemented; anything else: unknown). */
export function classifyCustomerResponse(status: number, json: unknown, phone: string): CustomerResult {
  if (status === 404) return { kind: 'unknown', reason: 'not found' };
  if (status !== 200) return { kind: 'unknown', reason: `HTTP ${status}` };
  const parsed = customerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { kind: 'unknown', reason: `invalid customer: ${formatPath(issue.path) || '(root)'}: ${issue.message}` };
  }
  if (parsed.data.phone !== phone) return { kind: 'unknown', reason: 'invalid customer: phone does not match the number asked for' };
  return { kind: 'known', customer: parsed.data };
}
