import { afterEach, describe, expect, it } from 'vitest';
import { say } from '../../sim/realtime-server.js';
import { TwilioHandshakeError } from '../../sim/twilio-caller.js';
import { ManualClock } from '../../src/clock.js';
import { APOLOGY_BUSY } from '../../src/http/twiml-route.js';
import { createDrainer } from '../../src/ops/drain.js';
import { escapeXml } from '../../src/twilio/twiml.js';
import { promptFor } from '../helpers/prompts.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { modelCaughtUp, waitForLog } from '../helpers/wait.js';

const DRAIN_MS = 600_000;
/** Every model answer is a short line, so calls reach silence quickly. */
const shortLines = { model: { responder: () => [say('Okay.', 400)] } };

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The drainer index.ts builds on SIGTERM, on a manual clock, with an order backlog that records its flush. */
function drainerFor(h: Harness) {
  const clock = new ManualClock();
  const flushes: number[] = [];
  const orders = { pendingCount: () => 0, flush: async () => (flushes.push(1), 0) };
  const { app, deps } = h.bridge;
  const drainer = createDrainer({ app, calls: deps.calls, lifecycle: deps.lifecycle, clock, logger: deps.logger, timeoutMs: DRAIN_MS, orders });
  return { clock, drainer, flushes };
}

function isWrapUp(event: { type: string }): boolean {
  return event.type === 'response.create' && (event as { response?: { metadata?: { purpose?: string } } }).response?.metadata?.purpose === 'wrap-up';
}

describe('drain on shutdown', () => {
  it('keeps a live call going until it ends, while new calls are refused and the probes say draining', async () => {
    h = await startHarness(shortLines);
    const live = await h.call();
    const model = await h.model.nextSession();
    await live.waitForAudio(100, 3000);
    await live.waitForBotSilence(200);
    const { drainer, flushes } = drainerFor(h);
    const drained = drainer.drain();

    const health = (await (await fetch(`${h.httpUrl}/health`)).json()) as { status: string; activeCalls: number };
    expect(health).toMatchObject({ status: 'draining', activeCalls: 1 });
    const ready = await fetch(`${h.httpUrl}/ready`);
    expect(ready.status).toBe(503);
    const xml = await (await h.webhook('?orgId=org_luigis', { CallSid: 'CA_new' })).text();
    expect(xml).toContain(`<Say language="en-US">${escapeXml(APOLOGY_BUSY)}</Say><Hangup/>`);
    expect(h.bridge.deps.prewarm.has('CA_new')).toBe(false);
    const upgrade = await h.call().catch((err: unknown) => err);
    expect(upgrade).toBeInstanceOf(TwilioHandshakeError);
    expect((upgrade as TwilioHandshakeError).statusCode).toBe(503);
    const metrics = await (await fetch(`${h.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/voice_bridge_rejections_total\{check="admission",reason="draining"\} 2/);

    // The live call still has a conversation: the caller speaks and hears an answer.
    const heard = live.receivedMs;
    await live.say(600);
    await live.waitFor(() => live.receivedMs > heard + 100, 5000, 'an answer during the drain');
    expect(model.isOpen).toBe(true);
    expect(flushes).toHaveLength(0);

    await live.hangUp();
    expect(await drained).toEqual({ callsAtStart: 1, wrappedUp: 0, ordersPending: 0 });
    expect(flushes).toHaveLength(1);
    expect(live.closeInfo?.by).toBe('caller');
  });

  it('wraps up the calls still alive at the deadline: a last line the caller hears, then the bridge hangs up', async () => {
    h = await startHarness(shortLines);
    const live = await h.call();
    const model = await h.model.nextSession();
    await live.waitForAudio(100, 3000);
    await live.waitForBotSilence(200);
    const { clock, drainer, flushes } = drainerFor(h);
    const drained = drainer.drain();
    clock.advance(DRAIN_MS - 1);
    await modelCaughtUp(model);
    expect(model.received.some(isWrapUp)).toBe(false);

    const heardBefore = live.playedMs;
    clock.advance(1);
    const result = await drained;
    expect(result).toEqual({ callsAtStart: 1, wrappedUp: 1, ordersPending: 0 });
    expect(model.received.filter(isWrapUp)).toHaveLength(1);
    // Nothing was ordered: the caller hears an apology, never that an order was placed.
    expect(promptFor(model, 'wrap-up')).toMatch(/restarting/);
    expect(promptFor(model, 'wrap-up')).not.toMatch(/placed/);
    const closed = await live.closed;
    expect(closed.by).toBe('bridge');
    expect(live.playedMs).toBeGreaterThan(heardBefore + 100);
    expect(flushes).toHaveLength(1);
    const record = await waitForLog(h, (l) => l.msg === 'call record');
    expect(record.endReason).toBe('shutdown');
  });

  it('closing the server without a drain hangs live calls up over REST instead of cutting the stream', async () => {
    h = await startHarness({ ...shortLines, twilioRest: true });
    const live = await h.call();
    await live.waitForAudio(100, 3000);
    await h.bridge.app.close();
    const hangUp = await h.twilioRest!.waitForRequest((r) => r.callSid === live.callSid && r.params.Status === 'completed', 3000);
    expect(hangUp.status).toBe(200);
    const closed = await live.closed;
    expect(closed.by).toBe('twilio');
    expect(h.twilioRest!.call(live.callSid)?.status).toBe('completed');
  });
});
