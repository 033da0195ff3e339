/**
 * Per-frame cost of the hot paths, against what a naive relay pays (bench/reference-relay.ts: `toString`,
 * `JSON.parse`, `JSON.stringify` of the re-wrapped message). Two directions:
 * - caller audio: a Twilio `media` frame in, an `input_audio_buffer.append` out;
 * - model audio: a `response.output_audio.delta` in, a Twilio `media` and a `mark` out.
 * For each: JSON.parse alone (the least any parsing relay does), the relay, the string path (the full parser and
 * string encoders: what a frame not in the fast form takes), and the Buffer fast path the live call takes
 * (recognise + validate + build the outgoing frames). Socket writes are not included: a string send costs ws an
 * extra UTF-8 encoding that the Buffer path does not pay.
 * Run: `npm run bench:parse` (a micro-benchmark, not part of npm test).
 */
import { measure, printTable, type MicroRow } from './micro-measure.js';
import { isWrappablePayload, parseTwilioMessage, TwilioEncoder } from '../src/twilio/messages.js';
import { parseModelEvent } from '../src/realtime/events.js';
import { TwilioMediaReader } from '../src/twilio/media-frame.js';
import { AudioDeltaReader } from '../src/realtime/audio-delta-frame.js';
import { AppendFrameBuilder } from '../src/realtime/append-frame.js';
import { TwilioFrameBuilder } from '../src/twilio/outbound-frames.js';
import { appendAudio } from '../src/realtime/client-events.js';
import { base64ByteLength } from '../src/audio.js';

const SID = 'MZ0123456789abcdef0123456789abcdef';
/** Random bytes, so the payload is not one repeated character. */
const audio = (bytes: number) => Buffer.from(Array.from({ length: bytes }, (_, i) => (i * 7919 + 13) & 0xff)).toString('base64');
const callerPayload = audio(160);
/** The order of the media message example on Twilio's "Media Streams - WebSocket Messages" page. */
const twilioText = `{"event":"media","sequenceNumber":"4242","media":{"track":"inbound","chunk":"4241","timestamp":"84820","payload":"${callerPayload}"},"streamSid":"${SID}"}`;
const twilioFrame = Buffer.from(twilioText);
const DELTA_BYTES = 1_200; // 150 ms: the stand-in model's deltas range from 344 to 2400 bytes
const deltaPayload = audio(DELTA_BYTES);
const deltaText = JSON.stringify({
  type: 'response.output_audio.delta',
  event_id: 'event_CD8ak3Jx9Lm2Qw7Rt1Yz0',
  response_id: 'resp_CD8ak3Jx9Lm2Qw7Rt1Yz1',
  item_id: 'item_CD8ak3Jx9Lm2Qw7Rt1Yz2',
  output_index: 0,
  content_index: 0,
  delta: deltaPayload,
});
const deltaFrame = Buffer.from(deltaText);
/** The in-place row consumes its frame: it works on a fresh copy each time, and the copy's cost is subtracted. */
const deltaScratch = Buffer.alloc(deltaFrame.length);
const COPY = 'copy of the received frame (set-up of the in-place row)';

const mediaReader = new TwilioMediaReader(SID);
const plainAppend = new AppendFrameBuilder();
const appendWithId = new AppendFrameBuilder('ca_CA0123456789abcdef_');
let appendSeq = 0;
const deltaReader = new AudioDeltaReader();
const twilioFrames = new TwilioFrameBuilder(SID);
const encoder = new TwilioEncoder(SID);
let markSeq = 0;

type Parsed = { event?: string; streamSid?: string; media?: { payload?: string } };
type ModelDelta = { type?: string; delta?: string };

const FLOOR = 'JSON.parse alone';
const RELAY = 'reference relay: toString + JSON.parse + JSON.stringify';

const callerRows: MicroRow[] = [
  { name: FLOOR, run: () => (JSON.parse(twilioText) as Parsed).event!.length },
  {
    name: RELAY,
    run: () => {
      const msg = JSON.parse(twilioFrame.toString()) as Parsed;
      return JSON.stringify({ type: 'input_audio_buffer.append', audio: msg.media!.payload }).length;
    },
  },
  {
    name: 'string path: toString + parseTwilioMessage + string append',
    run: () => {
      const parsed = parseTwilioMessage(twilioFrame.toString());
      return parsed.ok && parsed.message.event === 'media' ? appendAudio(`b${++appendSeq}`, parsed.message.payload as string).length : 0;
    },
  },
  { name: 'fast: TwilioMediaReader.read + AppendFrameBuilder.build', run: () => plainAppend.build(mediaReader.read(twilioFrame)!.payload).length },
  { name: 'fast, append with an event_id', run: () => appendWithId.build(mediaReader.read(twilioFrame)!.payload).length },
  { name: 'fast: TwilioMediaReader.read alone', run: () => mediaReader.read(twilioFrame)!.timestampMs },
  { name: 'payload check: isWrappablePayload (base64 regex)', run: () => (isWrappablePayload(callerPayload) ? 1 : 0) },
];

const modelRows: MicroRow[] = [
  { name: FLOOR, run: () => (JSON.parse(deltaText) as ModelDelta).type!.length },
  {
    name: RELAY,
    run: () => {
      const event = JSON.parse(deltaFrame.toString()) as ModelDelta;
      const media = JSON.stringify({ event: 'media', streamSid: SID, media: { payload: event.delta } });
      return media.length + JSON.stringify({ event: 'mark', streamSid: SID, mark: { name: `m${++markSeq}` } }).length;
    },
  },
  {
    name: 'string path: toString + parseModelEvent + TwilioEncoder media + mark',
    run: () => {
      const event = parseModelEvent(deltaFrame.toString());
      if (event.type !== 'response.output_audio.delta') return 0;
      return base64ByteLength(event.delta) + encoder.media(event.delta).length + encoder.mark(`g0.a${++markSeq}`).length;
    },
  },
  {
    name: 'fast: AudioDeltaReader.read + TwilioFrameBuilder media + mark',
    run: () => {
      const delta = deltaReader.read(deltaFrame)!;
      return delta.deltaBytes + twilioFrames.media(delta.delta).length + twilioFrames.mark(`g0.a${++markSeq}`).length;
    },
  },
  { name: COPY, run: () => (deltaScratch.set(deltaFrame), deltaScratch.length) },
  {
    name: 'fast, media written in place over the model frame (+ mark)',
    minus: COPY,
    run: () => {
      deltaScratch.set(deltaFrame);
      const delta = deltaReader.read(deltaScratch)!;
      return delta.deltaBytes + twilioFrames.mediaInPlace(deltaScratch, delta.delta).length + twilioFrames.mark(`g0.a${++markSeq}`).length;
    },
  },
  { name: 'fast: AudioDeltaReader.read alone', run: () => deltaReader.read(deltaFrame)!.deltaBytes },
  { name: 'payload check: isWrappablePayload (base64 regex)', run: () => (isWrappablePayload(deltaPayload) ? 1 : 0) },
];

console.log(`Node ${process.version}; fastest of 9 interleaved rounds; ratios ÷ each reference row.`);
printTable(`Caller audio: Twilio media (${callerPayload.length}-char payload, ${twilioFrame.length} B frame) → input_audio_buffer.append`, measure(callerRows), [FLOOR, RELAY]);
printTable(`Model audio: output_audio.delta (${DELTA_BYTES} B audio, ${deltaFrame.length} B frame) → Twilio media + mark`, measure(modelRows, { iterations: 20_000 }), [FLOOR, RELAY]);
