import { afterEach, describe, expect, it } from 'vitest';
import { computeTwilioSignature } from '../../src/twilio/signature.js';
import { mintStreamToken } from '../../src/twilio/stream-token.js';
import { ORG_ID, startHarness, type Harness } from '../helpers/bridge-harness.js';

const AUTH_TOKEN = 'test_auth_token';
const CALL_SID = 'CA00000000000000000000000000000001';
const form = { AccountSid: 'AC0', CallSid: CALL_SID, From: '+15551230001', To: '+15559870002', CallStatus: 'ringing', Direction: 'inbound' };

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A correctly signed stream for CALL_SID carrying these `<Parameter>`s (the token is whatever the test gives). */
function signedStream(h: Harness, customParameters: Record<string, string>) {
  return h.call({ callSid: CALL_SID, customParameters, headers: { 'X-Twilio-Signature': computeTwilioSignature(AUTH_TOKEN, h.wsUrl) } });
}

function token(opts: { secret?: string; callSid?: string; orgId?: string; nowMs?: number } = {}): string {
  return mintStreamToken({ secret: opts.secret ?? AUTH_TOKEN, callSid: opts.callSid ?? CALL_SID, orgId: opts.orgId ?? ORG_ID, nowMs: opts.nowMs ?? Date.now(), ttlMs: 60_000 });
}

async function tokenRejections(h: Harness, reason: string): Promise<number> {
  const metric = await h.bridge.deps.metrics.registry.getSingleMetric('voice_bridge_rejections_total')!.get();
  return metric.values.find((v) => v.labels.check === 'stream_token' && v.labels.reason === reason)?.value ?? 0;
}

describe('per-call stream token', () => {
  it('is minted by the webhook as a callToken <Parameter> and lets that call in, on the pre-warmed session', async () => {
    h = await startHarness({ config: { TWILIO_AUTH_TOKEN: AUTH_TOKEN } });
    const xml = await (await h.webhook('?orgId=org_luigis', form)).text();
    const minted = /<Parameter name="callToken" value="([^"]+)"\/>/.exec(xml)?.[1];
    expect(minted).toBeDefined();
    const warm = await h.model.nextSession();
    const call = await signedStream(h, { orgId: ORG_ID, callToken: minted! });
    await call.waitForAudio(100, 3000);
    expect(h.model.sessions).toEqual([warm]);
    expect(warm.received.some((e) => e.type === 'response.create')).toBe(true);
  });

  it.each([
    ['missing', () => ({ orgId: ORG_ID })],
    ['expired', () => ({ orgId: ORG_ID, callToken: token({ nowMs: Date.now() - 120_000 }) })],
    ['wrong-call', () => ({ orgId: ORG_ID, callToken: token({ callSid: 'CA_another_call' }) })],
    ['wrong-call', () => ({ orgId: ORG_ID, callToken: token({ orgId: 'org_other' }) })],
    ['bad-signature', () => ({ orgId: ORG_ID, callToken: token({ secret: 'not_the_secret' }) })],
    ['malformed', () => ({ orgId: ORG_ID, callToken: 'v1.garbage' })],
  ])('closes the stream with 1008 and opens no model session when the token is %s', async (reason, parameters) => {
    h = await startHarness({ config: { TWILIO_AUTH_TOKEN: AUTH_TOKEN } });
    const call = await signedStream(h, parameters());
    const closed = await call.waitForClose(3000);
    expect(closed.code).toBe(1008);
    expect(closed.by).toBe('bridge');
    expect(h.model.sessions.length).toBe(0);
    expect(h.bridge.deps.calls.size).toBe(0);
    expect(await tokenRejections(h, reason)).toBe(1);
    expect(h.logs.some((l) => l.msg === 'stream refused: bad stream token' && l.reason === reason)).toBe(true);
  });

  it('never hands a pre-warmed session to a stream with a bad token', async () => {
    h = await startHarness({ config: { TWILIO_AUTH_TOKEN: AUTH_TOKEN } });
    await h.webhook('?orgId=org_luigis', form);
    const warm = await h.model.nextSession();
    await warm.waitForSent('session.updated', 3000);
    const call = await signedStream(h, { orgId: ORG_ID, callToken: token({ callSid: 'CA_another_call' }) });
    expect((await call.waitForClose(3000)).code).toBe(1008);
    expect(h.model.sessions).toEqual([warm]);
    expect(warm.received.some((e) => e.type === 'response.create')).toBe(false);
    expect(h.bridge.deps.prewarm.has(CALL_SID)).toBe(true);
  });

  it('uses STREAM_TOKEN_SECRET when set, not TWILIO_AUTH_TOKEN', async () => {
    h = await startHarness({ config: { TWILIO_AUTH_TOKEN: AUTH_TOKEN, STREAM_TOKEN_SECRET: 'separate_secret' } });
    const refused = await signedStream(h, { orgId: ORG_ID, callToken: token({ secret: AUTH_TOKEN }) });
    expect((await refused.waitForClose(3000)).code).toBe(1008);
    const admitted = await signedStream(h, { orgId: ORG_ID, callToken: token({ secret: 'separate_secret' }) });
    await admitted.waitForAudio(100, 3000);
    expect(h.model.sessions).toHaveLength(1);
  });

  it('is off with neither secret set (local dev): a stream without a token is served', async () => {
    h = await startHarness();
    const xml = await (await h.webhook('?orgId=org_luigis', form)).text();
    expect(xml).not.toContain('callToken');
    const call = await h.call({ customParameters: { orgId: ORG_ID } });
    await call.waitForAudio(100, 3000);
  });
});
