import { describe, expect, it } from 'vitest';
import { AppendFrameBuilder } from '../../src/realtime/append-frame.js';
import { AudioDeltaReader } from '../../src/realtime/audio-delta-frame.js';
import { base64DecodedBytes, digitCount, frameText, JsonCursor, ownedBytes, writeDigitsBefore } from '../../src/twilio/json-bytes.js';
import { TwilioMediaReader } from '../../src/twilio/media-frame.js';
import { TwilioFrameBuilder } from '../../src/twilio/outbound-frames.js';
import { isWrappablePayload } from '../../src/twilio/messages.js';

const b64 = (bytes: number) => Buffer.from(Array.from({ length: bytes }, (_, i) => (i * 37 + 11) & 0xff)).toString('base64');

/** Whether the cursor reads `payload` as the base64 contents of a JSON string (and nothing after it). */
function readsBase64(payload: Buffer, maxChars = 100_000): boolean {
  const frame = Buffer.concat([Buffer.from('"'), payload, Buffer.from('"')]);
  const c = new JsonCursor().reset(frame);
  return c.literal(Buffer.from('"')) && c.base64String(maxChars) && c.pos === frame.length - 1;
}

describe('JsonCursor.base64String', () => {
  const samples = [b64(0), b64(3), b64(4), b64(5), b64(160), b64(300), b64(1_200), b64(1_201), b64(1_202)];

  it.each(samples.map((s) => [s.length, s]))('accepts base64 of %i characters', (_len, s) => {
    expect(readsBase64(Buffer.from(s, 'latin1'))).toBe(true);
  });

  it('decides as isWrappablePayload for every byte value put at the start, middle, end or over the padding', () => {
    let checked = 0;
    for (const s of samples.filter((x) => x.length > 0)) {
      for (const at of [0, s.length >> 1, s.length - 3, s.length - 2, s.length - 1]) {
        for (let byte = 0; byte < 256; byte++) {
          const replaced = Buffer.from(s, 'latin1');
          replaced[at] = byte;
          expect(readsBase64(replaced), `${byte} at ${at} of ${s.length}`).toBe(isWrappablePayload(replaced.toString('latin1')));
          checked++;
        }
      }
    }
    expect(checked).toBe(8 * 5 * 256);
  });

  it('refuses a length that is not a multiple of 4, padding that is not at the end, url-safe characters, or more than maxChars', () => {
    const long = b64(1_200);
    expect(readsBase64(Buffer.from(`${long}A`))).toBe(false);
    expect(readsBase64(Buffer.from(`-_${long.slice(2)}`))).toBe(false);
    expect(readsBase64(Buffer.from('AA==AAAA'))).toBe(false);
    expect(readsBase64(Buffer.from('A==='))).toBe(false);
    expect(readsBase64(Buffer.from(long), long.length)).toBe(true);
    expect(readsBase64(Buffer.from(long), long.length - 4)).toBe(false);
  });
});

describe('JsonCursor', () => {
  it('walks literals, digits, JSON indexes and strings, and stops at the first mismatch', () => {
    const c = new JsonCursor().reset(Buffer.from('{"a":"12","b":0,"c":"AAAA","d":"id_1"}'));
    expect(c.literal(Buffer.from('{"a":"'))).toBe(true);
    expect(c.digits()).toBe(true);
    expect(c.value).toBe(12);
    expect(c.literal(Buffer.from('","b":'))).toBe(true);
    expect(c.jsonIndex()).toBe(true);
    expect(c.value).toBe(0);
    expect(c.literal(Buffer.from(',"c":"'))).toBe(true);
    expect(c.base64String(100)).toBe(true);
    expect(c.literal(Buffer.from('","d":"'))).toBe(true);
    expect(c.plainString(10)).toBe(true);
    expect(c.literal(Buffer.from('"}'))).toBe(true);
    expect(c.atEnd).toBe(true);
  });

  it.each([
    ['no digit', 'x', (c: JsonCursor) => c.digits()],
    ['too many digits', '1234', (c: JsonCursor) => c.digits(3)],
    ['a leading zero in a JSON index', '01', (c: JsonCursor) => c.jsonIndex()],
    ['a base64 string longer than allowed', 'AAAAAAAA"', (c: JsonCursor) => c.base64String(4)],
    ['an unterminated string', 'AAAA', (c: JsonCursor) => c.base64String(100)],
    ['an empty plain string', '"', (c: JsonCursor) => c.plainString(10)],
    ['a plain string longer than allowed', 'abcdef"', (c: JsonCursor) => c.plainString(5)],
    ['a literal past the end', '{"', (c: JsonCursor) => c.literal(Buffer.from('{"a'))],
  ])('refuses %s', (_name, text, step) => {
    expect(step(new JsonCursor().reset(Buffer.from(text)))).toBe(false);
  });
});

