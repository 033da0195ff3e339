/**
 * The Message resource of the REST stand-in: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` (Twilio's
 * "Create a Message resource"), refused the way Twilio's error pages describe: 21604 no `To`, 21603 no `From` (or
 * `MessagingServiceSid`), 21602 no `Body` (or `MediaUrl` / `ContentSid`), 21211 / 21212 a number that is not E.164,
 * 21617 a body over 1600 characters, 21606 a `From` that is not one of the account's numbers (when they are known).
 * Answers 201 with the Message resource (`SM…`, status `queued`).
 */
import type { Clock } from '../src/clock.js';
import { fakeSid } from './twilio-inbound.js';
import { E164, rfc2822, twilioError, type Answer, type MessageWire } from './twilio-rest-answers.js';

export const MAX_BODY_CHARS = 1600;

export interface StandInMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  segments: number;
  createdAt: Date;
}

export interface MessageContext {
  accountSid: string;
  clock: Clock;
  /** The account's numbers; when set, any other `From` is refused (21606). */
  phoneNumbers: readonly string[] | undefined;
}

// GSM 03.38: the basic set, and the extension characters that take two septets.
const GSM_BASIC = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;
const GSM_EXTENDED = /[\^{}\\[~\]|€]/g;

/** SMS segments: 160 GSM-7 septets alone or 153 per concatenated part; 70 / 67 UCS-2 characters otherwise. */
export function smsSegments(body: string): number {
  if (GSM_BASIC.test(body)) {
    const septets = body.length + (body.match(GSM_EXTENDED)?.length ?? 0);
    return septets <= 160 ? 1 : Math.ceil(septets / 153);
  }
  const units = body.length;
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

function refusal(params: Record<string, string>, ctx: MessageContext): Answer | undefined {
  const { To: to, From: from, Body: body } = params;
  if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (!from && !params.MessagingServiceSid) return twilioError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
  if (!body && !params.MediaUrl && !params.ContentSid) return twilioError(400, 21602, 'Message body is required.');
  if (!E164.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
  if (from && !E164.test(from)) return twilioError(400, 21212, `Invalid From Number (caller ID): ${from}`);
  if (body && body.length > MAX_BODY_CHARS) {
    return twilioError(400, 21617, `The concatenated message body exceeds the ${MAX_BODY_CHARS} character limit.`);
  }
  if (from && ctx.phoneNumbers && !ctx.phoneNumbers.includes(from)) {
    return twilioError(400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`);
  }
  return undefined;
}

export function createMessage(params: Record<string, string>, ctx: MessageContext, sent: StandInMessage[]): Answer {
  const refused = refusal(params, ctx);
  if (refused) return refused;
  const now = ctx.clock.wallNow();
  const message: StandInMessage = { sid: fakeSid('SM'), to: params.To!, from: params.From ?? '', body: params.Body ?? '', segments: 0, createdAt: now };
  message.segments = smsSegments(message.body);
  sent.push(message);
  const uri = `/2010-04-01/Accounts/${ctx.accountSid}/Messages/${message.sid}`;
  const body = {
    body: message.body,
    num_segments: String(message.segments),
    direction: 'outbound-api',
    from: message.from,
    to: message.to,
    date_updated: rfc2822(now),
    price: null,
    error_message: null,
    uri: `${uri}.json`,
    account_sid: ctx.accountSid,
    num_media: '0',
    status: 'queued',
    messaging_service_sid: params.MessagingServiceSid ?? null,
    sid: message.sid,
    date_sent: null,
    date_created: rfc2822(now),
    error_code: null,
    price_unit: 'USD',
    api_version: '2010-04-01',
    subresource_uris: { media: `${uri}/Media.json` },
  } satisfies MessageWire;
  return { status: 201, body };
}
