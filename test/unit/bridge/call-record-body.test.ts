import { describe, expect, it } from 'vitest';
import { endedCallRecord, recordOutcome, refusedCallRecord } from '../../../src/bridge/call-record-body.js';
import { parseCallRecordBody } from '../../../src/main-app/call-record.js';
import { CallReport } from '../../../src/ops/call-report.js';

const callSid = 'CA0123456789abcdef0123456789abcdef';
const context = { callSid, streamSid: 'MZ1', accountSid: 'AC1', orgId: 'org_luigis', from: '+15551230000', to: '+15005550006' };
const said = (role: 'caller' | 'agent', text = 'hi', atMs = 0) => ({ role, text, atMs });

function report(reason: string) {
  const r = new CallReport({ callSid, orgId: 'org_luigis', model: 'gpt-realtime-2.1', startedAtMs: 0 });
  r.setEndReason(reason);
  r.addUsage({ input_tokens: 100, output_tokens: 50, input_token_details: { text_tokens: 60, audio_tokens: 40, cached_tokens: 30, cached_tokens_details: { text_tokens: 30, audio_tokens: 0 } }, output_token_details: { text_tokens: 10, audio_tokens: 40 } });
  return r.finish(148_000);
}

describe('the call record body', () => {
  it('an ended call: the contract’s shape, input tokens counting their cached part, the summary only when written', () => {
    const body = endedCallRecord({
      context,
      startedAt: new Date('2026-11-24T18:03:12.000Z'),
      endedAt: new Date('2026-11-24T18:05:40.000Z'),
      language: 'en',
      report: report('agent-hung-up'),
      after: { transcript: [said('agent', 'Hello', 120.4), said('caller', 'A cola', 4210)], summary: 'A cola.', recordingSid: 'RE0123456789abcdef0123456789abcdef', orderSent: false },
    });
    expect(parseCallRecordBody(body)).toEqual({ ok: true, body });
    expect(body).toMatchObject({ idempotencyKey: `${callSid}:record`, durationSeconds: 148, outcome: 'no-order', summary: 'A cola.', recording: { sid: 'RE0123456789abcdef0123456789abcdef', channels: 2 } });
    expect(body.transcript[0]!.atMs).toBe(120);
    expect(body.usage).toMatchObject({ textInputTokens: 60, audioInputTokens: 40, cachedInputTokens: 30, textOutputTokens: 10, audioOutputTokens: 40 });
    const unsaid = endedCallRecord({ context: { ...context, from: undefined }, startedAt: new Date(0), endedAt: new Date(1000), language: 'es', report: report('caller-hung-up'), after: { transcript: [], summary: undefined, recordingSid: undefined, orderSent: false } });
    expect(unsaid).not.toHaveProperty('summary');
    expect(unsaid).toMatchObject({ from: null, recording: null, language: 'es' });
    expect(parseCallRecordBody(unsaid).ok).toBe(true);
  });

  it('outcome: an order first, then a transfer, then the bridge or model failing, then whether the caller spoke', () => {
    const caller = [said('caller')];
    expect(recordOutcome('transferred', { orderSent: true, transcript: caller })).toBe('order-placed');
    expect(recordOutcome('transferred', { orderSent: false, transcript: caller })).toBe('transferred');
    for (const reason of ['setup-failed', 'model-error', 'model-closed', 'shutdown']) expect(recordOutcome(reason, { orderSent: false, transcript: caller })).toBe('failed');
    expect(recordOutcome('caller-hung-up', { orderSent: false, transcript: caller })).toBe('no-order');
    expect(recordOutcome('caller-hung-up', { orderSent: false, transcript: [said('agent')] })).toBe('abandoned');
    expect(recordOutcome('silence', { orderSent: false, transcript: [] })).toBe('abandoned');
  });

  it('a refused call: outcome refused, no time, no usage, valid for the contract', () => {
    const body = refusedCallRecord({ callSid, orgId: 'org_x', from: undefined, to: undefined, at: new Date('2026-12-03T10:00:00Z'), reason: 'org-cap', language: 'en', model: 'gpt-realtime-2.1' });
    expect(parseCallRecordBody(body)).toEqual({ ok: true, body });
    expect(body).toMatchObject({ outcome: 'refused', endReason: 'org-cap', durationSeconds: 0, from: null, to: 'unknown', transcript: [] });
  });
});
