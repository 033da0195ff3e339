import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { silence, tone } from '../../sim/audio.js';
import { startBridgeProbe, type BridgeProbe, type ProbeConnection } from '../../sim/twilio-bridge-probe.js';
import { startTwilioCall, type SimCall } from '../../sim/twilio-caller.js';

let probe: BridgeProbe;
let clock: ManualClock;
let call: SimCall;
let conn: ProbeConnection;
let payloadsSeen: string[];

beforeEach(async () => {
  probe = await startBridgeProbe();
  clock = new ManualClock();
  payloadsSeen = [];
  call = await startTwilioCall({ url: probe.url, clock, keepAudio: true, onOutboundMedia: (p) => payloadsSeen.push(p) });
  conn = await probe.nextConnection();
});

afterEach(async () => {
  await call.hangUp();
  await probe.close();
});

const media = (ms: number) => ({ event: 'media', streamSid: call.streamSid, media: { payload: tone(ms).toString('base64') } });
const mark = (name: string) => ({ event: 'mark', streamSid: call.streamSid, mark: { name } });
const clear = () => ({ event: 'clear', streamSid: call.streamSid });

function echoesAtBridge(): string[] {
  return conn.messages.filter((m) => m.event === 'mark').map((m) => (m.mark as { name: string }).name);
}

describe('simulated Twilio caller: playback, marks and clear', () => {
  it('echoes a mark when the audio before it has played, in Twilio shape', async () => {
    conn.send(media(100));
    conn.send(mark('m1'));
    await call.waitFor(() => call.marksReceived.length === 1);
    clock.advance(99);
    expect(call.markEchoes).toEqual([]);
    clock.advance(1);
    const echo = await conn.waitForMessage((m) => m.event === 'mark');

    expect(echo).toEqual({ event: 'mark', sequenceNumber: expect.stringMatching(/^\d+$/), streamSid: call.streamSid, mark: { name: 'm1' } });
    expect(call.markEchoes).toEqual([{ name: 'm1', reason: 'played', reachedAt: 100, echoedAt: 100 }]);
    expect(call.playedMs).toBe(100);
  });

  it('echoes a mark at once when nothing is buffered', async () => {
    conn.send(mark('idle'));
    await call.waitForMarkEcho('idle');
    expect(call.markEchoes[0]).toMatchObject({ name: 'idle', reason: 'played', reachedAt: 0 });
    await conn.waitForMessage((m) => m.event === 'mark');
    expect(echoesAtBridge()).toEqual(['idle']);
  });

  it('echoes a mark due between ticks at its exact playout time', async () => {
    conn.send(media(30));
    conn.send(mark('short'));
    await call.waitFor(() => call.marksReceived.length === 1);
    clock.advance(25);
    expect(call.markEchoes).toEqual([]);
    clock.advance(5);
    expect(call.markEchoes).toEqual([{ name: 'short', reason: 'played', reachedAt: 30, echoedAt: 30 }]);
  });

  it('does not credit idle time to audio that arrives later', async () => {
    clock.advance(500);
    conn.send(media(40));
    conn.send(mark('late'));
    await call.waitFor(() => call.marksReceived.length === 1);
    clock.advance(20);
    expect(call.markEchoes).toEqual([]);
    expect(call.playedMs).toBe(20);
    clock.advance(20);
    expect(call.markEchoes.map((m) => m.name)).toEqual(['late']);
  });

  it('on clear, drops buffered audio and echoes every pending mark at once, in order (as Twilio\'s `clear` docs describe)', async () => {
    for (const name of ['m1', 'm2', 'm3']) {
      conn.send(media(100));
      conn.send(mark(name));
    }
    await call.waitFor(() => call.marksReceived.length === 3);
    clock.advance(150);
    expect(call.markEchoes.map((m) => [m.name, m.reason])).toEqual([['m1', 'played']]);

    conn.send(clear());
    await call.waitForClear();
    await conn.waitForMessage(() => echoesAtBridge().length === 3);

    expect(echoesAtBridge()).toEqual(['m1', 'm2', 'm3']);
    expect(call.markEchoes.map((m) => [m.name, m.reason, m.reachedAt])).toEqual([
      ['m1', 'played', 100],
      ['m2', 'cleared', 150],
      ['m3', 'cleared', 150],
    ]);
    expect(call.bufferedMs).toBe(0);
    expect(call.playedMs).toBe(150);
    expect(call.segmentsPlayedMs).toEqual([150, 0]);
  });

  it('keeps playing new audio after a clear and counts it in a new segment', async () => {
    conn.send(media(200));
    await call.waitForAudio(200);
    clock.advance(60);
    conn.send(clear());
    await call.waitForClear();
    conn.send(media(80));
    await call.waitForAudio(80);
    clock.advance(100);
    expect(call.segmentsPlayedMs).toEqual([60, 80]);
    expect(call.playedMs).toBe(140);
  });

  it('records received media with running totals, the payload hook and the audio bytes', async () => {
    conn.send(media(20));
    conn.send({ event: 'media', streamSid: call.streamSid, media: { payload: silence(50).toString('base64') } });
    await call.waitForAudio(70);
    expect(call.received.map((r) => [r.bytes, r.cumulativeBytes])).toEqual([
      [160, 160],
      [400, 560],
    ]);
    expect(call.receivedMs).toBe(70);
    expect(payloadsSeen).toHaveLength(2);
    expect(call.receivedAudio()).toEqual(Buffer.concat([tone(20), silence(50)]));
  });

  it('waits for the bot to fall silent once its audio has played out', async () => {
    conn.send(media(100));
    await call.waitForAudio(100);
    let quiet = false;
    const waiting = call.waitForBotSilence(200).then(() => (quiet = true));
    clock.advance(100);
    await Promise.resolve();
    expect(quiet).toBe(false);
    clock.advance(100);
    await waiting;
    expect(call.playedMs).toBe(100);
  });
});

