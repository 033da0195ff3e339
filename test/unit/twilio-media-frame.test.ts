import { describe, expect, it } from 'vitest';
import { TwilioMediaReader } from '../../src/twilio/media-frame.js';
import { parseTwilioMessage } from '../../src/twilio/messages.js';
import { mediaMessage } from '../../sim/twilio-inbound.js';

const SID = 'MZ0123456789abcdef0123456789abcdef';
const payload = Buffer.alloc(160, 0x7f).toString('base64');
/** Twilio's documented order: `media` before `streamSid`. */
const mediaFirst = (p = payload, ts = '84820', sid = JSON.stringify(SID)): string =>
  `{"event":"media","sequenceNumber":"4242","media":{"track":"inbound","chunk":"4241","timestamp":"${ts}","payload":"${p}"},"streamSid":${sid}}`;
const sidFirst = (p = payload, ts = '84820', sid = JSON.stringify(SID)): string =>
  `{"event":"media","sequenceNumber":"4242","streamSid":${sid},"media":{"track":"inbound","chunk":"4241","timestamp":"${ts}","payload":"${p}"}}`;

const read = (text: string) => new TwilioMediaReader(SID).read(Buffer.from(text, 'utf8'));

describe('TwilioMediaReader', () => {
  it.each([
    ['media before streamSid (Twilio docs)', mediaFirst()],
    ['streamSid before media', sidFirst()],
    ['the stand-in caller', mediaMessage(JSON.stringify(SID), 4242, 4241, 84820, payload)],
  ])('reads %s: payload as a view into the frame, timestamp as a number', (_name, text) => {
    const frame = Buffer.from(text, 'utf8');
    const media = new TwilioMediaReader(SID).read(frame);
    expect(media).toBeDefined();
    expect(media!.timestampMs).toBe(84820);
    expect(media!.audioBytes).toBe(160);
    expect(media!.payload.toString('latin1')).toBe(payload);
    expect(media!.payload.buffer).toBe(frame.buffer);
    const full = parseTwilioMessage(text);
    expect(full).toEqual({ ok: true, message: { event: 'media', streamSid: SID, payload: media!.payload.toString('latin1'), timestampMs: 84820 } });
  });

  it('reads padded payloads and an empty one', () => {
    expect(read(mediaFirst('//8='))).toMatchObject({ payload: Buffer.from('//8='), audioBytes: 2 });
    expect(read(mediaFirst('/w=='))).toMatchObject({ payload: Buffer.from('/w=='), audioBytes: 1 });
    expect(read(mediaFirst(''))).toMatchObject({ payload: Buffer.alloc(0), audioBytes: 0 });
  });

  it.each([
    ['another stream', mediaFirst(payload, '1', '"MZ_someone_else"')],
    ['another stream, sid first', sidFirst(payload, '1', '"MZ_someone_else"')],
    ['a stream sid that only starts like ours', mediaFirst(payload, '1', JSON.stringify(SID + 'x'))],
    ['another event', mediaFirst().replace('"media","seq', '"mark","seq')],
    ['the outbound track', mediaFirst().replace('"inbound"', '"outbound"')],
    ['whitespace', mediaFirst().replace('"event":"media"', '"event": "media"')],
    ['a trailing newline', `${mediaFirst()}\n`],
    ['an extra field', mediaFirst().replace('"streamSid"', '"extra":1,"streamSid"')],
    ['a repeated field', mediaFirst().replace(/}$/, `,"streamSid":${JSON.stringify(SID)}}`)],
    ['an escaped slash in the payload', mediaFirst('AA\\/A')],
    ['an escaped control character in the payload', mediaFirst('AAA\\u0000')],
    ['an escaped character in the event', mediaFirst().replace('"media","seq', '"medi\\u0061","seq')],
    ['a payload of odd length', mediaFirst('AAAAA')],
    ['padding in the middle', mediaFirst('A=AA')],
    ['three padding characters', mediaFirst('A===')],
    ['url-safe base64', mediaFirst('AA-_')],
    ['a payload over the size bound', mediaFirst('A'.repeat(16_388))],
    ['a timestamp that is not digits', mediaFirst(payload, '-5')],
    ['an empty timestamp', mediaFirst(payload, '')],
    ['a timestamp of 16 digits', mediaFirst(payload, '1234567890123456')],
    ['a truncated frame', mediaFirst().slice(0, -1)],
    ['nothing', ''],
  ])('is not fast for %s', (_name, text) => {
    expect(read(text)).toBeUndefined();
  });

  it('reads the next frame after refusing one (no state carried over)', () => {
    const reader = new TwilioMediaReader(SID);
    expect(reader.read(Buffer.from(mediaFirst('AAAAA')))).toBeUndefined();
    expect(reader.read(Buffer.from(mediaFirst(payload, '20')))?.timestampMs).toBe(20);
  });

  it('matches a stream sid that JSON has to escape byte for byte', () => {
    const sid = 'MZ"odd';
    const text = `{"event":"media","sequenceNumber":"1","streamSid":${JSON.stringify(sid)},"media":{"track":"inbound","chunk":"1","timestamp":"0","payload":"AAAA"}}`;
    expect(new TwilioMediaReader(sid).read(Buffer.from(text))?.payload.toString()).toBe('AAAA');
  });
});
