import { randomBytes } from 'node:crypto';
import { startTwilioCall, type SimCall } from '../../sim/twilio-caller.js';
import type { TwilioCallOptions } from '../../sim/twilio-caller-options.js';
import { computeTwilioSignature } from '../../src/twilio/signature.js';
import { mintStreamToken } from '../../src/twilio/stream-token.js';

export interface DialSecrets {
  /** TWILIO_AUTH_TOKEN of the bridge: the upgrade is signed and a stream token minted, as Twilio and the webhook would. */
  authToken?: string | undefined;
  /** STREAM_TOKEN_SECRET when it differs from the auth token. */
  streamTokenSecret?: string | undefined;
  nowMs: number;
}

/** A simulated phone call to the bridge's media stream URL, signed like Twilio when signatures are on. */
export function dial(url: string, secrets: DialSecrets, options: Partial<TwilioCallOptions> = {}): Promise<SimCall> {
  const callSid = options.callSid ?? `CA${randomBytes(16).toString('hex')}`;
  const customParameters: Record<string, string> = { orgId: 'org_luigis', ...options.customParameters };
  const headers: Record<string, string> = { ...options.headers };
  if (secrets.authToken && options.customParameters === undefined) {
    headers['X-Twilio-Signature'] ??= computeTwilioSignature(secrets.authToken, url);
    const secret = secrets.streamTokenSecret ?? secrets.authToken;
    customParameters.callToken = mintStreamToken({ secret, callSid, orgId: customParameters.orgId!, nowMs: secrets.nowMs, ttlMs: 60_000 });
  }
  return startTwilioCall({ url, ...options, callSid, customParameters, headers });
}
