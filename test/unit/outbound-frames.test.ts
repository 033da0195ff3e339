import { describe, expect, it } from 'vitest';
import { TwilioFrameBuilder } from '../../src/twilio/outbound-frames.js';
import { TwilioEncoder } from '../../src/twilio/messages.js';
import { AppendFrameBuilder } from '../../src/realtime/append-frame.js';
import { stringPathAppend } from './frame-fuzz.js';

const payload = Buffer.alloc(160, 0x7f).toString('base64');
const SID = 'MZ0123456789abcdef0123456789abcdef';


describe('TwilioFrameBuilder', () => {
  it.each([SID, 'MZ"quoted\\sid', 'MZ é'])('writes media, mark and clear byte for byte as TwilioEncoder does (sid %s)', (sid) => {
    const frames = new TwilioFrameBuilder(sid);
    const encoder = new TwilioEncoder(sid);
    expect(frames.media(Buffer.from(payload, 'latin1')).toString('utf8')).toBe(encoder.media(payload));
    expect(frames.mark('g0.a12').toString('utf8')).toBe(encoder.mark('g0.a12'));
    expect(frames.clear.toString('utf8')).toBe(encoder.clear);
  });

  it.each([['a quote', 'a"b'], ['a backslash', 'a\\b'], ['a control character', 'a\u0001b'], ['non-ASCII', 'café'], ['an astral character', 'x😀'], ['nothing', '']])(
    'escapes a mark name with %s as JSON does',
    (_name, name) => {
      const frame = new TwilioFrameBuilder(SID).mark(name);
      expect(frame.toString('utf8')).toBe(new TwilioEncoder(SID).mark(name));
      expect(JSON.parse(frame.toString('utf8'))).toEqual({ event: 'mark', streamSid: SID, mark: { name } });
    },
  );

  it('takes a slice of a larger buffer and copies only the slice', () => {
    const frame = Buffer.from(`xx${payload}yy`, 'latin1');
    const media = new TwilioFrameBuilder(SID).media(frame.subarray(2, 2 + payload.length));
    expect(JSON.parse(media.toString())).toEqual({ event: 'media', streamSid: SID, media: { payload } });
  });
});

describe('AppendFrameBuilder', () => {
  it('writes byte for byte what the string encoder writes, event id included', () => {
    const frame = new AppendFrameBuilder('b').build(Buffer.from(payload, 'latin1'));
    expect(frame.toString('utf8')).toBe(stringPathAppend(payload, 'b1'));
    expect(JSON.parse(frame.toString('utf8'))).toEqual({ type: 'input_audio_buffer.append', event_id: 'b1', audio: payload });
  });

  it('without an event id writes the bare append event', () => {
    const frame = new AppendFrameBuilder().build(Buffer.from(payload, 'latin1'));
    expect(JSON.parse(frame.toString('utf8'))).toEqual({ type: 'input_audio_buffer.append', audio: payload });
  });

  it('numbers event ids across digit boundaries and reports the last one', () => {
    const builder = new AppendFrameBuilder('ca_CA1_');
    const ids: string[] = [];
    for (let i = 1; i <= 1001; i++) {
      const parsed = JSON.parse(builder.build(Buffer.from('AAAA')).toString('utf8')) as { type: string; event_id: string; audio: string };
      expect(parsed.type).toBe('input_audio_buffer.append');
      expect(parsed.audio).toBe('AAAA');
      ids.push(parsed.event_id);
    }
    expect([ids[0], ids[8], ids[9], ids[98], ids[99], ids[999], ids[1000]]).toEqual(['ca_CA1_1', 'ca_CA1_9', 'ca_CA1_10', 'ca_CA1_99', 'ca_CA1_100', 'ca_CA1_1000', 'ca_CA1_1001']);
    expect(builder.lastEventId).toBe('ca_CA1_1001');
    expect(builder.sent).toBe(1001);
  });

  it('has no event id before the first frame or without a prefix', () => {
    expect(new AppendFrameBuilder('x').lastEventId).toBeUndefined();
    const plain = new AppendFrameBuilder();
    plain.build(Buffer.from('AAAA'));
    expect(plain.lastEventId).toBeUndefined();
  });

  it('refuses a prefix that would need escaping', () => {
    expect(() => new AppendFrameBuilder('a"b')).toThrow(/printable ASCII/);
    expect(() => new AppendFrameBuilder('é')).toThrow(/printable ASCII/);
  });
});

describe('Twilio media written in place over the received model delta', () => {
  /** The frame as a view into a larger socket buffer, with bytes on both sides that must stay untouched. */
  function inSocketBuffer(text: string): { frame: Buffer; outside: () => string } {
    const chunk = Buffer.from(`<<<<${text}>>>>`, 'utf8');
    const frame = chunk.subarray(4, chunk.length - 4);
    return { frame, outside: () => chunk.subarray(0, 4).toString() + chunk.subarray(chunk.length - 4).toString() };
  }
  const delta = Buffer.alloc(1_200, 0x2a).toString('base64');
  const deltaText = JSON.stringify({ type: 'response.output_audio.delta', event_id: 'event_1', response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0, delta });

  it('is the same bytes as TwilioEncoder writes, and nothing outside the frame is touched', () => {
    const { frame, outside } = inSocketBuffer(deltaText);
    const start = deltaText.indexOf(delta);
    const media = new TwilioFrameBuilder(SID).mediaInPlace(frame, frame.subarray(start, start + delta.length));
    expect(media.toString('utf8')).toBe(new TwilioEncoder(SID).media(delta));
    expect(media.buffer).toBe(frame.buffer);
    expect(outside()).toBe('<<<<>>>>');
  });

  it('allocates instead when the frame has no room or the payload is not inside it', () => {
    const tight = Buffer.from(`"${payload}"`, 'latin1');
    const inside = tight.subarray(1, 1 + payload.length);
    expect(new TwilioFrameBuilder(SID).mediaInPlace(tight, inside).toString()).toBe(new TwilioEncoder(SID).media(payload));
    expect(tight.toString('latin1')).toBe(`"${payload}"`);
    const elsewhere = Buffer.from(payload, 'latin1');
    expect(new TwilioFrameBuilder(SID).mediaInPlace(Buffer.from(deltaText), elsewhere).toString()).toBe(new TwilioEncoder(SID).media(payload));
  });
});
