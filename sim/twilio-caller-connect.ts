import WebSocket from 'ws';
import type { TwilioCallOptions } from './twilio-caller-options.js';

/** The upgrade failed: Twilio logs 31920 (any answer other than 101) or 31901 (no answer). */
export class TwilioHandshakeError extends Error {
  override name = 'TwilioHandshakeError';
  constructor(
    readonly twilioCode: 31901 | 31920,
    readonly statusCode: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Opens the stream's WebSocket the way Twilio's media edge does. Pongs are left to the call (`autoPong` off), so a
 * caller that goes silent stops answering the bridge's pings.
 */
export async function openTwilioSocket(options: TwilioCallOptions): Promise<WebSocket> {
  const ws = new WebSocket(options.url, {
    headers: options.headers,
    handshakeTimeout: options.connectTimeoutMs ?? 5000,
    perMessageDeflate: false,
    autoPong: false,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
      reject(new TwilioHandshakeError(31920, res.statusCode, `upgrade refused with HTTP ${res.statusCode}`));
    });
    ws.once('error', (err) => {
      const timedOut = /timed out/i.test(err.message);
      reject(new TwilioHandshakeError(timedOut ? 31901 : 31920, undefined, `upgrade failed: ${err.message}`));
    });
  });
  return ws;
}
