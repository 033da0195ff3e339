import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { FRAME_BYTES, MULAW_SILENCE, mulawRms } from '../../sim/audio.js';
import { startBridgeProbe, type BridgeProbe, type ProbeConnection, type ProbeMessage } from '../../sim/twilio-bridge-probe.js';
import { startTwilioCall, TwilioHandshakeError, type SimCall, type TwilioCallOptions } from '../../sim/twilio-caller.js';

type Media = { track: string; chunk: string; timestamp: string; payload: string };

let probe: BridgeProbe;
let clock: ManualClock;
const calls: SimCall[] = [];

beforeEach(async () => {
  probe = await startBridgeProbe();
  clock = new ManualClock();
});

afterEach(async () => {
  await Promise.all(calls.splice(0).map((c) => c.hangUp()));
  await probe.close();
});

async function connect(options: Partial<TwilioCallOptions> = {}): Promise<{ call: SimCall; conn: ProbeConnection }> {
  const call = await startTwilioCall({ url: probe.url, clock, ...options });
  calls.push(call);
  const conn = await probe.nextConnection();
  return { call, conn };
}

function mediaOf(conn: ProbeConnection): { seq: string; media: Media }[] {
  return conn.messages
    .filter((m) => m.event === 'media')
    .map((m) => ({ seq: m.sequenceNumber as string, media: m.media as Media }));
}

function waitForMediaCount(conn: ProbeConnection, count: number): Promise<ProbeMessage> {
  return conn.waitForMessage(() => mediaOf(conn).length >= count, 5000, `${count} media messages`);
}

