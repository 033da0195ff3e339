import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_PARAMETER_CHARS } from '../../src/twilio/twiml.js';
import { mintStreamToken, verifyStreamToken } from '../../src/twilio/stream-token.js';

const secret = 'stream-secret-for-tests';
const callSid = `CA${'a'.repeat(32)}`;
const orgId = 'org_123';
const minted = (overrides: Partial<Parameters<typeof mintStreamToken>[0]> = {}) =>
  mintStreamToken({ secret, callSid, orgId, nowMs: 1_000_000, ttlMs: 60_000, ...overrides });
const verify = (token: string | undefined, overrides: Partial<Parameters<typeof verifyStreamToken>[1]> = {}) =>
  verifyStreamToken(token, { secret, callSid, orgId, nowMs: 1_030_000, ...overrides });

/** Re-signs a token body with the test secret, to build tokens that pass the MAC but carry odd claims. */
function signedToken(payloadJson: string): string {
  const signed = `v1.${Buffer.from(payloadJson).toString('base64url')}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

describe('mintStreamToken', () => {
  it('yields a compact base64url token that fits a <Parameter> with room to spare', () => {
    const token = minted({ orgId: 'o'.repeat(64) });
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect('callToken'.length + token.length).toBeLessThan(MAX_PARAMETER_CHARS / 2);
  });

  it('refuses an empty secret, empty claims and a non-positive ttl', () => {
    expect(() => minted({ secret: '' })).toThrow(/STREAM_TOKEN_SECRET/);
    expect(() => minted({ callSid: '' })).toThrow(/required/);
    expect(() => minted({ ttlMs: 0 })).toThrow(/ttlMs/);
  });

  it('refuses claims too long for a Parameter', () => {
    expect(() => minted({ orgId: 'o'.repeat(400) })).toThrow(/too long/);
  });
});

describe('verifyStreamToken', () => {
  it('accepts a fresh token for the same call and org', () => {
    expect(verify(minted())).toEqual({ ok: true });
  });

  it('reports missing for undefined, null and empty', () => {
    expect(verify(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyStreamToken(null, { secret, callSid, orgId, nowMs: 0 })).toEqual({ ok: false, reason: 'missing' });
    expect(verify('')).toEqual({ ok: false, reason: 'missing' });
  });

  it('reports malformed for wrong structure, version, alphabet, length or claims', () => {
    const token = minted();
    const [, payload, signature] = token.split('.') as [string, string, string];
    for (const bad of [
      'garbage',
      `v2.${payload}.${signature}`,
      `v1.${payload}`,
      `v1.${payload}.${signature}.extra`,
      `v1.${payload}!.${signature}`,
      `v1.${payload}.${signature.slice(0, 20)}`,
      'x'.repeat(5000),
      signedToken('not json'),
      signedToken(JSON.stringify({ callSid, orgId })),
      signedToken(JSON.stringify([callSid, orgId, 'soon'])),
    ]) {
      expect(verify(bad), bad.slice(0, 40)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('reports bad-signature for another secret or edited claims', () => {
    expect(verify(minted({ secret: 'other-secret' }))).toEqual({ ok: false, reason: 'bad-signature' });
    const [version, , signature] = minted().split('.') as [string, string, string];
    const forgedPayload = Buffer.from(JSON.stringify([callSid, orgId, 9_999_999_999_999])).toString('base64url');
    expect(verify(`${version}.${forgedPayload}.${signature}`)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('reports bad-signature when one signature byte is flipped', () => {
    const token = minted();
    const [version, payload, signature] = token.split('.') as [string, string, string];
    const bytes = Buffer.from(signature, 'base64url');
    bytes[0] = bytes[0]! ^ 0x01;
    expect(verify(`${version}.${payload}.${bytes.toString('base64url')}`)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('reports expired at and after the expiry, but not one ms before', () => {
    const token = minted({ nowMs: 1_000_000, ttlMs: 60_000 });
    expect(verify(token, { nowMs: 1_059_999 })).toEqual({ ok: true });
    expect(verify(token, { nowMs: 1_060_000 })).toEqual({ ok: false, reason: 'expired' });
    expect(verify(token, { nowMs: 2_000_000 })).toEqual({ ok: false, reason: 'expired' });
  });

  it('reports wrong-call for a genuine token presented on another call or org', () => {
    const token = minted();
    expect(verify(token, { callSid: `CA${'b'.repeat(32)}` })).toEqual({ ok: false, reason: 'wrong-call' });
    expect(verify(token, { orgId: 'org_456' })).toEqual({ ok: false, reason: 'wrong-call' });
  });

  it('refuses to verify with an empty secret (a configuration error, not a token error)', () => {
    expect(() => verify(minted(), { secret: '' })).toThrow(/secret/);
  });
});
