import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import { realtimeRates } from '../../src/ops/prices.js';
import { describe, expect, it } from 'vitest';
import {
  CallReport,
  estimateCostUsd,
  percentile,
  tokenBreakdown,
  type RateTable,
} from '../../src/ops/call-report.js';

const usage: RealtimeResponseUsage = {
  input_tokens: 1300,
  output_tokens: 250,
  total_tokens: 1550,
  input_token_details: {
    text_tokens: 1000,
    audio_tokens: 300,
    image_tokens: 0,
    cached_tokens: 900,
    cached_tokens_details: { text_tokens: 800, audio_tokens: 100, image_tokens: 0 },
  },
  output_token_details: { text_tokens: 50, audio_tokens: 200 },
};

describe('tokenBreakdown', () => {
  it('treats cached tokens as a subset of input: uncached = modality tokens − cached of that modality', () => {
    expect(tokenBreakdown(usage)).toEqual({
      text: { input: 200, inputCached: 800, output: 50 },
      audio: { input: 200, inputCached: 100, output: 200 },
    });
  });

  it('defaults every missing field to 0', () => {
    const zero = { input: 0, inputCached: 0, output: 0 };
    expect(tokenBreakdown(undefined)).toEqual({ text: zero, audio: zero });
    expect(tokenBreakdown({ input_tokens: 5 })).toEqual({ text: zero, audio: zero });
    expect(tokenBreakdown({ input_token_details: { audio_tokens: 40 } })).toEqual({ text: zero, audio: { input: 40, inputCached: 0, output: 0 } });
  });

  it('never yields negative uncached input when cached exceeds the total', () => {
    const odd = tokenBreakdown({ input_token_details: { text_tokens: 10, cached_tokens_details: { text_tokens: 30 } } });
    expect(odd.text).toEqual({ input: 0, inputCached: 30, output: 0 });
  });
});

describe('estimateCostUsd', () => {
  it('prices each bucket at its own rate (gpt-realtime)', () => {
    // text: 200×4 + 800×0.4 + 50×16 = 1920; audio: 200×32 + 100×0.4 + 200×64 = 19240; per 1M tokens.
    expect(estimateCostUsd(tokenBreakdown(usage), realtimeRates('gpt-realtime'))).toBeCloseTo(0.02116, 10);
  });

  it('prices 2.x text output at 24 per 1M, not gpt-realtime\'s 16', () => {
    // text: 200×4 + 800×0.4 + 50×24 = 2320; audio as above 19240.
    expect(estimateCostUsd(tokenBreakdown(usage), realtimeRates('gpt-realtime-2.1'))).toBeCloseTo(0.02156, 10);
    expect(realtimeRates('gpt-realtime-2.1-mini').audio).toEqual({ input: 10, inputCached: 0.3, output: 20 });
    expect(realtimeRates('gpt-realtime-2025-08-28')).toEqual(realtimeRates('gpt-realtime'));
  });

  it('uses a rate table passed in', () => {
    const flat: RateTable = { text: { input: 1, inputCached: 1, output: 1 }, audio: { input: 1, inputCached: 1, output: 1 } };
    expect(estimateCostUsd(tokenBreakdown(usage), flat)).toBeCloseTo(1550 / 1e6, 10);
  });

});

describe('percentile', () => {
  it('uses nearest rank and is null when empty', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([700], 95)).toBe(700);
    const samples = [900, 100, 500, 300, 700, 200, 800, 400, 1000, 600];
    expect(percentile(samples, 50)).toBe(500);
    expect(percentile(samples, 95)).toBe(1000);
    expect(percentile(samples, 10)).toBe(100);
  });
});

