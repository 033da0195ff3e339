import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { publicHttpUrl } from '../twilio/public-url.js';
import { isSupportedAlgorithm, signatureAlgorithm, SIGNATURE_SETTINGS_HEADER, validateTwilioSignature, type SignedParams } from '../twilio/signature.js';
import { mintStreamToken, verifyStreamToken, type StreamTokenResult } from '../twilio/stream-token.js';

/** How long a minted `callToken` stays valid: the stream starts a second or two after the webhook answers. */
export const STREAM_TOKEN_TTL_MS = 60_000;
/** The `<Parameter>` carrying the stream token (it arrives as `start.customParameters.callToken`). */
export const CALL_TOKEN_PARAMETER = 'callToken';

export type SignatureCheckKind = 'webhook_signature' | 'upgrade_signature';

/** Secrets for checking that a request comes from Twilio; each check is off (local dev) when its secret is absent. */
export interface TwilioAuth {
  authToken: string | undefined;
  /** TWILIO_WEBHOOK_SHARED_KEY: for requests Twilio signs with a Webhook Setting's SharedKey. */
  webhookSharedKey: string | undefined;
  /** STREAM_TOKEN_SECRET, else TWILIO_AUTH_TOKEN. */
  streamTokenSecret: string | undefined;
}

export function twilioAuthFrom(config: Config): TwilioAuth {
  return { authToken: config.TWILIO_AUTH_TOKEN, webhookSharedKey: config.TWILIO_WEBHOOK_SHARED_KEY, streamTokenSecret: config.STREAM_TOKEN_SECRET ?? config.TWILIO_AUTH_TOKEN };
}

interface HookDeps {
  auth: TwilioAuth;
  config: Config;
  logger: Logger;
  metrics: Metrics;
}

/**
 * A `preValidation` hook (body parsed, nothing else done yet) that answers 403 unless `X-Twilio-Signature` matches
 * the public URL of this request: `https://…` plus every posted field for the webhook, the `wss://…` form with no
 * params for the WebSocket upgrade. Signed with the Auth Token (HMAC-SHA1), or, when the request names a Webhook
 * Setting (`X-Twilio-Webhooks-Signature-Settings`), with TWILIO_WEBHOOK_SHARED_KEY and the algorithm it names.
 * Runs before any org lookup, pre-warm or upgrade.
 */
export function twilioSignatureHook(deps: HookDeps, kind: SignatureCheckKind) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const authToken = deps.auth.authToken;
    if (authToken === undefined) return;
    const rejection = signatureRejection(req, deps.auth, kind, deps.config.PUBLIC_URL);
    if (rejection === undefined) return;
    deps.metrics.rejections(kind, rejection).inc();
    deps.logger.warn({ check: kind, reason: rejection, path: req.routeOptions.url, ip: req.ip }, 'request refused: not signed by Twilio');
    await reply.code(403).type('text/plain').send('Forbidden');
  };
}

function signatureRejection(req: FastifyRequest, auth: TwilioAuth, kind: SignatureCheckKind, publicUrl: string | undefined): string | undefined {
  const signature = req.headers['x-twilio-signature'];
  if (signature === undefined || signature === '') return 'missing';
  const settings = req.headers[SIGNATURE_SETTINGS_HEADER];
  if (Array.isArray(settings)) return 'invalid';
  const algorithm = signatureAlgorithm(settings);
  if (!isSupportedAlgorithm(algorithm)) return 'unsupported-algorithm';
  const secret = settings ? auth.webhookSharedKey : auth.authToken;
  if (secret === undefined) return 'no-shared-key';
  let url: string;
  try {
    url = publicHttpUrl(req, publicUrl);
  } catch {
    return 'bad-public-url';
  }
  if (kind === 'upgrade_signature') url = url.replace(/^http/, 'ws');
  const params = kind === 'webhook_signature' ? formParams(req) : {};
  return validateTwilioSignature({ authToken: secret, algorithm, signature, url, params }).valid ? undefined : 'invalid';
}

function formParams(req: FastifyRequest): SignedParams {
  const body = req.body;
  return req.method === 'POST' && typeof body === 'object' && body !== null ? (body as SignedParams) : {};
}

/** The `callToken` for a call, or undefined when stream tokens are off. */
export function mintCallToken(auth: TwilioAuth, callSid: string, orgId: string, wallNowMs: number): string | undefined {
  if (auth.streamTokenSecret === undefined) return undefined;
  return mintStreamToken({ secret: auth.streamTokenSecret, callSid, orgId, nowMs: wallNowMs, ttlMs: STREAM_TOKEN_TTL_MS });
}

/**
 * Checks `start.customParameters.callToken` (tokens off: always ok). Wall-clock time, because the webhook may have
 * been answered by another replica.
 */
export function checkCallToken(auth: TwilioAuth, token: string | undefined, callSid: string, orgId: string, wallNowMs: number): StreamTokenResult {
  if (auth.streamTokenSecret === undefined) return { ok: true };
  return verifyStreamToken(token, { secret: auth.streamTokenSecret, callSid, orgId, nowMs: wallNowMs });
}
