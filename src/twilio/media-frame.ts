import { asciiBytes, base64DecodedBytes, JsonCursor, ownedBytes } from './json-bytes.js';
import { MAX_MEDIA_PAYLOAD_CHARS, type TwilioMedia } from './messages.js';

/**
 * The inbound `media` message read straight from the received bytes: 50 a second per call, so no `JSON.parse` and
 * no string. Only the exact text Twilio sends is recognised, in either of two field orders: the example of Twilio's
 * "Media Streams - WebSocket Messages" page (`media` before `streamSid`) and `streamSid` before `media`:
 *
 *   {"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"…"},"streamSid":"MZ…"}
 *   {"event":"media","sequenceNumber":"3","streamSid":"MZ…","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"…"}}
 *
 * with numeric strings, a base64 payload of a bounded size and this call's `streamSid`. Anything else (another
 * event or order, whitespace, escapes, extra or repeated fields, another stream) is "not fast": `read` returns
 * undefined and the caller hands the text to `parseTwilioMessage`, which then decides. What `read` accepts, the
 * full parser accepts with the same payload and stream.
 */
export interface InboundMedia extends TwilioMedia {
  /** The base64 text of `media.payload`, a view into the received frame (no copy). */
  payload: Buffer;
  /** Bytes of μ-law the payload decodes to (8 per millisecond), from its length and padding. */
  audioBytes: number;
  /** `media.timestamp`: milliseconds since the stream started. */
  timestampMs: number;
}

const HEAD = asciiBytes('{"event":"media","sequenceNumber":"');
const TIMESTAMP = asciiBytes('","timestamp":"');
const PAYLOAD = asciiBytes('","payload":"');
/** `media` first: the object opens right after the sequence number, and the stream comes last. */
const MEDIA_FIRST_OPEN = asciiBytes('","media":{"track":"inbound","chunk":"');
/** `streamSid` first: the frame ends with the media object. */
const SID_FIRST_CLOSE = asciiBytes('"}}');

export class TwilioMediaReader {
  private readonly cursor = new JsonCursor();
  private readonly mediaFirstClose: Buffer;
  private readonly sidFirstOpen: Buffer;

  constructor(private readonly streamSid: string) {
    const sid = JSON.stringify(streamSid);
    [this.mediaFirstClose, this.sidFirstOpen] = ownedBytes(`"},"streamSid":${sid}}`, `","streamSid":${sid},"media":{"track":"inbound","chunk":"`);
  }

  read(frame: Buffer): InboundMedia | undefined {
    const media = this.readFrom(this.cursor.reset(frame), frame);
    this.cursor.release();
    return media;
  }

  private readFrom(c: JsonCursor, frame: Buffer): InboundMedia | undefined {
    if (!c.literal(HEAD) || !c.digits()) return undefined;
    const mediaFirst = c.literal(MEDIA_FIRST_OPEN);
    if (!mediaFirst && !c.literal(this.sidFirstOpen)) return undefined;
    if (!c.digits() || !c.literal(TIMESTAMP) || !c.digits()) return undefined;
    const timestampMs = c.value;
    if (!c.literal(PAYLOAD) || !c.base64String(MAX_MEDIA_PAYLOAD_CHARS)) return undefined;
    const payloadStart = c.start;
    const payloadEnd = c.pos;
    if (!c.literal(mediaFirst ? this.mediaFirstClose : SID_FIRST_CLOSE) || !c.atEnd) return undefined;
    return {
      event: 'media',
      streamSid: this.streamSid,
      payload: frame.subarray(payloadStart, payloadEnd),
      audioBytes: base64DecodedBytes(frame, payloadStart, payloadEnd),
      timestampMs,
    };
  }
}
