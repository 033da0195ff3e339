import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { TwilioHandshakeError } from '../../sim/twilio-caller.js';
import { computeTwilioSignature } from '../../src/twilio/signature.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';

const AUTH_TOKEN = 'test_auth_token';
const PUBLIC_URL = 'https://bridge.example.com';
const WEBHOOK_URL = `${PUBLIC_URL}/twiml/start?orgId=org_luigis`;
const STREAM_URL = 'wss://bridge.example.com/ws/twilio';
const form = { AccountSid: 'AC0', CallSid: 'CA00000000000000000000000000000001', From: '+15551230001', To: '+15559870002', CallStatus: 'ringing', Direction: 'inbound' };

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function signedHarness(): Promise<Harness> {
  h = await startHarness({ config: { TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL } });
  return h;
}

async function rejections(h: Harness, check: string, reason: string): Promise<number> {
  const metric = await h.bridge.deps.metrics.registry.getSingleMetric('voice_bridge_rejections_total')!.get();
  return metric.values.find((v) => v.labels.check === check && v.labels.reason === reason)?.value ?? 0;
}

function refusalLogs(h: Harness, check: string) {
  return h.logs.filter((l) => l.msg === 'request refused: not signed by Twilio' && l.check === check);
}

describe('X-Twilio-Signature on the webhook', () => {
  it('accepts a signature over the public URL and every posted field, port-less or with :443', async () => {
    const h = await signedHarness();
    for (const url of [WEBHOOK_URL, 'https://bridge.example.com:443/twiml/start?orgId=org_luigis']) {
      const res = await h.webhook('?orgId=org_luigis', form, { 'x-twilio-signature': computeTwilioSignature(AUTH_TOKEN, url, form) });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<Connect><Stream url="wss://bridge.example.com/ws/twilio">');
    }
    expect(refusalLogs(h, 'webhook_signature')).toHaveLength(0);
  });

  it("agrees with the twilio package's own validator", async () => {
    const h = await signedHarness();
    const theirs = twilio.getExpectedTwilioSignature(AUTH_TOKEN, WEBHOOK_URL, form);
    const res = await h.webhook('?orgId=org_luigis', form, { 'x-twilio-signature': theirs });
    expect(res.status).toBe(200);
    expect(twilio.validateRequest(AUTH_TOKEN, computeTwilioSignature(AUTH_TOKEN, WEBHOOK_URL, form), WEBHOOK_URL, form)).toBe(true);
  });

  it('answers 403, logs and counts a missing, tampered, wrong-URL or wrong-key signature, before any org lookup or pre-warm', async () => {
    const h = await signedHarness();
    const cases: Array<{ headers: Record<string, string>; body: Record<string, string>; reason: string }> = [
      { headers: { 'x-twilio-signature': '' }, body: form, reason: 'missing' },
      { headers: { 'x-twilio-signature': computeTwilioSignature(AUTH_TOKEN, WEBHOOK_URL, form) }, body: { ...form, From: '+15550000000' }, reason: 'invalid' },
      { headers: { 'x-twilio-signature': computeTwilioSignature(AUTH_TOKEN, 'https://evil.example.com/twiml/start?orgId=org_luigis', form) }, body: form, reason: 'invalid' },
      { headers: { 'x-twilio-signature': computeTwilioSignature(AUTH_TOKEN, 'http://bridge.example.com/twiml/start?orgId=org_luigis', form) }, body: form, reason: 'invalid' },
      { headers: { 'x-twilio-signature': computeTwilioSignature('another_token', WEBHOOK_URL, form) }, body: form, reason: 'invalid' },
    ];
    for (const c of cases) {
      const res = await h.webhook('?orgId=org_luigis', c.body, c.headers);
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain('<Response>');
    }
    expect(await rejections(h, 'webhook_signature', 'missing')).toBe(1);
    expect(await rejections(h, 'webhook_signature', 'invalid')).toBe(4);
    expect(refusalLogs(h, 'webhook_signature')).toHaveLength(5);
    expect(h.mainApp.orgConfigRequests()).toHaveLength(0);
    expect(h.bridge.deps.prewarm.size).toBe(0);
    expect(h.model.sessions).toHaveLength(0);
  });

  it('accepts a SharedKey signature (X-Twilio-Webhooks-Signature-Settings, HMAC_SHA256) when the key is configured, as the twilio package validates it', async () => {
    h = await startHarness({ config: { TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL, TWILIO_WEBHOOK_SHARED_KEY: 'shared-secret' } });
    const settings = 'key=webhooks_sharedkey_1,algorithm=HMAC_SHA256';
    const signature = computeTwilioSignature('shared-secret', WEBHOOK_URL, form, 'HMAC_SHA256');
    expect((twilio as unknown as { validateRequest: (...a: unknown[]) => boolean }).validateRequest('shared-secret', signature, WEBHOOK_URL, form, 'HMAC_SHA256')).toBe(true);
    const ok = await h.webhook('?orgId=org_luigis', form, { 'x-twilio-signature': signature, 'x-twilio-webhooks-signature-settings': settings });
    expect(ok.status).toBe(200);
    // The same header with an Auth-Token signature, or an algorithm nobody knows, is refused.
    const authTokenSigned = computeTwilioSignature(AUTH_TOKEN, WEBHOOK_URL, form);
    const wrongKey = await h.webhook('?orgId=org_luigis', form, { 'x-twilio-signature': authTokenSigned, 'x-twilio-webhooks-signature-settings': settings });
    expect(wrongKey.status).toBe(403);
    const unknownAlgorithm = await h.webhook('?orgId=org_luigis', form, { 'x-twilio-signature': signature, 'x-twilio-webhooks-signature-settings': 'key=k,algorithm=HMAC_MD5' });
    expect(unknownAlgorithm.status).toBe(403);
    expect(await rejections(h, 'webhook_signature', 'unsupported-algorithm')).toBe(1);
  });

  it('refuses a SharedKey signature when no shared key is configured (and says why)', async () => {
    const h = await signedHarness();
    const res = await h.webhook('?orgId=org_luigis', form, {
      'x-twilio-signature': computeTwilioSignature('shared-secret', WEBHOOK_URL, form, 'HMAC_SHA256'),
      'x-twilio-webhooks-signature-settings': 'key=k,algorithm=HMAC_SHA256',
    });
    expect(res.status).toBe(403);
    expect(await rejections(h, 'webhook_signature', 'no-shared-key')).toBe(1);
  });

  it('is off without TWILIO_AUTH_TOKEN (local dev), with a loud start-up warning', async () => {
    h = await startHarness();
    const res = await h.webhook('?orgId=org_luigis', form);
    expect(res.status).toBe(200);
    expect(h.logs.some((l) => l.level === 40 && String(l.msg).includes('Twilio signature validation is OFF'))).toBe(true);
  });
});