describe('simulated Twilio caller: checks on what the bridge sends', () => {
  it('records Twilio error codes for bad messages and ignores them', async () => {
    const bad: (object | string | Buffer)[] = [
      Buffer.from([1, 2, 3]),
      '{not json',
      { event: 'hello', streamSid: call.streamSid },
      { event: 'media', streamSid: call.streamSid, media: { payload: tone(20).toString('base64') }, extra: 1 },
      { event: 'media', streamSid: 'MZ-someone-else', media: { payload: tone(20).toString('base64') } },
      { event: 'media', media: { payload: tone(20).toString('base64') } },
      { event: 'media', streamSid: call.streamSid, media: { payload: tone(20).toString('base64'), track: 'outbound' } },
      { event: 'media', streamSid: call.streamSid, media: { payload: Buffer.from('RIFF....WAVEfmt ').toString('base64') } },
      { event: 'media', streamSid: call.streamSid, media: { payload: 'not base64!' } },
      { event: 'mark', streamSid: call.streamSid, mark: { name: 7 } },
      { event: 'clear', streamSid: call.streamSid, sequenceNumber: '1' },
    ];
    for (const message of bad) conn.send(message);
    await call.waitFor(() => call.violations.length === bad.length);

    expect(call.violations.map((v) => v.code)).toEqual([31950, 31924, 31924, 31951, 31951, 31951, 31951, 31924, 31951, 31951, 31951]);
    expect(call.violations[3]!.reason).toMatch(/unexpected field\(s\) extra/);
    expect(call.receivedBytes).toBe(0);
    expect(call.clears).toEqual([]);
    expect(call.marksReceived).toEqual([]);
  });

  it('records no violation for well-formed media, mark and clear', async () => {
    conn.send(media(20));
    conn.send(mark('ok'));
    conn.send(clear());
    expect(await call.waitForClear()).toBe(0);
    expect(call.violations).toEqual([]);
    expect(call.marksReceived.map((m) => m.name)).toEqual(['ok']);
  });
});
