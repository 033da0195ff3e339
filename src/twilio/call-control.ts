import type { Logger } from '../logger.js';
import type { TwilioRestClient } from './rest-client.js';
import { sayAndHangupTwiml, transferTwiml } from './twiml.js';
import { TRANSFER_FALLBACK } from '../call/call-policy.js';
import type { CallControl } from '../call/call-types.js';

/** Ends calls through Twilio's REST API: a plain hang-up, or an apology spoken by Twilio and then a hang-up. */
export class RestCallControl implements CallControl {
  constructor(
    private readonly rest: TwilioRestClient,
    private readonly logger: Logger,
  ) {}

  async endCall(callSid: string, opts: { apology?: string | undefined }): Promise<void> {
    const result = opts.apology
      ? await this.rest.updateTwiml(callSid, sayAndHangupTwiml(opts.apology).replace(/^<\?xml[^>]*\?>/, ''))
      : await this.rest.hangUp(callSid);
    this.logger.info({ callSid, result, apology: Boolean(opts.apology) }, 'call ended over REST');
  }

  async transfer(callSid: string, number: string): Promise<void> {
    const result = await this.rest.updateTwiml(callSid, transferTwiml(number, { fallback: TRANSFER_FALLBACK }));
    this.logger.info({ callSid, result }, 'call transferred over REST');
  }
}
