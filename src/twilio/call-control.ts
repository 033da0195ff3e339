import type { CallControl } from '../call/call-types.js';
import { phrase, sayLanguage } from '../phrases/phrases.js';
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

  async endCall(callSid: string, opts: { apology?: string | undefined; language?: string | undefined }): Promise<void> {
    const say = { language: sayLanguage(opts.language ?? 'en') };
    const result = opts.apology ? await this.rest.updateTwiml(callSid, sayAndHangupTwiml(opts.apology, say).replace(/^<\?xml[^>]*\?>/, '')) : await this.rest.hangUp(callSid);
    if (result === 'unknown-call') this.logger.error({ callSid }, UNKNOWN_CALL_HINT);
    else this.logger.info({ callSid, result, apology: Boolean(opts.apology) }, 'call ended over REST');
  }

  /** Rejects unless Twilio took the `<Dial>`: a call it does not know was not transferred (the caller is still on our stream). */
  async transfer(callSid: string, number: string, language = 'en'): Promise<void> {
    const result = await this.rest.updateTwiml(callSid, transferTwiml(number, { fallback: phrase(language, 'transferFallback'), language: sayLanguage(language) }));
    if (result === 'unknown-call') throw new Error(UNKNOWN_CALL_HINT);
    this.logger.info({ callSid, result }, result === 'updated' ? 'call transferred over REST' : 'call ended before the transfer');
  }

  async startRecording(callSid: string): Promise<string> {
    const result = await this.rest.startRecording(callSid);
    if (result === 'unknown-call') throw new Error(UNKNOWN_CALL_HINT);
    if (result === 'already-ended') throw new Error('the call ended before its recording could start');
    this.logger.info({ callSid, recordingSid: result.sid }, 'call recording started');
    return result.sid;
  }
}
