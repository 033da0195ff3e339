/**
 * The Message resource of the REST stand-in (Twilio's "Message resource" page).
 *
 * Create, `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, takes exactly the parameters of the `twilio`
 * package's `MessageListInstanceCreateOptions` (anything else: 400 / 20001) and is refused the way Twilio's error
 * pages describe: 21604 no `To`, 21603 no `From` (or `MessagingServiceSid`), 21602 no `Body` (or `MediaUrl` /
 * `ContentSid`), 21211 / 21212 a number that is not E.164, 21266 `To` equal to `From`, 21617 a body over 1600
 * characters, 21606 a `From` that is not one of the account's SMS-capable numbers (when they are known), 21614 a `To`
 * that is not a mobile number, 21610 a recipient who unsubscribed (replied STOP). Answers 201 with the Message
 * resource (`SM…`, status `queued`).
 *
 * List, `GET …/Messages.json?To=&From=&PageSize=`, answers a page of the account's messages, newest first.
 */
import type { TwilioResponsePayload } from 'twilio/lib/base/Page.js';
import type { Clock } from '../src/clock.js';
import { fakeSid } from './twilio-inbound.js';
import { E164, rfc2822, twilioError, unknownParameter, type Answer, type MessageWire } from './twilio-rest-answers.js';

export const MAX_BODY_CHARS = 1600;
const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 50;

export interface StandInMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  segments: number;
  createdAt: Date;
}

/** Who can be texted and from where, as the account and the carriers see it. */
export interface MessagingRules {
  /** The account's SMS-capable numbers; when set, any other `From` is refused (21606). */
  phoneNumbers?: readonly string[] | undefined;
  /** Recipients who replied STOP to the account (21610). */
  unsubscribed?: readonly string[] | undefined;
  /** Recipients that are landlines, not mobile numbers (21614). */
  landlines?: readonly string[] | undefined;
}

export interface MessageContext extends MessagingRules {
  accountSid: string;
  clock: Clock;
}

const CREATE_PARAMETERS = new Set([
  'To', 'From', 'MessagingServiceSid', 'Body', 'MediaUrl', 'ContentSid', 'ContentVariables', 'StatusCallback', 'ApplicationSid',
  'MaxPrice', 'ProvideFeedback', 'Attempt', 'ValidityPeriod', 'ForceDelivery', 'ContentRetention', 'AddressRetention',
  'SmartEncoded', 'PersistentAction', 'TrafficType', 'ShortenUrls', 'ScheduleType', 'SendAt', 'SendAsMms', 'MessageIntent',
  'RiskCheck', 'FallbackFrom',
]);
const LIST_PARAMETERS = new Set(['To', 'From', 'DateSent', 'DateSent<', 'DateSent>', 'PageSize', 'Page', 'PageToken']);

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
  const unknown = unknownParameter(Object.keys(params), CREATE_PARAMETERS);
  if (unknown) return unknown;
  const { To: to, From: from, Body: body } = params;
  if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (!from && !params.MessagingServiceSid) return twilioError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
  if (!body && !params.MediaUrl && !params.ContentSid) return twilioError(400, 21602, 'Message body is required.');
  if (!E164.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
  if (from && !E164.test(from)) return twilioError(400, 21212, `Invalid From Number (caller ID): ${from}`);
  if (from === to) return twilioError(400, 21266, "'To' and 'From' number cannot be the same");
  if (body && body.length > MAX_BODY_CHARS) {
    return twilioError(400, 21617, `The concatenated message body exceeds the ${MAX_BODY_CHARS} character limit.`);
  }
  if (from && ctx.phoneNumbers && !ctx.phoneNumbers.includes(from)) {
    return twilioError(400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`);
  }
  if (ctx.landlines?.includes(to)) return twilioError(400, 21614, `'To' number ${to} is not a valid mobile number`);
  if (ctx.unsubscribed?.includes(to)) return twilioError(400, 21610, 'Attempt to send to unsubscribed recipient');
  return undefined;
}

function messageUri(accountSid: string, sid: string): string {
  return `/2010-04-01/Accounts/${accountSid}/Messages/${sid}`;
}

/** The Message resource as Twilio's JSON carries it. */
function messageResource(message: StandInMessage, ctx: MessageContext, messagingServiceSid: string | null): MessageWire {
  const uri = messageUri(ctx.accountSid, message.sid);
  return {
    body: message.body,
    num_segments: String(message.segments),
    direction: 'outbound-api',
    from: message.from,
    to: message.to,
    date_updated: rfc2822(message.createdAt),
    price: null,
    error_message: null,
    uri: `${uri}.json`,
    account_sid: ctx.accountSid,
    num_media: '0',
    status: 'queued',
    messaging_service_sid: messagingServiceSid,
    sid: message.sid,
    date_sent: null,
    date_created: rfc2822(message.createdAt),
    error_code: null,
    price_unit: 'USD',
    api_version: '2010-04-01',
    subresource_uris: { media: `${uri}/Media.json` },
  };
}

export function createMessage(params: Record<string, string>, ctx: MessageContext, sent: StandInMessage[]): Answer {
  const refused = refusal(params, ctx);
  if (refused) return refused;
  const body = params.Body ?? '';
  const message: StandInMessage = { sid: fakeSid('SM'), to: params.To!, from: params.From ?? '', body, segments: smsSegments(body), createdAt: ctx.clock.wallNow() };
  sent.push(message);
  return { status: 201, body: messageResource(message, ctx, params.MessagingServiceSid ?? null) };
}

/** One page (the first) of the account's messages matching `To` / `From`, newest first. */
export function listMessages(query: URLSearchParams, ctx: MessageContext, sent: readonly StandInMessage[]): Answer {
  const unknown = unknownParameter([...query.keys()], LIST_PARAMETERS);
  if (unknown) return unknown;
  const pageSize = Number(query.get('PageSize') ?? DEFAULT_PAGE_SIZE);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) return twilioError(400, 20001, `Invalid PageSize: ${query.get('PageSize')}`);
  const to = query.get('To');
  const from = query.get('From');
  const matching = sent.filter((m) => (to === null || m.to === to) && (from === null || m.from === from)).reverse();
  const messages = matching.slice(0, pageSize).map((m) => messageResource(m, ctx, null));
  const listUri = `/2010-04-01/Accounts/${ctx.accountSid}/Messages.json?${query.toString()}`;
  const page = {
    first_page_uri: listUri,
    next_page_uri: null,
    previous_page_uri: null,
    page: 0,
    page_size: pageSize,
    uri: listUri,
    start: 0,
    end: Math.max(0, messages.length - 1),
    messages,
  } satisfies Omit<TwilioResponsePayload, 'next_page_uri' | 'previous_page_uri'> & { next_page_uri: string | null; previous_page_uri: string | null };
  return { status: 200, body: page };
}
