import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { waitForCondition } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CALL_SID = 'CA0123456789abcdef0123456789abcdef';

function webhook(h: Harness, query: string, form: Record<string, string> = {}, headers: Record<string, string> = {}) {
  return fetch(`${h.httpUrl}/twiml/start${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

const form = { CallSid: CALL_SID, AccountSid: 'AC0', From: '+15551230000', To: '+15559870000', CallStatus: 'ringing', Direction: 'inbound' };

describe('POST /twiml/start', () => {
  it('connects the call to the media stream with the context in <Parameter>s and no query string in the url', async () => {
    h = await startHarness();
    const res = await webhook(h, '?orgId=org_luigis', form, { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'bridge.example.com' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    const xml = await res.text();
    expect(xml).toContain('<Connect><Stream url="wss://bridge.example.com/ws/twilio">');
    expect(xml).not.toMatch(/url="[^"]*\?/);
    expect(xml).toContain('<Parameter name="orgId" value="org_luigis"/>');
    expect(xml).toContain(`<Parameter name="callSid" value="${CALL_SID}"/>`);
    expect(xml).toContain('<Parameter name="from" value="+15551230000"/>');
    expect(xml).toContain('<Parameter name="to" value="+15559870000"/>');
    // Without Twilio credentials the bridge ends calls by closing the stream, so nothing may follow <Connect>.
    expect(xml).toMatch(/<\/Connect><\/Response>$/);
  });

  it('with REST credentials, follows <Connect> with an apology that only plays if the stream dies unexpectedly', async () => {
    h = await startHarness({ twilioRest: true });
    const xml = await (await h.webhook('?orgId=org_luigis', form)).text();
    expect(xml).toMatch(/<\/Connect><Say language="en-US">[^<]*[Ss]orry[^<]*<\/Say><Hangup\/><\/Response>$/);
    expect(xml).toMatch(/<Parameter name="callToken" value="v1\.[^"]+"\/>/);
  });

  it('uses PUBLIC_URL for the stream url when set', async () => {
    h = await startHarness({ config: { PUBLIC_URL: 'https://voice.example.org' } });
    const xml = await (await webhook(h, '?orgId=org_luigis', form)).text();
    expect(xml).toContain('url="wss://voice.example.org/ws/twilio"');
  });

  it('XML-escapes every value', async () => {
    h = await startHarness();
    const xml = await (await webhook(h, '?orgId=org_luigis', { ...form, From: '"><Hangup/><x a="&' })).text();
    expect(xml).toContain('value="&quot;&gt;&lt;Hangup/&gt;&lt;x a=&quot;&amp;"');
    expect(xml.match(/<Hangup\/>/g)).toBeNull();
  });

  it('answers GET too (Twilio may be set to either)', async () => {
    h = await startHarness();
    const res = await fetch(`${h.httpUrl}/twiml/start?orgId=org_luigis&CallSid=${CALL_SID}&From=%2B1555`);
    const xml = await res.text();
    expect(xml).toContain('<Parameter name="from" value="+1555"/>');
    expect(xml).toContain('<Connect>');
  });

  it('apologises and hangs up (200 TwiML) without an orgId, and for an unknown org, opening no model session', async () => {
    h = await startHarness();
    for (const query of ['', '?orgId=', '?orgId=org_nobody']) {
      const res = await webhook(h, query, form);
      expect(res.status).toBe(200);
      const xml = await res.text();
      expect(xml).toMatch(/<Say language="en-US">[^<]+<\/Say><Hangup\/>/);
      expect(xml).not.toContain('<Connect>');
    }
    expect(h.model.sessions).toHaveLength(0);
  });

  it('apologises when the main app is unavailable', async () => {
    h = await startHarness();
    h.mainApp.failNextOrgConfigs(10, 503);
    const xml = await (await webhook(h, '?orgId=org_luigis', form)).text();
    expect(xml).toMatch(/<Say language="en-US">[^<]+<\/Say><Hangup\/>/);
    expect(h.model.sessions).toHaveLength(0);
  });
});

describe('pre-warming the model session while the phone rings', () => {
  it('opens and configures the session on the webhook, and hands it to the call when its stream starts', async () => {
    h = await startHarness();
    await webhook(h, '?orgId=org_luigis', form);
    const session = await h.model.nextSession();
    await session.waitForSent('session.updated', 3000);
    expect(session.received.some((e) => e.type === 'response.create')).toBe(false);
    const call = await h.call({ callSid: CALL_SID });
    await call.waitForAudio(100, 3000);
    expect(h.model.sessions).toHaveLength(1);
    expect(session.received.filter((e) => e.type === 'response.create')).toHaveLength(1);
  });

  it('closes a claimed warm session when the call cannot be set up (its org lookup fails)', async () => {
    h = await startHarness();
    await webhook(h, '?orgId=org_luigis', form);
    const warm = await h.model.nextSession();
    await warm.waitForSent('session.updated', 3000);
    // Without signatures no token binds the org: the stream names one the app does not know.
    const call = await h.call({ callSid: CALL_SID, customParameters: { orgId: 'org_nobody' } });
    await call.waitForClose(5000);
    expect((await warm.closed).code).toBe(1000);
    expect(h.model.sessions).toHaveLength(1);
  });

  it('connects at start when no warm session waits (the webhook went to another replica)', async () => {
    h = await startHarness();
    await webhook(h, '?orgId=org_luigis', form);
    const warm = await h.model.nextSession();
    const call = await h.call({ callSid: 'CA_other_replica' });
    await call.waitForAudio(100, 3000);
    expect(h.model.sessions).toHaveLength(2);
    expect(warm.received.some((e) => e.type === 'response.create')).toBe(false);
  });

  it('closes a warm session nobody claimed within 10 s', async () => {
    const clock = new ManualClock();
    h = await startHarness({ clock });
    await webhook(h, '?orgId=org_luigis', form);
    const session = await h.model.nextSession();
    await session.waitForSent('session.updated', 3000);
    await waitForCondition(() => h!.bridge.deps.prewarm.size === 1);
    // Only the TTL timers of the pool and of the caller lookup are left once the bridge has seen session.updated
    // (the connect timeout is cleared).
    await waitForCondition(() => clock.pendingTimers() === 2);
    clock.advance(9_999);
    // The pool's timer runs inside advance(): had it fired, the session would be out of the pool by now.
    expect(h.bridge.deps.prewarm.size).toBe(1);
    clock.advance(1);
    expect(h.bridge.deps.prewarm.size).toBe(0);
    expect((await session.closed).code).toBe(1000);
    expect(h.bridge.deps.prewarm.size).toBe(0);
  });
});
