import { realtimeRates } from '../../src/ops/prices.js';
import { describe, expect, it } from 'vitest';
import { CallReport } from '../../src/ops/call-report.js';
import { createMetrics } from '../../src/metrics.js';
import { CallMetricsObserver, callOutcome } from '../../src/ops/call-metrics-observer.js';

async function sample(metrics: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  // Histogram series (`_sum`, `_count`) are values of the histogram, named by `metricName`.
  const values = (await metrics.registry.getMetricsAsJSON()).flatMap((m) =>
    m.values.map((v) => ({ ...v, name: (v as { metricName?: string }).metricName ?? m.name })),
  );
  return values.find((v) => v.name === name && Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

function observer() {
  const metrics = createMetrics({ defaultMetrics: false });
  const obs = new CallMetricsObserver(metrics, new CallReport({ callSid: 'CA1', startedAtMs: 1000, rates: realtimeRates('gpt-realtime-2.1') }));
  return { metrics, obs };
}

describe('CallMetricsObserver', () => {
  it('feeds latencies, barge-ins, errors and tool durations to the metrics and to the call record', async () => {
    const { metrics, obs } = observer();
    obs.greetingLatency(700);
    obs.turnLatency('first_audio', 500);
    obs.turnLatency('playout', 800);
    obs.turnLatency('playout', 1200);
    obs.bargeIn();
    obs.modelError('rate_limit_exceeded');
    obs.modelReconnected();
    obs.toolFinished('add_item', 'ok', 12);
    const record = obs.finish('caller-hung-up', 61_000);
    expect(await sample(metrics, 'voice_bridge_greeting_latency_seconds_sum')).toBeCloseTo(0.7);
    expect(await sample(metrics, 'voice_bridge_turn_latency_first_audio_seconds_count')).toBe(1);
    expect(await sample(metrics, 'voice_bridge_turn_latency_playout_seconds_count')).toBe(2);
    expect(await sample(metrics, 'voice_bridge_barge_ins_total')).toBe(1);
    expect(await sample(metrics, 'voice_bridge_model_errors_total', { code: 'rate_limit_exceeded' })).toBe(1);
    expect(await sample(metrics, 'voice_bridge_model_reconnects_total')).toBe(1);
    expect(await sample(metrics, 'voice_bridge_tool_duration_seconds_count', { tool: 'add_item', outcome: 'ok' })).toBe(1);
    expect(record).toMatchObject({ durationMs: 60_000, endReason: 'caller-hung-up', turns: 2, bargeIns: 1, greetingLatencyMs: 700, modelReconnects: 1 });
    expect(record.turnLatencyMs).toEqual({ p50: 800, p95: 1200, max: 1200 });
    expect(await sample(metrics, 'voice_bridge_calls_total', { outcome: 'no_order', channel: 'phone' })).toBe(1);
    expect(record.channel).toBe('phone');
  });

  it('counts a browser call (operator console) under channel browser, in the metrics and the record', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const obs = new CallMetricsObserver(metrics, new CallReport({ callSid: 'BR1', channel: 'browser', startedAtMs: 0 }));
    expect(obs.finish('caller-hung-up', 1).channel).toBe('browser');
    expect(await sample(metrics, 'voice_bridge_calls_total', { outcome: 'no_order', channel: 'browser' })).toBe(1);
    expect(await sample(metrics, 'voice_bridge_calls_total', { channel: 'phone' })).toBeUndefined();
  });

  it('counts tokens from response.done usage and prices them in the record; garbage usage adds nothing', async () => {
    const { metrics, obs } = observer();
    obs.usage({ input_tokens: 150, output_tokens: 60, input_token_details: { audio_tokens: 100, text_tokens: 50, cached_tokens_details: { audio_tokens: 40 } }, output_token_details: { audio_tokens: 60 } });
    obs.usage({ input_tokens: 'lots', input_token_details: 7, output_token_details: null } as unknown as Record<string, unknown>);
    obs.usage(undefined);
    const record = obs.finish('agent-hung-up', 2000);
    expect(await sample(metrics, 'voice_bridge_tokens_total', { direction: 'input', modality: 'audio' })).toBe(60);
    expect(await sample(metrics, 'voice_bridge_tokens_total', { direction: 'input_cached', modality: 'audio' })).toBe(40);
    expect(await sample(metrics, 'voice_bridge_tokens_total', { direction: 'input', modality: 'text' })).toBe(50);
    expect(await sample(metrics, 'voice_bridge_tokens_total', { direction: 'output', modality: 'audio' })).toBe(60);
    expect(record.responses).toBe(3);
    expect(record.tokens.audio).toEqual({ input: 60, inputCached: 40, output: 60 });
    expect(record.estimatedCostUsd).toBeGreaterThan(0);
  });

  it('counts order submissions by outcome and marks the call as an order', async () => {
    const { metrics, obs } = observer();
    obs.toolFinished('submit_order', 'rejected', 30);
    obs.toolFinished('submit_order', 'ok', 40);
    obs.orderSubmitted('ord_7');
    const record = obs.finish('agent-hung-up', 5000);
    expect(record.orderId).toBe('ord_7');
    expect(await sample(metrics, 'voice_bridge_order_submissions_total', { outcome: 'rejected' })).toBe(1);
    expect(await sample(metrics, 'voice_bridge_order_submissions_total', { outcome: 'ok' })).toBe(1);
    expect(await sample(metrics, 'voice_bridge_calls_total', { outcome: 'order_submitted' })).toBe(1);
  });
});

describe('callOutcome', () => {
  it('maps end reasons to outcome labels', () => {
    expect(callOutcome('transferred', true)).toBe('transferred');
    expect(callOutcome('agent-hung-up', true)).toBe('order_submitted');
    expect(callOutcome('model-error', false)).toBe('error');
    expect(callOutcome('setup-failed', false)).toBe('error');
    expect(callOutcome('shutdown', false)).toBe('shutdown');
    expect(callOutcome('caller-hung-up', false)).toBe('no_order');
  });
});

describe('CallMetricsObserver: transcription', () => {
  it('counts seconds of transcribed caller audio in metrics and the record', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const obs = new CallMetricsObserver(metrics, new CallReport({ callSid: 'CA1', startedAtMs: 0, transcriptionUsdPerMinute: 0.017 }));
    obs.transcriptionUsage({ type: 'duration', seconds: 4.5 });
    obs.transcriptionUsage({ type: 'duration', seconds: -1 });
    obs.transcriptionUsage(undefined);
    const series = await metrics.registry.getSingleMetric('voice_bridge_transcription_seconds_total')!.get();
    expect(series.values[0]!.value).toBe(4.5);
    expect(obs.finish('caller-hung-up', 1).transcription.seconds).toBe(4.5);
  });
});
