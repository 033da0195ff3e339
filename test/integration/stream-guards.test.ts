import { afterEach, describe, expect, it } from 'vitest';
import { loadContractExample } from '../../sim/main-app.js';
import { ManualClock } from '../../src/clock.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { modelCaughtUp, waitForCondition, waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const signed = { TWILIO_AUTH_TOKEN: 'test_auth_token' };

async function waitForConnections(h: Harness, count: number): Promise<void> {
  const open = () => new Promise<number>((resolve) => h.bridge.app.server.getConnections((_err, n) => resolve(n)));
  for (let i = 0; i < 300 && (await open()) !== count; i++) await new Promise((r) => setTimeout(r, 10));
  expect(await open()).toBe(count);
}

async function rejections(h: Harness, check: string, reason: string): Promise<number> {
  const metric = await h.bridge.deps.metrics.registry.getSingleMetric('voice_bridge_rejections_total')!.get();
  return metric.values.find((v) => v.labels.check === check && v.labels.reason === reason)?.value ?? 0;
}

describe('one call, one stream', () => {
  it('refuses a second stream for a live call, even with a valid token, before any model session', async () => {
    h = await startHarness({ config: signed });
    const first = await h.call({ callSid: 'CAsame' });
    await first.waitForAudio(100, 3000);
    const second = await h.call({ callSid: 'CAsame' });
    const closed = await second.waitForClose(3000);
    expect(closed).toMatchObject({ code: 1008, by: 'bridge' });
    expect(h.model.sessions).toHaveLength(1);
    expect(h.bridge.deps.calls.size).toBe(1);
    expect(first.isOpen).toBe(true);
    expect(await rejections(h, 'replay', 'stream_already_used')).toBe(1);
  });

  it('refuses a stream for a call that already ended, and a replayed webhook for it mints nothing', async () => {
    h = await startHarness({ config: signed });
    const first = await h.call({ callSid: 'CAdone' });
    await first.waitForAudio(100, 3000);
    await first.hangUp();
    await waitForCondition(() => h!.bridge.deps.calls.size === 0);
    const replay = await h.webhook('?orgId=org_luigis', { CallSid: 'CAdone', From: '+15551230001', To: '+15559870002' });
    const twiml = await replay.text();
    expect(twiml).not.toContain('<Stream');
    expect(h.bridge.deps.prewarm.size).toBe(0);
    const again = await h.call({ callSid: 'CAdone' });
    expect((await again.waitForClose(3000)).code).toBe(1008);
    expect(h.model.sessions).toHaveLength(1);
  });

  it("applies the org's cap at stream start to a stream no webhook admitted here", async () => {
    const org = { ...(loadContractExample('org-config.example.json') as Record<string, unknown>), maxConcurrentCalls: 1 };
    h = await startHarness({ mainApp: { orgs: { org_luigis: org } } });
    const first = await h.call();
    await first.waitForAudio(100, 3000);
    const second = await h.call();
    expect((await second.waitForClose(3000)).code).toBe(1013);
    expect(h.model.sessions).toHaveLength(1);
    expect(await rejections(h, 'admission', 'stream_org_cap')).toBe(1);
  });
});

describe('a phone leg that goes quiet', () => {
  it('ends the call, hangs up over REST, closes the model session and frees the slot when no frame comes for the configured time', async () => {
    h = await startHarness({ twilioRest: true, config: { STREAM_SILENCE_SECONDS: '1' } });
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitForAudio(100, 3000);
    call.goSilent();
    expect(await waitForLog(h, (l) => l.msg === 'call ended', 5000)).toMatchObject({ reason: 'stream-silent' });
    await session.closed;
    await h.twilioRest!.waitForRequest((r) => r.callSid === call.callSid && r.params.Status === 'completed', 3000);
    await waitForCondition(() => h!.bridge.deps.calls.size === 0);
    const metric = await h.bridge.deps.metrics.registry.getSingleMetric('voice_bridge_watchdog_total')!.get();
    expect(metric.values.find((v) => v.labels.peer === 'stream' && v.labels.why === 'silence')?.value).toBe(1);
  });
});

