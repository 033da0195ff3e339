import type { AfterCall, CallContext } from '../call/call-types.js';
import { callRecordKey, type CallOutcome, type CallRecordBody } from '../main-app/call-record.js';
import { ERROR_REASONS } from '../ops/call-metrics-observer.js';
import type { CallRecord } from '../ops/call-report.js';

/**
 * The body of the app's call record (contract: call-record.example.json), built from what the bridge knows once a
 * call ended (or was refused at the webhook). Pure.
 */

export interface EndedCall {
  context: CallContext;
  startedAt: Date;
  endedAt: Date;
  /** The org's default language (the app's config), or the bridge's default when the org is unknown. */
  language: string;
  report: CallRecord;
  after: AfterCall;
}

/** Why the webhook did not connect a call. */
export type RefusalReason = 'draining' | 'busy' | 'org-cap' | 'org-not-found' | 'org-unavailable';

export interface RefusedCall {
  callSid: string;
  orgId: string;
  from: string | undefined;
  to: string | undefined;
  at: Date;
  reason: RefusalReason;
  language: string;
  model: string;
}

/** Before anything else: an order placed (even if the call went on to staff), then a transfer, then failures. */
export function recordOutcome(endReason: string, after: Pick<AfterCall, 'orderSent' | 'transcript'>): CallOutcome {
  if (after.orderSent) return 'order-placed';
  if (endReason === 'transferred') return 'transferred';
  if (ERROR_REASONS.has(endReason)) return 'failed';
  if (endReason === 'shutdown') return 'failed';
  const callerSpoke = after.transcript.some((line) => line.role === 'caller');
  return callerSpoke ? 'no-order' : 'abandoned';
}

export function endedCallRecord({ context, startedAt, endedAt, language, report, after }: EndedCall): CallRecordBody {
  const { tokens } = report;
  return {
    ...whoCalled(context),
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationSeconds: Math.max(0, Math.round((endedAt.getTime() - startedAt.getTime()) / 100) / 10),
    outcome: recordOutcome(report.endReason, after),
    endReason: report.endReason,
    orderId: report.orderId,
    language,
    ...(after.summary ? { summary: after.summary } : {}),
    transcript: after.transcript.map(({ role, text, atMs }) => ({ role, text, atMs: Math.max(0, Math.round(atMs)) })),
    turns: report.turns,
    bargeIns: report.bargeIns,
    transferred: report.endReason === 'transferred',
    latency: { greetingMs: report.greetingLatencyMs, turnP50Ms: report.turnLatencyMs.p50, turnP95Ms: report.turnLatencyMs.p95 },
    usage: {
      model: report.model ?? 'unknown',
      // `cached_tokens` is a part of `input_tokens` (the `openai` package's RealtimeResponseUsage): input counts both.
      audioInputTokens: tokens.audio.input + tokens.audio.inputCached,
      audioOutputTokens: tokens.audio.output,
      textInputTokens: tokens.text.input + tokens.text.inputCached,
      textOutputTokens: tokens.text.output,
      cachedInputTokens: tokens.audio.inputCached + tokens.text.inputCached,
      transcriptionSeconds: report.transcription.seconds,
      estimatedCostUsd: report.estimatedCostUsd,
    },
    recording: after.recordingSid ? { sid: after.recordingSid, channels: 2 } : null,
  };
}

/** The call's identity in the record: a withheld caller ID is null; `to` is always given by Twilio. */
function whoCalled(call: { orgId: string; callSid: string; from?: string | undefined; to?: string | undefined }) {
  return { orgId: call.orgId, callSid: call.callSid, idempotencyKey: callRecordKey(call.callSid), from: call.from || null, to: call.to || 'unknown' };
}

const NO_TOKENS = { audioInputTokens: 0, audioOutputTokens: 0, textInputTokens: 0, textOutputTokens: 0, cachedInputTokens: 0 };

export function refusedCallRecord(refused: RefusedCall): CallRecordBody {
  const at = refused.at.toISOString();
  return {
    ...whoCalled(refused),
    startedAt: at,
    endedAt: at,
    durationSeconds: 0,
    outcome: 'refused',
    endReason: refused.reason,
    orderId: null,
    language: refused.language,
    transcript: [],
    turns: 0,
    bargeIns: 0,
    transferred: false,
    latency: { greetingMs: null, turnP50Ms: null, turnP95Ms: null },
    usage: { model: refused.model, ...NO_TOKENS, transcriptionSeconds: 0, estimatedCostUsd: 0 },
    recording: null,
  };
}
