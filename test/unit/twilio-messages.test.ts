import { describe, expect, it } from 'vitest';
import { parseTwilioMessage, TwilioEncoder } from '../../src/twilio/messages.js';

const start = {
  event: 'start',
  sequenceNumber: '1',
  streamSid: 'MZ1',
  start: {
    accountSid: 'AC1',
    streamSid: 'MZ1',
    callSid: 'CA1',
    tracks: ['inbound'],
    customParameters: { orgId: 'org_luigis' },
    mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
  },
};
const payload = Buffer.alloc(160, 0xff).toString('base64');

describe('parseTwilioMessage', () => {
  it('accepts the start message and keeps custom parameters', () => {
    const r = parseTwilioMessage(JSON.stringify(start));
    expect(r).toMatchObject({ ok: true, message: { event: 'start', start: { callSid: 'CA1', customParameters: { orgId: 'org_luigis' } } } });
  });

  it('tolerates unknown fields (Twilio may add some)', () => {
    const r = parseTwilioMessage(JSON.stringify({ ...start, extra: 1, start: { ...start.start, mediaFormat: { ...start.start.mediaFormat, bitDepth: 8 } } }));
    expect(r.ok).toBe(true);
  });

  it('refuses a start whose audio is not μ-law 8 kHz mono, naming the field', () => {
    const bad = { ...start, start: { ...start.start, mediaFormat: { encoding: 'audio/l16', sampleRate: 8000, channels: 1 } } };
    const r = parseTwilioMessage(JSON.stringify(bad));
    expect(r).toEqual({ ok: false, error: expect.stringContaining('start.mediaFormat.encoding') });
  });

  it('refuses numbers where Twilio sends numeric strings', () => {
    const r = parseTwilioMessage(JSON.stringify({ ...start, sequenceNumber: 1 }));
    expect(r).toEqual({ ok: false, error: expect.stringContaining('sequenceNumber') });
  });

  it('takes a media frame with a cheap check and returns the payload untouched', () => {
    const r = parseTwilioMessage(JSON.stringify({ event: 'media', sequenceNumber: '2', streamSid: 'MZ1', media: { track: 'inbound', chunk: '1', timestamp: '40', payload } }));
    expect(r).toEqual({ ok: true, message: { event: 'media', streamSid: 'MZ1', payload, timestampMs: 40 } });
  });

  it('leaves the timestamp out when it is not a number (the frame still counts)', () => {
    const r = parseTwilioMessage(JSON.stringify({ event: 'media', streamSid: 'MZ1', media: { timestamp: 'soon', payload } }));
    expect(r).toEqual({ ok: true, message: { event: 'media', streamSid: 'MZ1', payload, timestampMs: undefined } });
  });

  it.each([
    ['a payload that would end its JSON string when re-wrapped', { event: 'media', streamSid: 'MZ1', media: { payload: 'ab"}' } }],
    ['a payload with a backslash escape', { event: 'media', streamSid: 'MZ1', media: { payload: 'ab\\n' } }],
    ['a payload whose length is not base64', { event: 'media', streamSid: 'MZ1', media: { payload: 'abcde' } }],
    ['a payload that is not a string', { event: 'media', streamSid: 'MZ1', media: { payload: 5 } }],
    ['a media frame without media', { event: 'media', streamSid: 'MZ1' }],
    ['a media frame without streamSid', { event: 'media', media: { payload } }],
    ['an oversized payload', { event: 'media', streamSid: 'MZ1', media: { payload: 'A'.repeat(20_000) } }],
  ])('refuses %s', (_name, msg) => {
    expect(parseTwilioMessage(JSON.stringify(msg)).ok).toBe(false);
  });

  it.each([
    ['not JSON', '{'],
    ['a JSON array', '[1]'],
    ['null', 'null'],
    ['an unknown event', JSON.stringify({ event: 'bogus' })],
    ['a dtmf without a digit', JSON.stringify({ event: 'dtmf', sequenceNumber: '3', streamSid: 'MZ1', dtmf: { track: 'inbound_track' } })],
    ['a mark without a name', JSON.stringify({ event: 'mark', sequenceNumber: '3', streamSid: 'MZ1', mark: {} })],
  ])('gives a clear error for %s', (_name, text) => {
    const r = parseTwilioMessage(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(3);
  });

  it('parses dtmf, mark and stop', () => {
    expect(parseTwilioMessage(JSON.stringify({ event: 'dtmf', sequenceNumber: '3', streamSid: 'MZ1', dtmf: { track: 'inbound_track', digit: '0' } }))).toMatchObject({ ok: true, message: { dtmf: { digit: '0' } } });
    expect(parseTwilioMessage(JSON.stringify({ event: 'mark', sequenceNumber: '4', streamSid: 'MZ1', mark: { name: 'g0.a1' } }))).toMatchObject({ ok: true, message: { mark: { name: 'g0.a1' } } });
    expect(parseTwilioMessage(JSON.stringify({ event: 'stop', sequenceNumber: '5', streamSid: 'MZ1', stop: { accountSid: 'AC1', callSid: 'CA1' } }))).toMatchObject({ ok: true, message: { event: 'stop' } });
  });
});

describe('TwilioEncoder', () => {
  it('produces exactly the shapes of Twilio’s Media Streams docs', () => {
    const enc = new TwilioEncoder('MZ1');
    expect(JSON.parse(enc.media(payload))).toEqual({ event: 'media', streamSid: 'MZ1', media: { payload } });
    expect(JSON.parse(enc.mark('g0.a1'))).toEqual({ event: 'mark', streamSid: 'MZ1', mark: { name: 'g0.a1' } });
    expect(JSON.parse(enc.clear)).toEqual({ event: 'clear', streamSid: 'MZ1' });
  });

  it('escapes a stream sid that would break JSON', () => {
    const enc = new TwilioEncoder('MZ"x');
    expect(JSON.parse(enc.clear)).toEqual({ event: 'clear', streamSid: 'MZ"x' });
  });
});
