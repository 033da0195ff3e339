import { afterEach, describe, expect, it } from 'vitest';
import { say } from '../../sim/realtime-server.js';
import type { SimCall } from '../../sim/twilio-caller.js';
import { MAX_FRAME_BYTES } from '../../src/http/media-stream-route.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { waitForCondition, waitForLog } from '../helpers/wait.js';

/** Override with FUZZ_SEED=<n> to replay a failure; the seed is in the test name. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);

/** mulberry32: a small seeded PRNG, so a failing run replays exactly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const text = (max: number) => Array.from({ length: int(max) }, () => String.fromCharCode(int(0x2fff))).join('');
  return { next, int, pick, text };
}
type Rng = ReturnType<typeof prng>;

/** Values of the wrong type (or shape) for any field. */
function junk(r: Rng): unknown {
  return r.pick<() => unknown>([
    () => null,
    () => r.int(1e9) - 5e8,
    () => r.next() * 1e300,
    () => r.text(40),
    () => [r.text(5), r.int(9)],
    () => ({ [r.text(6)]: r.text(6) }),
    () => true,
    () => '',
    () => '-1',
    () => 'NaN',
    () => ({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }),
  ])();
}

const TWILIO_EVENTS = ['connected', 'start', 'media', 'mark', 'dtmf', 'stop', 'clear', 'unknown', ''];

/** One malformed, out-of-order or wrongly typed Twilio message (never a valid `stop` for this stream). */
function twilioGarbage(r: Rng, streamSid: string): string {
  return r.pick<() => string>([
    () => r.text(200),
    () => '{"event":"media","streamSid":' + JSON.stringify(streamSid) + ',"media":{"payload":',
    () => JSON.stringify(junk(r)),
    () => JSON.stringify({ event: r.pick(TWILIO_EVENTS), streamSid: r.pick([streamSid, junk(r)]), sequenceNumber: junk(r) }),
    () => JSON.stringify({ event: 'media', streamSid, media: { payload: junk(r), track: junk(r), chunk: junk(r), timestamp: junk(r) } }),
    () => JSON.stringify({ event: 'media', streamSid, media: { payload: Buffer.from(r.text(300)).toString('base64') + '==!!' } }),
    () => JSON.stringify({ event: 'mark', streamSid, mark: { name: r.pick([r.text(30), junk(r), `done:item_${r.int(5)}:g0:m${r.int(9)}`]) } }),
    () => JSON.stringify({ event: 'dtmf', streamSid, dtmf: { digit: junk(r), track: junk(r) } }),
    () => JSON.stringify({ event: 'start', streamSid, start: { callSid: junk(r), customParameters: junk(r), mediaFormat: junk(r), tracks: junk(r) } }),
    () => JSON.stringify({ event: 'stop', streamSid: `MZ_${r.text(8)}`, stop: junk(r) }),
    () => JSON.stringify({ event: 'connected', protocol: junk(r), version: junk(r) }),
  ])();
}

const MODEL_EVENTS = [
  'response.output_audio.delta',
  'response.output_audio.done',
  'response.created',
  'response.done',
  'response.output_item.done',
  'input_audio_buffer.speech_started',
  'input_audio_buffer.speech_stopped',
  'conversation.item.input_audio_transcription.completed',
  'response.output_audio_transcript.done',
  'session.updated',
  'error',
  'rate_limits.updated',
  'made.up.event',
];

/** One garbage event from the model side: bad JSON, or a known type with missing or wrongly typed fields. */
function modelGarbage(r: Rng): string {
  return r.pick<() => string>([
    () => r.text(300),
    () => '{"type":"response.output_audio.delta","delta":"AAAA',
    () => JSON.stringify(junk(r)),
    () => JSON.stringify({ type: r.pick(MODEL_EVENTS), event_id: junk(r), response_id: junk(r), item_id: junk(r), delta: junk(r) }),
    () => JSON.stringify({ type: r.pick(MODEL_EVENTS), response: junk(r), item: junk(r), audio_end_ms: junk(r) }),
    () => JSON.stringify({ type: 'error', error: r.pick([junk(r), { code: `fuzz_${r.int(1000)}`, message: junk(r) }]) }),
    () => JSON.stringify({ type: 'response.done', response: { id: junk(r), status: junk(r), usage: junk(r) } }),
  ])();
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('fuzz: malformed input from Twilio and from the model', () => {
  it(`keeps serving normal calls after a barrage of bad messages (seed ${SEED})`, async () => {
    const r = prng(SEED);
    h = await startHarness({ model: { responder: (ctx: { trigger: string }) => [say(ctx.trigger === 'client' ? 'Hello.' : 'Okay.', 400)] } });

    // Before start: sockets that only ever send garbage (one gets an oversized frame and is cut alone).
    const preStart: SimCall[] = [];
    for (let i = 0; i < 4; i++) preStart.push(await h.call({ sendStart: false }));
    for (let i = 0; i < 200; i++) {
      const call = r.pick(preStart);
      call.sendRaw(r.int(10) === 0 ? Buffer.from(r.text(50)) : twilioGarbage(r, call.streamSid));
    }
    preStart[0]!.sendRaw('x'.repeat(MAX_FRAME_BYTES + 1 + r.int(1000)));
    expect((await preStart[0]!.waitForClose(3000)).code).toBe(1009);

    // After start: a live call receives garbage from both sides.
    const live = await h.call();
    const model = await h.model.nextSession();
    await live.waitForAudio(100, 3000);
    for (let i = 0; i < 300; i++) {
      if (r.int(2) === 0) live.sendRaw(twilioGarbage(r, live.streamSid));
      else if (model.isOpen) model.send(modelGarbage(r));
    }
    await waitForLog(h, (l) => l.msg === 'invalid Twilio message dropped' && l.callSid === live.callSid);
    await waitForLog(h, (l) => l.msg === 'invalid model event dropped' && l.callSid === live.callSid);

    // A normal call afterwards: greeted, answered, hung up, recorded.
    const normal = await h.call();
    await normal.waitForAudio(100, 3000);
    await normal.waitForBotSilence(200);
    const heard = normal.receivedMs;
    await normal.say(600);
    await normal.waitFor(() => normal.receivedMs > heard + 100, 5000, 'an answer');
    expect(normal.violations).toEqual([]);
    await normal.hangUp();
    const record = await waitForLog(h, (l) => l.msg === 'call record' && l.callSid === normal.callSid);
    expect(record.endReason).toBe('caller-hung-up');

    for (const call of [...preStart, live]) if (call.isOpen) await call.hangUp();
    await waitForCondition(() => h!.bridge.deps.calls.size === 0, 3000, 'every call to be gone');
    const health = (await (await fetch(`${h.httpUrl}/health`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    expect(h.logs.filter((l) => (l.level as number) >= 60)).toEqual([]);
  });
});