describe('CallReport', () => {
  it('produces an empty but complete record for a call with no activity', () => {
    const report = new CallReport({ callSid: 'CA1', startedAtMs: 1000 });
    expect(report.finish(1000)).toEqual({
      callSid: 'CA1',
      channel: 'phone',
      streamSid: null,
      orgId: null,
      model: null,
      durationMs: 0,
      endReason: 'unknown',
      turns: 0,
      responses: 0,
      turnLatencyMs: { p50: null, p95: null, max: null },
      greetingLatencyMs: null,
      bargeIns: 0,
      modelReconnects: 0,
      tokens: { text: { input: 0, inputCached: 0, output: 0 }, audio: { input: 0, inputCached: 0, output: 0 } },
      tokenTotals: { input: 0, output: 0 },
      cachedInputShare: null,
      transcription: { seconds: 0, inputTokens: 0, outputTokens: 0 },
      estimatedCostUsd: 0,
      orderId: null,
    });
  });

  it('accumulates usage, turns, barge-ins and identifiers into the finished record', () => {
    const report = new CallReport({ callSid: 'CA1', streamSid: 'MZ1', orgId: 'org_1', model: 'gpt-realtime', startedAtMs: 10_000, rates: realtimeRates('gpt-realtime') });
    report.addUsage(usage);
    report.addUsage(usage);
    report.addUsage(undefined);
    for (const ms of [620, 540, 910, 480, 1300]) report.addTurnLatency(ms);
    report.addTurnLatency(Number.NaN);
    report.addTurnLatency(-5);
    report.setGreetingLatency(350);
    report.addBargeIn();
    report.addBargeIn();
    report.addModelReconnect();
    report.setOrderId('ord_42');
    report.setEndReason('bot-hangup');
    report.setEndReason('twilio-stop');

    const record = report.finish(10_000 + 95_400.4);
    expect(record).toMatchObject({
      callSid: 'CA1',
      streamSid: 'MZ1',
      orgId: 'org_1',
      model: 'gpt-realtime',
      durationMs: 95_400,
      endReason: 'bot-hangup',
      turns: 5,
      responses: 3,
      turnLatencyMs: { p50: 620, p95: 1300, max: 1300 },
      greetingLatencyMs: 350,
      bargeIns: 2,
      modelReconnects: 1,
      tokens: { text: { input: 400, inputCached: 1600, output: 100 }, audio: { input: 400, inputCached: 200, output: 400 } },
      tokenTotals: { input: 2600, output: 500 },
      orderId: 'ord_42',
    });
    expect(record.estimatedCostUsd).toBeCloseTo(0.04232, 10);
  });

  it('prices with the rate table given at construction', () => {
    const free: RateTable = { text: { input: 0, inputCached: 0, output: 0 }, audio: { input: 0, inputCached: 0, output: 0 } };
    const report = new CallReport({ callSid: 'CA1', startedAtMs: 0, rates: free });
    report.addUsage(usage);
    expect(report.finish(1).estimatedCostUsd).toBe(0);
  });

  it('counts transcription by duration into the cost, and reports the cached share of the input', () => {
    const report = new CallReport({ callSid: 'CA1', startedAtMs: 0, transcriptionUsdPerMinute: 0.017 });
    report.addTranscription({ type: 'duration', seconds: 30 });
    report.addTranscription({ type: 'duration', seconds: 90 });
    report.addTranscription({ type: 'tokens', input_tokens: 12, output_tokens: 3, total_tokens: 15 });
    report.addTranscription('garbage');
    report.addUsage(usage);
    const record = report.finish(1);
    expect(record.transcription).toEqual({ seconds: 120, inputTokens: 12, outputTokens: 3 });
    expect(record.estimatedCostUsd).toBeCloseTo(0.034, 10);
    // cached 800 + 100 of 800 + 100 + 200 + 200 input tokens.
    expect(record.cachedInputShare).toBeCloseTo(900 / 1300, 3);
  });

  it('returns a snapshot: later activity does not change an earlier record', () => {
    const report = new CallReport({ callSid: 'CA1', startedAtMs: 0 });
    report.addUsage(usage);
    const first = report.finish(100);
    report.addUsage(usage);
    expect(first.tokens.audio.output).toBe(200);
    expect(report.finish(200).tokens.audio.output).toBe(400);
  });
});
