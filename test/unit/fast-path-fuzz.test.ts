import { describe, expect, it } from 'vitest';
import { Fuzz, inOrder, seededRandom, stringPathAppend } from './frame-fuzz.js';
import { TwilioMediaReader, type InboundMedia } from '../../src/twilio/media-frame.js';
import { parseTwilioMessage, TwilioEncoder, type ParseResult } from '../../src/twilio/messages.js';
import { AudioDeltaReader, type AudioDeltaFrame } from '../../src/realtime/audio-delta-frame.js';
import { parseModelEvent, type ModelEvent } from '../../src/realtime/events.js';
import { AppendFrameBuilder } from '../../src/realtime/append-frame.js';
import { TwilioFrameBuilder } from '../../src/twilio/outbound-frames.js';
import { base64ByteLength } from '../../src/audio.js';

/**
 * The fast paths against the full parsers on thousands of random and adversarial frames: "fast path, else full
 * parser" must decide and output exactly what the full parser alone does, and the frames built from Buffer pieces
 * must be exactly what the string encoders write, whether built in a new buffer or over the received frame.
 */
const CASES = 3_000;
const SID = 'MZ0123456789abcdef0123456789abcdef';
const OTHER_SIDS = ['MZ_someone_else', SID.slice(0, -1), `${SID}0`, SID.toUpperCase(), ''];

function twilioFrame(f: Fuzz): Buffer {
  const media: Record<string, unknown> = { track: 'inbound', chunk: f.digits(), timestamp: f.digits(9), payload: f.base64(400) };
  const top: Record<string, unknown> = { event: 'media', sequenceNumber: f.digits(), media: '', streamSid: SID };
  if (f.chance(0.1)) top.streamSid = f.pick(OTHER_SIDS);
  if (f.chance(0.1)) top.event = f.pick(['mark', 'start', 'stop', 'dtmf', 'Media', 'connected']);
  if (f.chance(0.1)) media.track = f.pick(['outbound', 'inbound_track', '']);
  if (f.chance(0.15)) media.payload = f.badPayload(media.payload as string);
  if (f.chance(0.05)) media[f.pick(['timestamp', 'chunk'])] = f.pick([5, '-1', '1.5', '', ' 7', '1e3', '12345678901234567']);
  if (f.chance(0.05)) (f.chance(0.5) ? media : top).extra = f.pick([1, 'x', null]);
  const mediaKeys = Object.keys(media);
  const topKeys = f.chance(0.5) ? ['event', 'sequenceNumber', 'media', 'streamSid'] : ['event', 'sequenceNumber', 'streamSid', 'media'];
  if (f.chance(0.1)) f.shuffle(mediaKeys);
  if (f.chance(0.1)) f.shuffle(topKeys);
  if (f.chance(0.05)) topKeys.splice(f.int(topKeys.length), 1);
  top.media = JSON.parse(inOrder(media, mediaKeys));
  for (const k of Object.keys(top)) if (!topKeys.includes(k) && k !== 'media' && f.chance(0.5)) topKeys.push(k);
  let text = inOrder(top, topKeys);
  if (f.chance(0.05)) text = text.replace(/}$/, `,${f.pick(['"streamSid":"MZ_x"', '"event":"mark"', '"media":{"payload":"AAAA"}', `"streamSid":${JSON.stringify(SID)}`])}}`);
  if (f.chance(0.03)) text = text.replace(/"payload":"([^"]*)"/, '"payload":"$1","payload":"AAAA"');
  const frame = Buffer.from(text, 'utf8');
  return f.chance(0.2) ? f.mutateBytes(frame) : frame;
}

function deltaFrame(f: Fuzz): Buffer {
  const id = (prefix: string) => (f.chance(0.05) ? f.pick(['', 'é', 'a"b', 'a\\b', 'x'.repeat(200), '\u0001']) : `${prefix}_${f.digits(9)}`);
  const fields: Record<string, unknown> = {
    type: f.chance(0.1) ? f.pick(['response.output_audio_transcript.delta', 'response.audio.delta', 'error']) : 'response.output_audio.delta',
    event_id: id('event'),
    response_id: id('resp'),
    item_id: id('item'),
    output_index: f.int(3),
    content_index: f.int(3),
    delta: f.base64(2_400),
  };
  if (f.chance(0.1)) fields[f.pick(['output_index', 'content_index'])] = f.pick([-1, 1.5, 1e21, '0', null, 12345678901]);
  if (f.chance(0.15)) fields.delta = f.badPayload(fields.delta as string);
  if (f.chance(0.05)) fields.obfuscation = 'abc';
  const keys = Object.keys(fields);
  if (f.chance(0.1)) f.shuffle(keys);
  if (f.chance(0.05)) keys.splice(f.int(keys.length), 1);
  let text = inOrder(fields, keys);
  if (f.chance(0.05)) text = JSON.stringify(fields, null, f.pick([1, 2, '\t']));
  if (f.chance(0.05)) text = text.replace(/"content_index":(\d)/, f.pick(['"content_index":0$1', '"content_index":$1.0', '"content_index":$1e0', '"content_index":-0']));
  if (f.chance(0.05)) text = text.replace(/}$/, `,${f.pick(['"delta":"AAAA"', '"response_id":"resp_x"', '"type":"error"'])}}`);
  const frame = Buffer.from(text, 'utf8');
  return f.chance(0.2) ? f.mutateBytes(frame) : frame;
}

