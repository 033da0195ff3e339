import { afterEach, describe, expect, it } from 'vitest';
import { say } from '../../sim/realtime-server.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { waitForCondition, waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function scrape(h: Harness, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.httpUrl}/metrics`, { headers });
}

/** One sample from Prometheus text: `name{a="b",…} value`, labels matched exactly; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  const prefix = wanted === '' ? `${name} ` : `${name}{${wanted}} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

/** A 1.5 s greeting the caller can interrupt, then short answers. */
const interruptibleGreeting = {
  model: { responder: (ctx: { trigger: string }) => (ctx.trigger === 'client' ? [say('Hello and welcome to the shop.', 1500)] : [say('Okay.', 400)]) },
};

describe('GET /metrics', () => {
  it('asks for the bearer token when METRICS_TOKEN is set', async () => {
    h = await startHarness({ config: { METRICS_TOKEN: 'scrape-secret' } });
    expect((await scrape(h)).status).toBe(401);
    expect((await scrape(h, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await scrape(h, { authorization: 'scrape-secret' })).status).toBe(401);
    const ok = await scrape(h, { authorization: 'Bearer scrape-secret' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    expect(sample(text, 'voice_bridge_active_calls')).toBe(0);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('moves with a call: active calls, greeting and turn latency, barge-ins, tokens, outcome; and logs one call record', async () => {
    h = await startHarness(interruptibleGreeting);
    const call = await h.call();
    await call.waitFor(() => call.playedMs >= 500, 5000, 'some greeting played');
    const during = await (await scrape(h)).text();
    expect(sample(during, 'voice_bridge_active_calls')).toBe(1);
    expect(sample(during, 'voice_bridge_greeting_latency_seconds_count')).toBe(1);

    await call.say(600);
    await waitForLog(h, (l) => l.msg === 'barge-in');
    await waitForCondition(() => h!.logs.some((l) => l.msg === 'agent said' && l.agent === 'Okay.'), 5000, 'the answer');
    await call.waitForBotSilence(200);
    await call.hangUp();
    await waitForCondition(() => h!.bridge.deps.calls.size === 0);

    const after = await (await scrape(h)).text();
    expect(sample(after, 'voice_bridge_active_calls')).toBe(0);
    expect(sample(after, 'voice_bridge_calls_total', { outcome: 'no_order', channel: 'phone' })).toBe(1);
    expect(sample(after, 'voice_bridge_barge_ins_total')).toBe(1);
    expect(sample(after, 'voice_bridge_turn_latency_first_audio_seconds_count')).toBe(1);
    expect(sample(after, 'voice_bridge_turn_latency_playout_seconds_count')).toBe(1);
    expect(sample(after, 'voice_bridge_tokens_total', { direction: 'input', modality: 'audio' })).toBeGreaterThan(0);
    expect(sample(after, 'voice_bridge_tokens_total', { direction: 'output', modality: 'audio' })).toBeGreaterThan(0);

    const record = await waitForLog(h, (l) => l.msg === 'call record');
    expect(record).toMatchObject({ callSid: call.callSid, endReason: 'caller-hung-up', turns: 1, bargeIns: 1, orderId: null });
    expect(record.durationMs as number).toBeGreaterThan(0);
    expect((record.turnLatencyMs as { p50: number | null }).p50).not.toBeNull();
    expect(record.estimatedCostUsd as number).toBeGreaterThan(0);
    expect(h.logs.filter((l) => l.msg === 'call record')).toHaveLength(1);
  });

  it('counts refused requests by check and reason', async () => {
    h = await startHarness({ config: { TWILIO_AUTH_TOKEN: 'test_auth_token' } });
    await h.webhook('?orgId=org_luigis', { CallSid: 'CA1' }, { 'x-twilio-signature': 'bm90IGEgc2lnbmF0dXJl' });
    const text = await (await scrape(h)).text();
    expect(sample(text, 'voice_bridge_rejections_total', { check: 'webhook_signature', reason: 'invalid' })).toBe(1);
  });

  it('keeps one registry per server', async () => {
    h = await startHarness();
    const other = await startHarness();
    try {
      const call = await other.call();
      await call.waitForAudio(100, 3000);
      expect(sample(await (await scrape(other)).text(), 'voice_bridge_active_calls')).toBe(1);
      expect(sample(await (await scrape(h)).text(), 'voice_bridge_active_calls')).toBe(0);
    } finally {
      await other.close();
    }
  });
});
