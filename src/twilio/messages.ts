import { z } from 'zod';
import { firstIssue } from '../lib/parse.js';

/**
 * Twilio Media Streams messages, as Twilio's "Media Streams - WebSocket Messages" page defines them.
 * Every inbound message is validated. `media`, the hot path (50 a second per call), gets a
 * cheap check of the fields the bridge uses instead of a full schema parse.
 */

const numericString = z.string().regex(/^\d+$/, 'expected a numeric string');

const connectedSchema = z.object({ event: z.literal('connected'), protocol: z.string(), version: z.string() });

const startSchema = z.object({
  event: z.literal('start'),
  sequenceNumber: numericString,
  streamSid: z.string().min(1),
  start: z.object({
    accountSid: z.string().min(1),
    streamSid: z.string().min(1),
    callSid: z.string().min(1),
    tracks: z.array(z.string()).default(['inbound']),
    customParameters: z.record(z.string(), z.string()).default({}),
    mediaFormat: z.object({
      encoding: z.literal('audio/x-mulaw', { error: 'expected audio/x-mulaw' }),
      sampleRate: z.literal(8000, { error: 'expected 8000' }),
      channels: z.literal(1, { error: 'expected 1' }),
    }),
  }),
});

const dtmfSchema = z.object({
  event: z.literal('dtmf'),
  sequenceNumber: numericString,
  streamSid: z.string().min(1),
  dtmf: z.object({ track: z.string(), digit: z.string().regex(/^[0-9*#A-D]$/, 'expected one keypad key') }),
});

const markSchema = z.object({
  event: z.literal('mark'),
  sequenceNumber: numericString,
  streamSid: z.string().min(1),
  mark: z.object({ name: z.string() }),
});

const stopSchema = z.object({
  event: z.literal('stop'),
  sequenceNumber: numericString,
  streamSid: z.string().min(1),
  stop: z.object({ accountSid: z.string(), callSid: z.string() }).optional(),
});

const controlSchema = z.discriminatedUnion('event', [connectedSchema, startSchema, dtmfSchema, markSchema, stopSchema]);

export type TwilioStart = z.infer<typeof startSchema>;
export type TwilioControlMessage = z.infer<typeof controlSchema>;

export interface TwilioMedia {
  event: 'media';
  streamSid: string;
  /**
   * base64 μ-law, checked to be base64 of a bounded size: a string from `parseTwilioMessage`, or the base64 text's
   * bytes from `TwilioMediaReader` (a view into the received frame, valid while the message is handled).
   */
  payload: string | Buffer;
  /** `media.timestamp`: ms since the stream started, when Twilio sent a number (gaps in it are lost audio). */
  timestampMs?: number | undefined;
}

export type TwilioInbound = TwilioControlMessage | TwilioMedia;

export type ParseResult = { ok: true; message: TwilioInbound } | { ok: false; error: string };

/** 64 KiB frames are refused at the socket; a payload over this is not a phone frame. */
export const MAX_MEDIA_PAYLOAD_CHARS = 16_384;

export function parseTwilioMessage(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  if (typeof raw !== 'object' || raw === null) return { ok: false, error: 'not a JSON object' };
  const event = (raw as { event?: unknown }).event;
  if (event === 'media') return checkMedia(raw as Record<string, unknown>);
  const parsed = controlSchema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, error: `${typeof event === 'string' ? event : 'message'}: ${firstIssue(parsed.error, 'event')}` };
}

const DIGITS = /^\d{1,15}$/;

function checkMedia(raw: Record<string, unknown>): ParseResult {
  const media = raw.media as { payload?: unknown; timestamp?: unknown } | undefined;
  const streamSid = raw.streamSid;
  if (typeof streamSid !== 'string') return { ok: false, error: 'media: streamSid: expected a string' };
  if (typeof media !== 'object' || media === null) return { ok: false, error: 'media: media: expected an object' };
  const payload = media.payload;
  if (typeof payload !== 'string') return { ok: false, error: 'media: media.payload: expected a string' };
  if (payload.length > MAX_MEDIA_PAYLOAD_CHARS || !isWrappablePayload(payload)) {
    return { ok: false, error: 'media: media.payload: expected base64 audio of a bounded size' };
  }
  const timestamp = media.timestamp;
  const timestampMs = typeof timestamp === 'string' && DIGITS.test(timestamp) ? Number(timestamp) : undefined;
  return { ok: true, message: { event: 'media', streamSid, payload, timestampMs } };
}

/**
 * Outbound encoders. Exactly the documented fields (anything more draws Twilio warning 31951).
 * `payload` must be base64 (it is, coming from the model's audio delta after its check) and
 * the stream sid is JSON-escaped once per call, so plain concatenation is safe and cheap.
 */
export class TwilioEncoder {
  private readonly mediaPrefix: string;
  private readonly markPrefix: string;
  readonly clear: string;

  constructor(streamSid: string) {
    const sid = JSON.stringify(streamSid);
    this.mediaPrefix = `{"event":"media","streamSid":${sid},"media":{"payload":"`;
    this.markPrefix = `{"event":"mark","streamSid":${sid},"mark":{"name":`;
    this.clear = `{"event":"clear","streamSid":${sid}}`;
  }

  media(base64Payload: string): string {
    return this.mediaPrefix + base64Payload + '"}}';
  }

  mark(name: string): string {
    return this.markPrefix + JSON.stringify(name) + '}}';
  }
}

/** Any character outside the base64 alphabet of RFC 4648 section 4 (padding `=` is placed by `isWrappablePayload`). */
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;

/**
 * The audio check. A payload is re-wrapped into another JSON message by concatenation, so it must not end, escape
 * or break its JSON string: base64 alphabet only (JSON.parse turns `\u0000` escapes into raw control characters,
 * which a quote-and-backslash check let through), `=` only as trailing padding, length a multiple of 4. One regex
 * on the string is the cheapest check measured (`npm run bench:parse`); whether the bytes are audio is the peer's
 * concern.
 */
export function isWrappablePayload(s: string): boolean {
  const length = s.length;
  if (length % 4 !== 0 || NOT_BASE64.test(s)) return false;
  const firstPad = s.indexOf('=');
  return firstPad === -1 || firstPad === length - 1 || (firstPad === length - 2 && s.charCodeAt(length - 1) === 61);
}