/** One side of the comparison: the frames, both parsers, and the checks of a frame the fast path took. */
interface FuzzTarget<Full, Fast> {
  seed: number;
  frame(f: Fuzz): Buffer;
  full(text: string): Full;
  fast(frame: Buffer): Fast | undefined;
  /** What the full parser gives for a frame the fast path takes. */
  asFull(fast: Fast): Full;
  accepts(full: Full): boolean;
  checkFast(fast: Fast, full: Full, frame: Buffer, text: string, i: number): void;
}

/** Runs the cases; "fast path, else full parser" must equal the full parser alone for each. */
function fuzz<Full, Fast>(target: FuzzTarget<Full, Fast>): { fast: number; fallbackAccepted: number; refused: number } {
  const f = new Fuzz(seededRandom(target.seed));
  const counts = { fast: 0, fallbackAccepted: 0, refused: 0 };
  for (let i = 0; i < CASES; i++) {
    const frame = target.frame(f);
    const text = frame.toString('utf8');
    const full = target.full(text);
    const fast = target.fast(frame);
    expect(fast ? target.asFull(fast) : target.full(text), text).toEqual(full);
    if (fast) {
      counts.fast++;
      target.checkFast(fast, full, frame, text, i);
    } else if (target.accepts(full)) counts.fallbackAccepted++;
    else counts.refused++;
  }
  return counts;
}

describe('fast paths against the full parsers (fuzz)', () => {
  it('Twilio inbound media: same decision and output; the append frame is what the string path sends', () => {
    const reader = new TwilioMediaReader(SID);
    const append = new AppendFrameBuilder('b');
    const counts = fuzz<ParseResult, InboundMedia>({
      seed: 20261203,
      frame: twilioFrame,
      full: parseTwilioMessage,
      fast: (frame) => reader.read(frame),
      asFull: (fast) => ({ ok: true, message: { event: fast.event, streamSid: fast.streamSid, payload: fast.payload.toString('latin1'), timestampMs: fast.timestampMs } }),
      accepts: (full) => full.ok,
      checkFast: (fast, full, _frame, text) => {
        const payload = (full as { message: { payload: string } }).message.payload;
        expect(fast.timestampMs).toBe(Number((JSON.parse(text) as { media: { timestamp: string } }).media.timestamp));
        expect(fast.audioBytes).toBe(base64ByteLength(payload));
        const built = append.build(fast.payload).toString('utf8');
        const eventId = `b${append.sent}`;
        expect(built).toBe(stringPathAppend(payload, eventId));
        expect(JSON.parse(built)).toEqual({ type: 'input_audio_buffer.append', event_id: eventId, audio: payload });
      },
    });
    expect(counts.fast).toBeGreaterThan(CASES / 4);
    expect(counts.fallbackAccepted).toBeGreaterThan(CASES / 20);
    expect(counts.refused).toBeGreaterThan(CASES / 20);
  });

  it('model audio deltas: same decision and output; the Twilio media and mark are what the string encoder writes', () => {
    const reader = new AudioDeltaReader();
    const frames = new TwilioFrameBuilder(SID);
    const encoder = new TwilioEncoder(SID);
    const counts = fuzz<ModelEvent, AudioDeltaFrame>({
      seed: 20270120,
      frame: deltaFrame,
      full: parseModelEvent,
      fast: (frame) => reader.read(frame),
      asFull: (fast) => ({ type: 'response.output_audio.delta', response_id: fast.responseId, item_id: fast.itemId, content_index: fast.contentIndex, delta: fast.delta.toString('latin1') }),
      accepts: (full) => full.type === 'response.output_audio.delta',
      checkFast: (fast, full, frame, _text, i) => {
        const delta = (full as { delta: string }).delta;
        expect(fast.deltaBytes).toBe(base64ByteLength(delta));
        const media = frames.media(fast.delta).toString('utf8');
        expect(media).toBe(encoder.media(delta));
        expect(JSON.parse(media)).toEqual({ event: 'media', streamSid: SID, media: { payload: delta } });
        expect(frames.mark(`g0.a${i}`).toString('utf8')).toBe(encoder.mark(`g0.a${i}`));
        expect(frames.mediaInPlace(frame, fast.delta).toString('utf8')).toBe(media);
      },
    });
    expect(counts.fast).toBeGreaterThan(CASES / 4);
    expect(counts.fallbackAccepted).toBeGreaterThan(CASES / 50);
    expect(counts.refused).toBeGreaterThan(CASES / 20);
  });
});
