import { describe, expect, it } from 'vitest';
import { say } from '../../sim/realtime-server.js';
import { connect, pcmuSessionUpdate, tryConnect } from '../../sim/realtime-test-client.js';
import { useRealtimeFixture } from './realtime-fixture.js';

/** Faults for watchdog tests: a server that stops talking without closing, and handshakes that never finish. */
const rt = useRealtimeFixture({ vad: null, sim: { responder: () => [say('Hello there.', 400)] } });

describe('realtime sim: a session that goes quiet', () => {
  it('answers pings while healthy', async () => {
    const { c, session } = await rt.setup();
    c.ping();
    await c.pongs.waitFor(() => true);
    expect(session.pings).toEqual({ received: 1, answered: 1 });
  });

  it('goSilent(): nothing more is sent, not even pongs or errors, and the socket stays open', async () => {
    const { c, session } = await rt.setup();
    session.goSilent();
    const before = session.sentLog.events.length;
    c.send({ type: 'response.create', event_id: 'evt_greet' });
    c.send('{not json');
    c.ping();
    await session.waitUntil(() => session.pings.received === 1, 2000, 'the ping');

    expect(session.pings).toEqual({ received: 1, answered: 0 });
    expect(session.received.map((e) => e.type)).toContain('response.create');
    expect(session.responses).toHaveLength(0);
    expect(session.sentLog.events.length).toBe(before);
    expect(session.isOpen).toBe(true);
  });

  it('goSilentOnNext(type): the next such event is read but never answered (no response.created)', async () => {
    const { c, session } = await rt.setup();
    session.goSilentOnNext('response.create');
    c.send({ type: 'input_audio_buffer.clear' });
    await c.waitFor('input_audio_buffer.cleared');
    c.send({ type: 'response.create', event_id: 'evt_greet' });
    c.ping();
    await session.waitUntil(() => session.pings.received === 1, 2000, 'the ping');
    expect(session.received.at(-1)).toMatchObject({ type: 'response.create', event_id: 'evt_greet' });
    expect(session.isSilent).toBe(true);
    expect(session.responses).toHaveLength(0);
    expect(session.sent.map((e) => e.type)).not.toContain('response.created');
  });

  it('silentSession(index): the upgrade succeeds but that session never says anything; the next one is healthy', async () => {
    const sim = await rt.start({ silentSession: (index) => index === 0 });
    const first = await rt.open();
    const firstSession = await sim.nextSession();
    first.send(pcmuSessionUpdate());
    first.ping();
    await firstSession.waitUntil(() => firstSession.pings.received === 1, 2000, 'the ping');
    expect(firstSession.sent).toEqual([]);
    expect(firstSession.received.map((e) => e.type)).toEqual(['session.update']);

    const second = await rt.open();
    second.send(pcmuSessionUpdate());
    await second.waitFor('session.updated');
    expect(second.events[0]!.type).toBe('session.created');
  });

  it("sessionUpdatedDelayMs 'never' per session: only the first session never confirms its update", async () => {
    const sim = await rt.start({ sessionUpdatedDelayMs: (index) => (index === 0 ? 'never' : 0) });
    const first = await rt.open();
    first.send(pcmuSessionUpdate());
    const session = await sim.nextSession();
    await session.waitForReceived('session.update');
    first.send({ type: 'input_audio_buffer.clear' });
    await first.waitFor('input_audio_buffer.cleared');
    expect(first.types()).not.toContain('session.updated');
    const second = await rt.open();
    second.send(pcmuSessionUpdate());
    await second.waitFor('session.updated');
  });
});

describe('realtime sim: handshakes that hang', () => {
  it('hangHandshakes(1): the TCP connection is accepted but the upgrade is never answered; the next one works', async () => {
    const sim = await rt.start();
    sim.hangHandshakes(1);
    await expect(tryConnect(sim.url, { apiKey: sim.apiKey, handshakeTimeoutMs: 200 })).rejects.toThrow(/handshake has timed out/);
    expect(sim.hungHandshakes).toBe(1);
    expect(sim.sessions).toHaveLength(0);
    const client = await connect(sim.url, { apiKey: sim.apiKey });
    await client.waitFor('session.created');
    await client.close();
  });

  it('hangHandshake(index) option: per-attempt control, e.g. the first two attempts hang', async () => {
    const sim = await rt.start({ hangHandshake: (index) => index < 2 });
    for (let i = 0; i < 2; i++) {
      await expect(tryConnect(sim.url, { apiKey: sim.apiKey, handshakeTimeoutMs: 200 })).rejects.toThrow(/timed out/);
    }
    const client = await connect(sim.url, { apiKey: sim.apiKey });
    await client.waitFor('session.created');
    await client.close();
    expect(sim.hungHandshakes).toBe(2);
  });
});
