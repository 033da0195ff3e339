import type { CallControl } from '../call/call-types.js';
import { TRANSFER_FALLBACK } from '../call/call-policy.js';
import type { Logger } from '../logger.js';
import type { TwilioRestClient } from './rest-client.js';
import { sayAndHangupTwiml, transferTwiml } from './twiml.js';

/** What a 20404 for a call whose stream is open means. */
const UNKNOWN_CALL_HINT =
  'Twilio does not know this call on this REST host (20404) although its stream is open: if the account is in another region, set TWILIO_REGION (and TWILIO_EDGE)';

/** Ends and redirects calls through Twilio's REST API: a plain hang-up, an apology spoken by Twilio then a hang-up, or a transfer. */
export class RestCallControl implements CallControl {
  constructor(
    private readonly rest: TwilioRestClient,
    private readonly logger: Logger,
  ) {}

  async endCall(callSid: string, opts: { apology?: string | undefined }): Promise<void> {
    const result = opts.apology ? await this.rest.updateTwiml(callSid, sayAndHangupTwiml(opts.apology).replace(/^<\?xml[^>]*\?>/, '')) : await this.rest.hangUp(callSid);
    if (result === 'unknown-call') this.logger.error({ callSid }, UNKNOWN_CALL_HINT);
    else this.logger.info({ callSid, result, apology: Boolean(opts.apology) }, 'call ended over REST');
  }

  /** Rejects unless Twilio took the `<Dial>`: a call it does not know was not transferred (the caller is still on our stream). */
  async transfer(callSid: string, number: string): Promise<void> {
    const result = await this.rest.updateTwiml(callSid, transferTwiml(number, { fallback: TRANSFER_FALLBACK }));
    if (result === 'unknown-call') throw new Error(UNKNOWN_CALL_HINT);
    this.logger.info({ callSid, result }, result === 'updated' ? 'call transferred over REST' : 'call ended before the transfer');
  }
}
