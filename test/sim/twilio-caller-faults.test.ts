import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { startBridgeProbe, type BridgeProbe, type ProbeConnection } from '../../sim/twilio-bridge-probe.js';
import { startTwilioCall, type SimCall } from '../../sim/twilio-caller.js';

/** The probe stands where the bridge would be; every call runs on the test's ManualClock. */
let env: { probe: BridgeProbe; clock: ManualClock; calls: SimCall[] };
beforeEach(async () => {
  env = { probe: await startBridgeProbe(), clock: new ManualClock(), calls: [] };
});
afterEach(async () => {
  for (const call of env.calls) await call.hangUp();
  await env.probe.close();
});

async function connect(): Promise<{ call: SimCall; conn: ProbeConnection }> {
  const call = await startTwilioCall({ url: env.probe.url, clock: env.clock });
  env.calls.push(call);
  return { call, conn: await env.probe.nextConnection() };
}

const mediaCount = (conn: ProbeConnection) => conn.messages.filter((m) => m.event === 'media').length;

describe('simulated Twilio caller: wire details', () => {
  it('sends media with Twilio\'s field order: event, sequenceNumber, media{track,chunk,timestamp,payload}, streamSid', async () => {
    const { call, conn } = await connect();
    await conn.waitForMessage((m) => m.event === 'media');
    const raw = conn.raw.find((text) => text.startsWith('{"event":"media"'))!;
    expect(raw).toMatch(
      new RegExp(
        '^\\{"event":"media","sequenceNumber":"2","media":\\{"track":"inbound","chunk":"1","timestamp":"0","payload":"[A-Za-z0-9+/=]{216}"\\},' +
          `"streamSid":"${call.streamSid}"\\}$`,
      ),
    );
  });

  it('sends a raw media payload verbatim, numbered like any frame, so JSON escapes reach the bridge', async () => {
    const { call, conn } = await connect();
    await conn.waitForMessage((m) => m.event === 'media');
    call.sendRawMedia('AAAA\\u0000AAA');
    const odd = await conn.waitForMessage((m) => m.event === 'media' && (m.media as { chunk: string }).chunk === '2');
    expect((odd.media as { payload: string }).payload).toBe('AAAA\u0000AAA');
    expect(conn.raw.at(-1)).toContain('"payload":"AAAA\\u0000AAA"');
    expect(odd.sequenceNumber).toBe('3');
    expect((odd.media as { timestamp: string }).timestamp).toBe('20');
  });
});

describe('simulated Twilio caller: a line that goes dead (half-open)', () => {
  it('answers pings while healthy', async () => {
    const { call, conn } = await connect();
    conn.ping();
    await conn.waitForMessage(() => conn.pongs === 1, 2000, 'a pong');
    expect(call.pings).toEqual({ received: 1, answered: 1 });
  });

  it('goSilent(): no more frames, no pongs, no mark echoes, and neither stop nor close', async () => {
    const { call, conn } = await connect();
    env.clock.advance(40);
    await conn.waitForMessage(() => mediaCount(conn) === 3, 2000, 'three frames');
    call.goSilent();
    const framesAtSilence = call.mediaFramesSent;

    env.clock.advance(5000);
    conn.send({ event: 'mark', streamSid: call.streamSid, mark: { name: 'm1' } });
    conn.ping();
    await call.waitFor(() => call.pings.received === 1, 2000, 'the ping to arrive');

    // The ping came after the mark on the same socket, so the mark had been read by then: neither was answered.
    expect(call.pings).toEqual({ received: 1, answered: 0 });
    expect(call.markEchoes).toEqual([]);
    expect(call.mediaFramesSent).toBe(framesAtSilence);
    expect(call.isOpen).toBe(true);
    expect(call.closeInfo).toBeUndefined();
    expect(conn.messages.map((m) => m.event)).not.toContain('stop');
  });

  it('still closes when the bridge closes the socket (the close is recorded as the bridge\'s)', async () => {
    const { call, conn } = await connect();
    call.goSilent();
    conn.close(1000, 'no media');
    expect(await call.closed).toMatchObject({ by: 'bridge', code: 1000, twilioCode: 31921 });
  });
});