describe('simulated Twilio caller: stream framing', () => {
  it('sends the upgrade headers, then connected and start with the documented shapes', async () => {
    const { call, conn } = await connect({
      headers: { 'X-Twilio-Signature': 'c2lnbmF0dXJl' },
      customParameters: { callToken: 'tok', orgId: 'org_123' },
    });
    await waitForMediaCount(conn, 1);

    expect(conn.headers['x-twilio-signature']).toBe('c2lnbmF0dXJl');
    expect(conn.path).toBe('/ws/twilio');
    expect(conn.messages[0]).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(conn.messages[1]).toEqual({
      event: 'start',
      sequenceNumber: '1',
      streamSid: call.streamSid,
      start: {
        accountSid: call.identity.accountSid,
        streamSid: call.streamSid,
        callSid: call.callSid,
        tracks: ['inbound'],
        customParameters: { callToken: 'tok', orgId: 'org_123' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    expect(call.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call.streamSid).toMatch(/^MZ[0-9a-f]{32}$/);
  });

  it('sends a 160-byte silence frame every 20 ms with increasing string counters', async () => {
    const { call, conn } = await connect();
    clock.advance(200);
    await waitForMediaCount(conn, 11);

    const media = mediaOf(conn);
    expect(media).toHaveLength(11);
    media.forEach(({ seq, media: m }, i) => {
      expect(seq).toBe(String(i + 2));
      expect(m.track).toBe('inbound');
      expect(m.chunk).toBe(String(i + 1));
      expect(m.timestamp).toBe(String(i * 20));
      const bytes = Buffer.from(m.payload, 'base64');
      expect(bytes).toHaveLength(FRAME_BYTES);
      expect(bytes.every((b) => b === MULAW_SILENCE)).toBe(true);
    });
    const first = conn.messages.find((m) => m.event === 'media')!;
    expect(Object.keys(first).sort()).toEqual(['event', 'media', 'sequenceNumber', 'streamSid']);
    expect(first.streamSid).toBe(call.streamSid);
    expect(call.mediaFramesSent).toBe(11);
  });

  it('paces frames on the real clock when no clock is given', async () => {
    const call = await startTwilioCall({ url: probe.url });
    calls.push(call);
    const conn = await probe.nextConnection();
    await waitForMediaCount(conn, 4);
    expect(mediaOf(conn).slice(0, 4).map(({ media }) => media.timestamp)).toEqual(['0', '20', '40', '60']);
  });

  it('catches up on frames when its timer fires late, so the stream keeps real time', async () => {
    class LateClock extends ManualClock {
      override setTimeout(fn: () => void, ms: number) {
        return super.setTimeout(fn, ms + 45);
      }
    }
    clock = new LateClock();
    const { conn } = await connect();
    clock.advance(1000);
    await conn.waitForMessage((m) => m.event === 'media' && Number((m.media as Media).timestamp) >= 900);

    const timestamps = mediaOf(conn).map(({ media }) => Number(media.timestamp));
    expect(timestamps.length).toBeGreaterThanOrEqual(46);
    timestamps.forEach((t, i) => expect(t).toBe(i * 20));
  });

  it('delivers frames late under jitter while keeping their timestamps on the 20 ms grid', async () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.99);
    try {
      const { call, conn } = await connect({ jitterMs: 30 });
      expect(call.mediaFramesSent).toBe(0);
      clock.advance(20);
      expect(call.mediaFramesSent).toBe(0);
      clock.advance(20);
      expect(call.mediaFramesSent).toBe(1);
      clock.advance(1000);
      await conn.waitForMessage((m) => m.event === 'media' && (m.media as Media).timestamp === '980');
      mediaOf(conn).forEach(({ media }, i) => expect(media.timestamp).toBe(String(i * 20)));
    } finally {
      random.mockRestore();
    }
  });

  it('sends speech-like frames for say(), resolving once they are sent, then silence again', async () => {
    const { call, conn } = await connect();
    let said = false;
    const saying = call.say(100).then(() => (said = true));
    clock.advance(60);
    await Promise.resolve();
    expect(said).toBe(false);
    clock.advance(60);
    await saying;
    await waitForMediaCount(conn, 7);

    const levels = mediaOf(conn).map(({ media }) => mulawRms(Buffer.from(media.payload, 'base64')));
    expect(levels[0]).toBe(0); // the frame sent with start, before say()
    for (const level of levels.slice(1, 6)) expect(level).toBeGreaterThan(2000);
    expect(levels[6]).toBe(0);
  });

  it('speaks from the first frame with speakFirstMs', async () => {
    const { conn } = await connect({ speakFirstMs: 40 });
    clock.advance(40);
    await waitForMediaCount(conn, 3);
    const levels = mediaOf(conn).map(({ media }) => mulawRms(Buffer.from(media.payload, 'base64')));
    expect(levels[0]).toBeGreaterThan(2000);
    expect(levels[1]).toBeGreaterThan(2000);
    expect(levels[2]).toBe(0);
  });

  it('skips frames during a gap: timestamps jump, chunk and sequenceNumber stay contiguous', async () => {
    const { call, conn } = await connect();
    void call.gap(60);
    clock.advance(100);
    await waitForMediaCount(conn, 3);

    const media = mediaOf(conn);
    expect(media.map(({ media: m }) => m.timestamp)).toEqual(['0', '80', '100']);
    expect(media.map(({ media: m }) => m.chunk)).toEqual(['1', '2', '3']);
    expect(media.map(({ seq }) => seq)).toEqual(['2', '3', '4']);
  });

  it('takes audio from a custom frame source when no script step is queued', async () => {
    const frame = Buffer.alloc(FRAME_BYTES, 0x2a);
    const { conn } = await connect({ frameSource: (i) => (i === 1 ? null : frame) });
    clock.advance(40);
    await waitForMediaCount(conn, 2);
    const media = mediaOf(conn);
    expect(media.map(({ media: m }) => m.timestamp)).toEqual(['0', '40']);
    expect(Buffer.from(media[1]!.media.payload, 'base64')).toEqual(frame);
  });

  it('sends dtmf events and stop on hang-up, numbering every message', async () => {
    const { call, conn } = await connect();
    call.pressDigit('5');
    expect(() => call.pressDigit('55')).toThrow(/expected one of/);
    const closing = call.hangUp();
    const { code } = await conn.closed;
    const info = await closing;

    expect(conn.messages.slice(3)).toEqual([
      { event: 'dtmf', sequenceNumber: '3', streamSid: call.streamSid, dtmf: { track: 'inbound_track', digit: '5' } },
      {
        event: 'stop',
        sequenceNumber: '4',
        streamSid: call.streamSid,
        stop: { accountSid: call.identity.accountSid, callSid: call.callSid },
      },
    ]);
    expect(code).toBe(1000);
    expect(info.by).toBe('caller');
    expect(info.twilioCode).toBeUndefined();
  });

  it('can hold back start, for pre-start timeout tests', async () => {
    const { call, conn } = await connect({ sendStart: false });
    clock.advance(100);
    await conn.waitForMessage((m) => m.event === 'connected');
    expect(conn.messages.map((m) => m.event)).toEqual(['connected']);
    call.sendStart();
    await conn.waitForMessage((m) => m.event === 'media');
    expect(conn.messages.map((m) => m.event)).toEqual(['connected', 'start', 'media']);
  });

  it('sends raw text and binary frames as given', async () => {
    const { call, conn } = await connect();
    call.sendRaw('{"event":"media","streamSid":"MZ-raw"}');
    await conn.waitForMessage((m) => m.streamSid === 'MZ-raw');
    expect(conn.messages.at(-1)).toEqual({ event: 'media', streamSid: 'MZ-raw' });
  });

  it('shares one ticker among calls on the same clock', async () => {
    const a = await connect();
    await connect();
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(20);
    await waitForMediaCount(a.conn, 2);
    await Promise.all(calls.splice(0).map((c) => c.hangUp()));
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('simulated Twilio caller: connection outcomes', () => {
  it('records 31921 and stops sending media when the bridge closes the socket', async () => {
    const { call, conn } = await connect();
    const waitError = call.waitForAudio(20).then(() => undefined, (err: Error) => err);
    conn.close(1000, 'bye');
    const info = await call.closed;
    expect((await waitError)?.message).toMatch(/closed \(by bridge, code 1000\)/);

    expect(info).toMatchObject({ code: 1000, reason: 'bye', by: 'bridge', twilioCode: 31921 });
    const sent = call.mediaFramesSent;
    clock.advance(200);
    expect(call.mediaFramesSent).toBe(sent);
    expect(call.isOpen).toBe(false);
  });

  it('records 31903 when the connection drops without a close frame', async () => {
    const { call, conn } = await connect();
    conn.terminate();
    expect(await call.closed).toMatchObject({ code: 1006, by: 'bridge', twilioCode: 31903 });
  });

  it('rejects with 31920 and the HTTP status when the upgrade is refused', async () => {
    await probe.close();
    probe = await startBridgeProbe({ refuseWith: 403 });
    const attempt = startTwilioCall({ url: probe.url, clock });
    await expect(attempt).rejects.toBeInstanceOf(TwilioHandshakeError);
    await expect(attempt).rejects.toMatchObject({ twilioCode: 31920, statusCode: 403 });
  });
});
