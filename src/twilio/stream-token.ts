/**
 * Per-call stream token (defence in depth next to the upgrade signature): minted in the TwiML webhook, sent as a
 * `<Parameter>`, checked on `start` against `start.callSid` and `customParameters.orgId`.
 *
 * Format: `v1.<base64url JSON [callSid, orgId, expiresAtMs]>.<base64url HMAC-SHA256>`, the MAC covering everything
 * before the last dot. The claims ride in the token so a valid token for another call reads as `wrong-call`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const VERSION = 'v1';
/** Longer input is refused before any decoding; a real token is under 250 characters. */
const MAX_TOKEN_CHARS = 400;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const SIGNATURE_BYTES = 32;

const claimsSchema = z.tuple([z.string().min(1), z.string().min(1), z.number().int().nonnegative()]);

export interface MintStreamTokenOptions {
  secret: string;
  callSid: string;
  orgId: string;
  nowMs: number;
  ttlMs: number;
}

export interface VerifyStreamTokenOptions {
  secret: string;
  callSid: string;
  orgId: string;
  nowMs: number;
}

export type StreamTokenRejection = 'missing' | 'malformed' | 'bad-signature' | 'expired' | 'wrong-call';
export type StreamTokenResult = { ok: true } | { ok: false; reason: StreamTokenRejection };

export function mintStreamToken(options: MintStreamTokenOptions): string {
  assertSecret(options.secret);
  if (options.callSid === '' || options.orgId === '') throw new Error('stream token: callSid and orgId are required');
  if (!Number.isFinite(options.ttlMs) || options.ttlMs <= 0) throw new Error(`stream token: ttlMs must be positive, got ${options.ttlMs}`);
  const claims = [options.callSid, options.orgId, Math.floor(options.nowMs + options.ttlMs)];
  const signed = `${VERSION}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
  const token = `${signed}.${sign(options.secret, signed).toString('base64url')}`;
  if (token.length > MAX_TOKEN_CHARS) throw new Error(`stream token: callSid + orgId too long (${token.length} characters)`);
  return token;
}

/** Never throws on bad input: any token string (or none) yields a result. */
export function verifyStreamToken(token: string | undefined | null, options: VerifyStreamTokenOptions): StreamTokenResult {
  assertSecret(options.secret);
  if (token === undefined || token === null || token === '') return reject('missing');
  if (token.length > MAX_TOKEN_CHARS) return reject('malformed');
  const [version, payload, signature, ...extra] = token.split('.');
  if (version !== VERSION || !payload || !signature || extra.length > 0) return reject('malformed');
  if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) return reject('malformed');

  const received = Buffer.from(signature, 'base64url');
  // Re-encoding catches non-canonical base64url, so exactly one spelling of a signature is accepted.
  if (received.length !== SIGNATURE_BYTES || received.toString('base64url') !== signature) return reject('malformed');
  if (!timingSafeEqual(received, sign(options.secret, `${version}.${payload}`))) return reject('bad-signature');

  const claims = parseClaims(payload);
  if (!claims) return reject('malformed');
  const [callSid, orgId, expiresAtMs] = claims;
  if (callSid !== options.callSid || orgId !== options.orgId) return reject('wrong-call');
  if (options.nowMs >= expiresAtMs) return reject('expired');
  return { ok: true };
}

function sign(secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(data, 'utf8').digest();
}

function parseClaims(payload: string): z.infer<typeof claimsSchema> | undefined {
  try {
    const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function reject(reason: StreamTokenRejection): StreamTokenResult {
  return { ok: false, reason };
}

function assertSecret(secret: string): void {
  if (secret === '') throw new Error('stream token: the secret must not be empty (set STREAM_TOKEN_SECRET)');
}