describe('number and size helpers', () => {
  it.each([0, 7, 9, 10, 99, 100, 999, 1_000, 123_456_789, 2 ** 40])('writes %i in decimal', (n) => {
    const out = Buffer.alloc(digitCount(n));
    writeDigitsBefore(out, out.length, n);
    expect(out.toString()).toBe(String(n));
  });

  it.each([['', 0], ['AAAA', 3], ['AAA=', 2], ['AA==', 1]])('counts the decoded bytes of %j', (s, bytes) => {
    expect(base64DecodedBytes(Buffer.from(s), 0, s.length)).toBe(bytes);
  });
});

describe('frameText', () => {
  it('decodes UTF-8 and refuses what is not (ws no longer does with skipUTF8Validation)', () => {
    expect(frameText(Buffer.from('{"name":"café 😀"}'))).toBe('{"name":"café 😀"}');
    expect(frameText(Buffer.from([0x7b, 0x22, 0xc3, 0x22, 0x7d]))).toBeUndefined(); // truncated sequence
    expect(frameText(Buffer.from([0xed, 0xa0, 0x80]))).toBeUndefined(); // an encoded surrogate
  });
});

/**
 * What lives as long as a call keeps no more memory than it needs: a reader lets go of the frame it read (a view
 * into a socket's read), and bytes built once per call sit in a buffer of their own, not in a slab of Node's pool.
 */
describe('memory kept per call', () => {
  const SID = 'MZ0123456789abcdef0123456789abcdef';
  const heldFrame = (reader: object) => (reader as { cursor: { buf: Buffer } }).cursor.buf;

  it('ownedBytes: the views of one buffer exactly their size, outside the shared pool', () => {
    const [a, b] = ownedBytes('{"event":"media"', `"streamSid":${JSON.stringify(SID)}`);
    expect(a.toString()).toBe('{"event":"media"');
    expect(b.toString()).toBe(`"streamSid":"${SID}"`);
    expect(a.buffer).toBe(b.buffer);
    expect(a.buffer.byteLength).toBe(a.length + b.length);
    expect(Buffer.from('x').buffer.byteLength).toBe(Buffer.poolSize); // what a small Buffer.from would keep alive
  });

  it('the Twilio media reader and the audio delta reader keep no frame once read', () => {
    const media = new TwilioMediaReader(SID);
    const frame = Buffer.from(`{"event":"media","sequenceNumber":"2","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"AAAA"},"streamSid":"${SID}"}`);
    expect(media.read(frame)?.payload.toString()).toBe('AAAA');
    expect(media.read(Buffer.from('{"event":"mark"}'))).toBeUndefined();
    expect(heldFrame(media)).toHaveLength(0);
    const deltas = new AudioDeltaReader();
    const delta = Buffer.from('{"type":"response.output_audio.delta","event_id":"e","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":"AAAA"}');
    expect(deltas.read(delta)?.delta.toString()).toBe('AAAA');
    expect(heldFrame(deltas)).toHaveLength(0);
  });

  it("a call's frame heads are one small buffer of its own; the append head is shared by every call", () => {
    const heads = new TwilioFrameBuilder(SID).clear.buffer;
    expect(heads.byteLength).toBeLessThan(400);
    const [one, two] = [new AppendFrameBuilder('b'), new AppendFrameBuilder('b')].map((b) => (b as unknown as { idHead: Buffer }).idHead);
    expect(one).toBe(two);
  });
});
