import { afterEach, describe, expect, it, vi } from 'vitest';
import { Call } from '../../src/call/call.js';
import { Conversation } from '../../src/call/conversation.js';
import type { ModelPortEvent } from '../../src/call/model-port.js';
import type { TwilioInbound } from '../../src/twilio/messages.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { waitForLog } from '../helpers/wait.js';

/**
 * The hot path over real sockets: a call's media frames and the model's audio deltas are read from the received
 * bytes and never become strings; a frame in any other form takes the full parser and is carried all the same;
 * what is not UTF-8 is refused by the bridge itself (its sockets do not check it).
 */
let h: Harness | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  h = undefined;
});

/** 20 ms of audio no caller frame of the stand-in carries. */
const MARKER = Buffer.alloc(160, 0x55);

describe('the hot path', () => {
  it('takes media frames and audio deltas from the bytes, and a media frame in another form through the full parser', async () => {
    const twilio = vi.spyOn(Call.prototype, 'handleTwilioMessage');
    const model = vi.spyOn(Conversation.prototype, 'handle');
    h = await startHarness();
    const call = await h.call();
    const session = await h.model.nextSession();
    const heard: Buffer[] = [];
    session.onInputAudio = (audio) => heard.push(audio);
    await call.waitForAudio(200);
    const mediaFrames = () => twilio.mock.calls.map(([m]) => m).filter((m): m is Extract<TwilioInbound, { event: 'media' }> => m.event === 'media');
    // Every caller frame the call takes is appended at the model, so its session sees each one arrive.
    await session.waitUntil(() => mediaFrames().length > 5, 3000, 'six caller frames through the call');

    const media = mediaFrames();
    expect(media.length).toBeGreaterThan(5);
    expect(media.every((m) => Buffer.isBuffer(m.payload))).toBe(true);
    const audio = model.mock.calls.map(([e]) => e).filter((e): e is Extract<ModelPortEvent, { type: 'audio' }> => e.type === 'audio');
    expect(audio.length).toBeGreaterThan(0);
    expect(audio.every((e) => Buffer.isBuffer(e.audio))).toBe(true);

    const marker = MARKER.toString('base64');
    call.sendRaw(JSON.stringify({ event: 'media', streamSid: call.streamSid, sequenceNumber: '100000', media: { payload: marker } }));
    await session.waitUntil(() => heard.some((a) => a.equals(MARKER)), 3000, 'the marker frame');
    expect(twilio.mock.calls.some(([m]) => m.event === 'media' && m.payload === marker)).toBe(true);
    expect(call.violations).toEqual([]);
  });

  it('drops a Twilio message that is not UTF-8 and carries on with the call', async () => {
    h = await startHarness();
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitForAudio(100);
    // Valid JSON once decoded with replacement characters: only the bridge's own UTF-8 check refuses it.
    const head = `{"event":"mark","sequenceNumber":"7","streamSid":"${call.streamSid}","mark":{"name":"`;
    call.sendRaw(Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]), true);
    const warning = await waitForLog(h, (l) => l.msg === 'invalid Twilio message dropped');
    expect(warning).toMatchObject({ callSid: call.callSid, error: 'not UTF-8' });
    const appended = session.appendedBytes;
    await session.waitUntil(() => session.appendedBytes >= appended + 160 * 5, 3000, 'caller audio after the bad message');
    expect(call.isOpen).toBe(true);
  });
});
