import { randomBytes } from 'node:crypto';
import type { CallLine, TwilioPort } from '../call/call-types.js';
import type { StreamChannel } from '../http/media-stream.js';

/**
 * A call placed from the operator console: the browser speaks Twilio's Media Streams protocol on `/ws/browser`, so
 * the same stream handler and call path serve it. The upgrade was already authorized by the console token; the
 * bridge names the call itself (the browser's `callSid` is not trusted), and there is no REST: hanging up closes
 * the socket, and the call cannot be transferred.
 */
export const browserChannel: StreamChannel = {
  name: 'browser',
  context(msg) {
    const orgId = msg.start.customParameters.orgId?.trim();
    if (!orgId) return undefined;
    return { callSid: browserCallSid(), streamSid: msg.streamSid, accountSid: msg.start.accountSid, orgId, channel: 'browser' };
  },
  refusal: () => undefined,
  line: (stream) => browserLine(stream),
};

/** `BR` (browser) and 32 hex digits: shaped like a Twilio call SID, never taken for one (those start with `CA`). */
export function browserCallSid(): string {
  return `BR${randomBytes(16).toString('hex')}`;
}

function browserLine(stream: TwilioPort): CallLine {
  return {
    send: (frame) => stream.send(frame),
    close: (reason) => stream.close(1000, reason),
    // No phone to hang up and no one to speak an apology: the page shows the close reason.
    hangUp: async (reason) => stream.close(1000, reason),
  };
}