describe('X-Twilio-Signature on the WebSocket upgrade', () => {
  it('accepts a signature over the wss:// public URL, with or without a trailing slash', async () => {
    const h = await signedHarness();
    for (const url of [STREAM_URL, `${STREAM_URL}/`]) {
      const call = await h.call({ headers: { 'X-Twilio-Signature': computeTwilioSignature(AUTH_TOKEN, url) } });
      await call.waitForAudio(100, 3000);
      await call.hangUp();
    }
    expect(h.model.sessions).toHaveLength(2);
  });

  it('rebuilds the signed URL behind a proxy that forwards the WebSocket scheme (X-Forwarded-Proto: wss)', async () => {
    h = await startHarness({ config: { TWILIO_AUTH_TOKEN: AUTH_TOKEN } });
    const call = await h.call({
      headers: {
        'X-Twilio-Signature': computeTwilioSignature(AUTH_TOKEN, 'wss://proxy.example.com/ws/twilio'),
        'X-Forwarded-Proto': 'wss',
        'X-Forwarded-Host': 'proxy.example.com',
      },
    });
    await call.waitForAudio(100, 3000);
    expect(h.model.sessions).toHaveLength(1);
  });

  it('refuses the upgrade with 403 (no WebSocket, no model session) for a missing, https-form or wrong-host signature', async () => {
    const h = await signedHarness();
    const signatures = [undefined, computeTwilioSignature(AUTH_TOKEN, 'https://bridge.example.com/ws/twilio'), computeTwilioSignature(AUTH_TOKEN, 'wss://evil.example.com/ws/twilio')];
    for (const signature of signatures) {
      const refused = await h.call({ headers: signature === undefined ? {} : { 'X-Twilio-Signature': signature }, customParameters: { orgId: 'org_luigis' } }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(TwilioHandshakeError);
      expect((refused as TwilioHandshakeError).statusCode).toBe(403);
    }
    expect(await rejections(h, 'upgrade_signature', 'missing')).toBe(1);
    expect(await rejections(h, 'upgrade_signature', 'invalid')).toBe(2);
    expect(refusalLogs(h, 'upgrade_signature')).toHaveLength(3);
    expect(h.model.sessions).toHaveLength(0);
    expect(h.bridge.deps.calls.size).toBe(0);
  });
});
