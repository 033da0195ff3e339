import { z } from 'zod';
import { formatPath } from './org-config.js';

/** The body of POST /api/realtime/call-record (contract: call-record.example.json), one per finished call. */

export const callOutcomes = ['order-placed', 'no-order', 'transferred', 'abandoned', 'refused', 'failed'] as const;
export type CallOutcome = (typeof callOutcomes)[number];

const count = z.int().min(0);
const millis = z.number().min(0).nullable();
const tokens = z.int().min(0);

export const callRecordBodySchema = z
  .object({
    orgId: z.string().min(1),
    callSid: z.string().min(1),
    idempotencyKey: z.string().min(1),
    // The caller's number can be withheld.
    from: z.string().min(1).nullable(),
    to: z.string().min(1),
    startedAt: z.iso.datetime(),
    endedAt: z.iso.datetime(),
    durationSeconds: z.number().min(0),
    outcome: z.enum(callOutcomes),
    endReason: z.string().min(1),
    orderId: z.string().min(1).nullable(),
    language: z.string().min(1),
    summary: z.string().optional(),
    transcript: z.array(z.object({ role: z.enum(['agent', 'caller']), text: z.string(), atMs: count })),
    turns: count,
    bargeIns: count,
    transferred: z.boolean(),
    latency: z.object({ greetingMs: millis, turnP50Ms: millis, turnP95Ms: millis }),
    usage: z.object({
      model: z.string().min(1),
      audioInputTokens: tokens,
      audioOutputTokens: tokens,
      textInputTokens: tokens,
      textOutputTokens: tokens,
      cachedInputTokens: tokens,
      transcriptionSeconds: z.number().min(0),
      estimatedCostUsd: z.number().min(0),
    }),
    recording: z.object({ sid: z.string().min(1), channels: z.int().min(1).max(2) }).nullable(),
  })
  .refine((b) => b.idempotencyKey === callRecordKey(b.callSid), { error: 'expected "<callSid>:record"', path: ['idempotencyKey'] })
  .refine((b) => Date.parse(b.endedAt) >= Date.parse(b.startedAt), { error: 'expected endedAt at or after startedAt', path: ['endedAt'] });

/** What the bridge builds; `summary` may be left out. */
export type CallRecordBody = z.input<typeof callRecordBodySchema>;

/** The record's idempotency key (contract README, POST call-record). */
export function callRecordKey(callSid: string): string {
  return `${callSid}:record`;
}

export function parseCallRecordBody(input: unknown): { ok: true; body: CallRecordBody } | { ok: false; error: string } {
  const result = callRecordBodySchema.safeParse(input);
  if (result.success) return { ok: true, body: result.data };
  const issue = result.error.issues[0]!;
  return { ok: false, error: `${formatPath(issue.path) || '(root)'}: ${issue.message}` };
}

export type CallRecordResult =
  | { kind: 'stored'; duplicate: boolean }
  /** 404: the app does not take call records. */
  | { kind: 'not-taken' }
  | { kind: 'refused'; reason: string }
  | { kind: 'retryable'; reason: string };

/** Maps a call-record answer (contract README: 200/201/409 success; 5xx retry; 404 not taken; other 4xx refused). */
export function classifyCallRecordResponse(status: number, json: unknown): CallRecordResult {
  if (status === 200 || status === 201) return { kind: 'stored', duplicate: false };
  if (status === 409) return { kind: 'stored', duplicate: true };
  if (status === 404) return { kind: 'not-taken' };
  // As for orders: 401/403 are our own misconfiguration and 408/429 transient, so the record is kept and retried.
  if (status >= 500 || [401, 403, 408, 429].includes(status)) return { kind: 'retryable', reason: `HTTP ${status}` };
  const error = z.object({ error: z.string().min(1) }).safeParse(json);
  return { kind: 'refused', reason: error.success ? error.data.error : `HTTP ${status}` };
}
