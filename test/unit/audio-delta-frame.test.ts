import { describe, expect, it } from 'vitest';
import { AudioDeltaReader } from '../../src/realtime/audio-delta-frame.js';
import { parseModelEvent } from '../../src/realtime/events.js';
import { base64ByteLength } from '../../src/audio.js';

const delta = Buffer.alloc(800, 0x55).toString('base64');
/** The field order of the stand-in model (sim/realtime-response.ts), like the Realtime server's. */
const event = (fields: Record<string, unknown> = {}) => ({
  type: 'response.output_audio.delta',
  event_id: 'event_C1a2',
  response_id: 'resp_C1a2',
  item_id: 'item_C1a2',
  output_index: 0,
  content_index: 0,
  delta,
  ...fields,
});
const read = (text: string) => new AudioDeltaReader().read(Buffer.from(text, 'utf8'));

describe('AudioDeltaReader', () => {
  it('reads ids, content index, the delta as a view and its decoded size, as the full parser does', () => {
    const text = JSON.stringify(event({ output_index: 2, content_index: 13 }));
    const frame = Buffer.from(text);
    const d = new AudioDeltaReader().read(frame)!;
    expect(d).toMatchObject({ responseId: 'resp_C1a2', itemId: 'item_C1a2', contentIndex: 13, deltaBytes: 800 });
    expect(d.delta.buffer).toBe(frame.buffer);
    expect(parseModelEvent(text)).toEqual({
      type: 'response.output_audio.delta',
      response_id: d.responseId,
      item_id: d.itemId,
      content_index: d.contentIndex,
      delta: d.delta.toString('latin1'),
    });
  });

  it('follows ids that change between deltas, also to another id of the same length', () => {
    const reader = new AudioDeltaReader();
    const ids = [['resp_A', 'item_1'], ['resp_A', 'item_1'], ['resp_B', 'item_1'], ['resp_B', 'item_2'], ['resp_AB', 'item_2'], ['resp_A', 'item_1']];
    for (const [response_id, item_id] of ids) {
      const d = reader.read(Buffer.from(JSON.stringify(event({ response_id, item_id }))))!;
      expect([d.responseId, d.itemId]).toEqual([response_id, item_id]);
    }
  });

  it.each([
    ['no padding', 3],
    ['one padding character', 2],
    ['two padding characters', 1],
  ])('counts decoded bytes with %s', (_name, bytes) => {
    const b64 = Buffer.alloc(bytes, 1).toString('base64');
    expect(read(JSON.stringify(event({ delta: b64 })))?.deltaBytes).toBe(base64ByteLength(b64));
  });

  it.each([
    ['another type', JSON.stringify(event({ type: 'response.output_audio_transcript.delta' }))],
    ['another field order', JSON.stringify({ type: 'response.output_audio.delta', response_id: 'r', event_id: 'e', item_id: 'i', output_index: 0, content_index: 0, delta })],
    ['an extra field', JSON.stringify({ ...event(), obfuscation: 'x' })],
    ['whitespace', JSON.stringify(event(), null, 1)],
    ['an escaped quote in an id', JSON.stringify(event({ item_id: 'item_"x' }))],
    ['an escaped character in an id', JSON.stringify(event()).replace('item_C1a2', 'item_\\u0043')],
    ['a non-ASCII id', JSON.stringify(event({ response_id: 'resp_é' }))],
    ['an empty id', JSON.stringify(event({ item_id: '' }))],
    ['a long id', JSON.stringify(event({ event_id: 'e'.repeat(200) }))],
    ['a leading zero in an index', JSON.stringify(event()).replace('"content_index":0', '"content_index":01')],
    ['a negative index', JSON.stringify(event({ content_index: -1 }))],
    ['a fractional index', JSON.stringify(event({ content_index: 1.5 }))],
    ['an exponent in an index', JSON.stringify(event()).replace('"content_index":0', '"content_index":1e2')],
    ['a string index', JSON.stringify(event({ content_index: '0' }))],
    ['an escaped control character in the delta', JSON.stringify(event({ delta: 'AAA\u0000' }))],
    ['a delta of odd length', JSON.stringify(event({ delta: 'AAAAA' }))],
    ['a truncated frame', JSON.stringify(event()).slice(0, -2)],
  ])('is not fast for %s', (_name, text) => {
    expect(read(text)).toBeUndefined();
  });
});
