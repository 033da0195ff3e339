import { describe, expect, it } from 'vitest';
import { isWrappablePayload, parseTwilioMessage } from '../../src/twilio/messages.js';
import { parseModelEvent } from '../../src/realtime/events.js';

/**
 * A payload is spliced into another JSON string by concatenation (caller audio into
 * `input_audio_buffer.append`, model audio into a Twilio `media`), so it must be base64 and
 * nothing else: JSON.parse turns `\u0000`…`\u001f` escapes into raw control characters, which
 * would make the re-wrapped message invalid JSON.
 */
const frameWith = (escapedPayload: string): string =>
  `{"event":"media","sequenceNumber":"2","streamSid":"MZ1","media":{"track":"inbound","chunk":"1","timestamp":"0","payload":"${escapedPayload}"}}`;

describe('isWrappablePayload', () => {
  it.each([
    ['empty', ''],
    ['no padding', 'AAAA'],
    ['one padding character', '//8='],
    ['two padding characters', '/w=='],
    ['every alphabet character', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'],
  ])('accepts base64: %s', (_name, s) => {
    expect(isWrappablePayload(s)).toBe(true);
  });

  it.each([
    ['a NUL', 'AA\u0000A'],
    ['a unit separator', 'AA\u001fA'],
    ['a newline', 'AA\nA'],
    ['a tab', 'AA\tA'],
    ['a space', 'AA A'],
    ['a DEL', 'AA\u007fA'],
    ['a non-ASCII letter', 'AAéA'],
    ['a quote', 'AA"A'],
    ['a backslash', 'AA\\A'],
    ['url-safe base64', 'AA-_'],
    ['padding in the middle', 'A=AA'],
    ['three padding characters', 'A==='],
    ['a length that is not a multiple of 4', 'AAAAA'],
  ])('refuses %s', (_name, s) => {
    expect(isWrappablePayload(s)).toBe(false);
  });
});

describe('payloads with JSON-escaped control characters', () => {
  it.each(['\\u0000', '\\u001f', '\\n', '\\t'])('are refused by parseTwilioMessage (%s)', (escape) => {
    const r = parseTwilioMessage(frameWith(`AAA${escape}`));
    expect(r).toEqual({ ok: false, error: 'media: media.payload: expected base64 audio of a bounded size' });
  });

  it('are refused in a model audio delta', () => {
    const text = '{"type":"response.output_audio.delta","response_id":"r","item_id":"i","content_index":0,"delta":"AAA\\u0000"}';
    expect(parseModelEvent(text)).toEqual({ type: 'invalid', error: 'response.output_audio.delta: delta: expected base64 audio' });
  });

  it('an escaped slash decodes to base64 and is accepted, as JSON says it is the same string', () => {
    const r = parseTwilioMessage(frameWith('AA\\/A'));
    expect(r).toEqual({ ok: true, message: { event: 'media', streamSid: 'MZ1', payload: 'AA/A', timestampMs: 0 } });
  });
});
