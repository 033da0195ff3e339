import { afterEach, describe, expect, it } from 'vitest';
import { callTool, say } from '../../sim/realtime-server.js';
import type { SimCall } from '../../sim/twilio-caller.js';
import { TwilioHandshakeError } from '../../sim/twilio-caller.js';
import type { Harness } from '../helpers/bridge-harness.js';
import { consoleFetch, EventReader, startBrowserCall, startConsoleHarness } from '../helpers/console.js';
import { stepResponder } from '../helpers/scripts.js';
import { waitForCondition, waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
const calls: SimCall[] = [];
afterEach(async () => {
  await Promise.all(calls.splice(0).filter((c) => c.isOpen).map((c) => c.hangUp()));
  await h?.close();
  h = undefined;
});

async function browserCall(options: Parameters<typeof startBrowserCall>[1] = {}): Promise<SimCall> {
  const call = await startBrowserCall(h!, options);
  calls.push(call);
  return call;
}

describe('WS /ws/browser: a call from the console page, on the Twilio Media Streams protocol', () => {
  it('the agent greets first; the bridge names the call (BR…), and it shows as channel browser', async () => {
    h = await startConsoleHarness({ model: { responder: stepResponder([[say('Hello from the agent!', 600)]]) } });
    const events = await EventReader.open(h);
    const call = await browserCall({ callSid: 'CAchosen-by-the-page' });
    await call.waitForAudio(600, 5000);
    await waitForCondition(() => call.markEchoes.length >= call.marksReceived.length && call.marksReceived.length > 0, 5000, 'marks echoed');
    const [listed] = (await (await consoleFetch(h, '/console/calls')).json()) as Array<{ callSid: string; channel: string; orgId: string }>;
    expect(listed).toMatchObject({ channel: 'browser', orgId: 'org_luigis' });
    expect(listed!.callSid).toMatch(/^BR[0-9a-f]{32}$/);
    const started = await events.waitFor((e) => e.event === 'call.started', 'call.started');
    expect(started.data).toMatchObject({ callSid: listed!.callSid, channel: 'browser' });
    events.close();
    expect(h.logs.some((l) => l.callSid === 'CAchosen-by-the-page')).toBe(false);
  });

  it('hears the caller (the stand-in model gets the audio and a turn) and carries channel browser into the call record and metrics', async () => {
    h = await startConsoleHarness({ model: { responder: stepResponder([[say('Hi!', 300)], [say('Sure.', 300)]]) } });
    const call = await browserCall();
    const session = await h.model.nextSession();
    await call.waitForBotSilence(200);
    await call.say(600);
    await session.waitUntil(() => session.appendedBytes >= 600 * 8, 3000, 'the caller audio at the model');
    await waitForCondition(() => session.responses.length === 2, 5000, 'a response to the caller turn');
    expect(session.responses[1]).toMatchObject({ trigger: 'vad' });
    await call.hangUp();
    const record = await waitForLog(h, (l) => l.msg === 'call record');
    expect(record).toMatchObject({ channel: 'browser', endReason: 'caller-hung-up' });
    const metrics = await (await fetch(`${h.httpUrl}/metrics`)).text();
    expect(metrics).toContain('voice_bridge_calls_total{outcome="no_order",channel="browser"} 1');
  });

  it('has no REST control: the bridge ends the call by closing the socket, and Twilio is never asked', async () => {
    h = await startConsoleHarness({ twilioRest: true, model: { responder: stepResponder([[say('Goodbye!', 300), callTool('end_call', {})]]) } });
    const call = await browserCall();
    const closed = await call.waitForClose(8000);
    expect(closed).toMatchObject({ by: 'bridge', code: 1000 });
    expect(call.playedMs).toBeGreaterThanOrEqual(299);
    expect(await waitForLog(h, (l) => l.msg === 'call ended')).toMatchObject({ reason: 'agent-hung-up' });
    expect(h.twilioRest!.requests).toEqual([]);
  });

  it('counts against the call caps: over MAX_CONCURRENT_CALLS it is refused (1013) with no model session', async () => {
    h = await startConsoleHarness({ config: { MAX_CONCURRENT_CALLS: '1' } });
    const phone = await h.call();
    await phone.waitForAudio(100, 3000);
    const refused = await browserCall();
    expect((await refused.waitForClose(3000)).code).toBe(1013);
    expect(h.model.sessions).toHaveLength(1);
    expect(phone.isOpen).toBe(true);
  });

  it('closes a start without an orgId (1008) before any model session', async () => {
    h = await startConsoleHarness();
    const call = await browserCall({ customParameters: {} });
    expect(await call.waitForClose(3000)).toMatchObject({ code: 1008, reason: 'missing orgId' });
    expect(h.model.sessions).toHaveLength(0);
  });

  it('refuses the upgrade (503) while the server drains', async () => {
    h = await startConsoleHarness();
    h.bridge.deps.lifecycle.beginDrain();
    const refused = await browserCall().catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TwilioHandshakeError);
    expect((refused as TwilioHandshakeError).statusCode).toBe(503);
    expect(h.model.sessions).toHaveLength(0);
  });
});