describe('before start', () => {
  it('caps the sockets waiting for their start', async () => {
    h = await startHarness({ config: { MAX_STREAMS_WAITING_FOR_START: '2' } });
    const waiting = [await h.call({ sendStart: false }), await h.call({ sendStart: false })];
    await waitForCondition(() => h!.bridge.deps.streamGate.waitingForStart === 2);
    const third = await h.call({ sendStart: false });
    expect((await third.waitForClose(3000)).code).toBe(1013);
    expect(waiting.every((c) => c.isOpen)).toBe(true);
    expect(await rejections(h, 'admission', 'streams_waiting_for_start')).toBe(1);
  });

  it('rate-limits the warnings anyone can cause before a start', async () => {
    h = await startHarness();
    const call = await h.call({ sendStart: false });
    for (let i = 0; i < 60; i++) call.sendRaw('not json');
    call.sendStart();
    await call.waitForAudio(100, 3000);
    const warnings = h.logs.filter((l) => l.msg === 'invalid Twilio message before start dropped');
    expect(warnings.length).toBe(20);
  });

  it('takes no start once it has closed the socket for want of one', async () => {
    const clock = new ManualClock();
    h = await startHarness({ clock });
    const call = await h.call({ sendStart: false });
    await waitForCondition(() => h!.bridge.deps.streamGate.waitingForStart === 1);
    // The start leaves now, but the bridge reads it only after the timer (run inside advance) closed the socket.
    call.sendStart();
    clock.advance(5000);
    expect((await call.waitForClose(3000)).code).toBe(1008);
    // Once the server's TCP connection is gone, it has read every frame the caller sent.
    await waitForConnections(h, 0);
    expect(h.logs.some((l) => l.msg === 'call stream started')).toBe(false);
    expect(h.model.sessions).toHaveLength(0);
  });
});

describe('gaps in caller audio', () => {
  it('hands the model μ-law silence for a stretch Twilio never sent, so its clock keeps up with the stream', async () => {
    h = await startHarness();
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitForAudio(100, 3000);
    const lagBefore = call.streamTimeMs - session.appendedBytes / 8;
    await call.gap(600);
    await modelCaughtUp(session);
    // Without the fill the model's clock would stay 600 ms behind the stream for the rest of the call.
    const lagAfter = call.streamTimeMs - session.appendedBytes / 8;
    expect(lagAfter - lagBefore).toBeLessThan(200);
  });
});

describe('bad input at the edges', () => {
  it('answers a webhook that is not a form with 415, counted, even when it would trip the signature check', async () => {
    h = await startHarness({ config: signed });
    const res = await fetch(`${h.httpUrl}/twiml/start?orgId=org_luigis`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twilio-signature': 'x' },
      body: JSON.stringify({ CallSid: { nested: true }, From: 5 }),
    });
    expect(res.status).toBe(415);
    expect(await rejections(h, 'webhook_input', 'unsupported_media_type')).toBe(1);
    expect(h.logs.some((l) => (l.level as number) >= 50)).toBe(false);
  });

  it('answers a repeated webhook parameter with 400, counted', async () => {
    h = await startHarness();
    const res = await fetch(`${h.httpUrl}/twiml/start?orgId=org_luigis&orgId=org_other`);
    expect(res.status).toBe(400);
    const posted = await fetch(`${h.httpUrl}/twiml/start?orgId=org_luigis`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'CallSid=CA1&CallSid=CA2',
    });
    expect(posted.status).toBe(400);
    expect(await rejections(h, 'webhook_input', 'not_a_string')).toBe(2);
  });

  it('never forwards a media payload carrying JSON-escaped control characters to the model', async () => {
    h = await startHarness();
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitForAudio(100, 3000);
    call.sendRawMedia('AAAA\\u0000AAA');
    call.sendRawMedia('\\u001fAAA');
    await waitForLog(h, (l) => l.msg === 'invalid Twilio message dropped');
    await modelCaughtUp(session);
    expect(session.sent.filter((e) => e.type === 'error')).toEqual([]);
    expect(call.isOpen).toBe(true);
  });
});
