import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MAX_LABEL_VALUES, createMetrics } from '../../src/metrics.js';

/** The value of one sample line in the text exposition, e.g. `voice_bridge_barge_ins_total 2`. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('createMetrics', () => {
  it('registers on its own registry, so several instances coexist and the global registry stays empty', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.bargeIns.inc();
    expect(sample((await a.render()).body, 'voice_bridge_barge_ins_total')).toBe(1);
    expect(sample((await b.render()).body, 'voice_bridge_barge_ins_total')).toBe(0);
    expect(await globalRegistry.getSingleMetric('voice_bridge_barge_ins_total')).toBeUndefined();
  });

  it('renders Prometheus text with its content type', async () => {
    const { contentType } = await createMetrics({ defaultMetrics: false }).render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('collects process defaults and event-loop lag on the same registry', async () => {
    const { body } = await createMetrics().render();
    expect(body).toContain('nodejs_eventloop_lag_seconds');
    expect(body).toContain('process_cpu_user_seconds_total');
  });

  it('counts active calls, outcomes, model errors, reconnects and order submissions', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.activeCalls.inc();
    m.activeCalls.inc();
    m.activeCalls.dec();
    m.callsByOutcome('order_submitted', 'phone').inc();
    m.callsByOutcome('order_submitted', 'phone').inc();
    m.callsByOutcome('transferred', 'phone').inc();
    m.callsByOutcome('no_order', 'browser').inc();
    m.modelErrors('session_expired').inc();
    m.modelReconnects.inc();
    m.orderSubmissions('accepted').inc();
    const { body } = await m.render();
    expect(sample(body, 'voice_bridge_active_calls')).toBe(1);
    expect(sample(body, 'voice_bridge_calls_total{outcome="order_submitted",channel="phone"}')).toBe(2);
    expect(sample(body, 'voice_bridge_calls_total{outcome="transferred",channel="phone"}')).toBe(1);
    expect(sample(body, 'voice_bridge_calls_total{outcome="no_order",channel="browser"}')).toBe(1);
    expect(sample(body, 'voice_bridge_model_errors_total{code="session_expired"}')).toBe(1);
    expect(sample(body, 'voice_bridge_model_reconnects_total')).toBe(1);
    expect(sample(body, 'voice_bridge_order_submissions_total{outcome="accepted"}')).toBe(1);
  });

  it('hands out the same cached child for the same label value', () => {
    const m = createMetrics({ defaultMetrics: false });
    expect(m.callsByOutcome('error', 'phone')).toBe(m.callsByOutcome('error', 'phone'));
    expect(m.toolDuration('add_item', 'ok')).toBe(m.toolDuration('add_item', 'ok'));
    expect(m.tokens('output', 'audio')).toBe(m.tokens('output', 'audio'));
  });

  it('observes latencies in seconds into buckets suited to 0.1–3 s', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.turnLatencyFirstAudio.observe(0.45);
    m.turnLatencyPlayout.observe(0.75);
    m.turnLatencyPlayout.observe(2.2);
    m.greetingLatency.observe(1.1);
    const { body } = await m.render();
    expect(sample(body, 'voice_bridge_turn_latency_first_audio_seconds_bucket{le="0.5"}')).toBe(1);
    expect(sample(body, 'voice_bridge_turn_latency_first_audio_seconds_bucket{le="0.4"}')).toBe(0);
    expect(sample(body, 'voice_bridge_turn_latency_playout_seconds_bucket{le="0.8"}')).toBe(1);
    expect(sample(body, 'voice_bridge_turn_latency_playout_seconds_bucket{le="2.5"}')).toBe(2);
    expect(sample(body, 'voice_bridge_turn_latency_playout_seconds_count')).toBe(2);
    expect(sample(body, 'voice_bridge_greeting_latency_seconds_bucket{le="1.2"}')).toBe(1);
  });

  it('labels tool durations by tool and outcome', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.toolDuration('submit_order', 'error').observe(0.3);
    const { body } = await m.render();
    expect(sample(body, 'voice_bridge_tool_duration_seconds_count{tool="submit_order",outcome="error"}')).toBe(1);
  });

  it('records uncached input, cached input and output tokens separately per modality', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.recordTokens({ text: { input: 200, inputCached: 800, output: 50 }, audio: { input: 300, inputCached: 0, output: 120 } });
    m.recordTokens({ text: { input: 1, inputCached: 0, output: 0 }, audio: { input: 0, inputCached: 0, output: 0 } });
    const { body } = await m.render();
    expect(sample(body, 'voice_bridge_tokens_total{direction="input",modality="text"}')).toBe(201);
    expect(sample(body, 'voice_bridge_tokens_total{direction="input_cached",modality="text"}')).toBe(800);
    expect(sample(body, 'voice_bridge_tokens_total{direction="output",modality="text"}')).toBe(50);
    expect(sample(body, 'voice_bridge_tokens_total{direction="input",modality="audio"}')).toBe(300);
    expect(sample(body, 'voice_bridge_tokens_total{direction="input_cached",modality="audio"}')).toBe(0);
    expect(sample(body, 'voice_bridge_tokens_total{direction="output",modality="audio"}')).toBe(120);
  });

  it('counts rejections by check and reason', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.rejections('upgrade_signature', 'invalid').inc();
    m.rejections('stream_token', 'expired').inc();
    m.rejections('stream_token', 'expired').inc();
    const { body } = await m.render();
    expect(sample(body, 'voice_bridge_rejections_total{check="upgrade_signature",reason="invalid"}')).toBe(1);
    expect(sample(body, 'voice_bridge_rejections_total{check="stream_token",reason="expired"}')).toBe(2);
  });

  it('keeps label sets bounded: values past the cap count as "other", blanks as "unknown", long ones truncated', async () => {
    const m = createMetrics({ defaultMetrics: false });
    for (let i = 0; i < MAX_LABEL_VALUES + 10; i++) m.modelErrors(`code_${i}`).inc();
    m.modelErrors('  ').inc();
    m.modelErrors('x'.repeat(200)).inc();
    const { body } = await m.render();
    const series = body.split('\n').filter((l) => l.startsWith('voice_bridge_model_errors_total{'));
    expect(series).toHaveLength(MAX_LABEL_VALUES + 1);
    expect(sample(body, 'voice_bridge_model_errors_total{code="code_0"}')).toBe(1);
    expect(sample(body, 'voice_bridge_model_errors_total{code="other"}')).toBe(12);
    expect(body).not.toContain('code="code_40"');
    expect(body).not.toContain('x'.repeat(65));

    const fresh = createMetrics({ defaultMetrics: false });
    fresh.modelErrors('  ').inc();
    fresh.modelErrors('x'.repeat(200)).inc();
    const freshBody = (await fresh.render()).body;
    expect(sample(freshBody, 'voice_bridge_model_errors_total{code="unknown"}')).toBe(1);
    expect(sample(freshBody, `voice_bridge_model_errors_total{code="${'x'.repeat(64)}"}`)).toBe(1);
  });
});
