import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { useRealtimeFixture } from './realtime-fixture.js';

const rt = useRealtimeFixture();
const setup = rt.setup;

describe('realtime sim injected faults', () => {
  it('expire(): session_expired, then close 1001', async () => {
    const { c, session } = await setup();
    session.expire();
    const error = await c.waitFor('error');
    expect(error.error).toMatchObject({ type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 60 minutes.' });
    expect((await c.closed).code).toBe(1001);
    expect((await session.closed).code).toBe(1001);
    expect(rt.sim.openSessions).toBe(0);
  });

  it('expires on its own after maxSessionMs of the injected clock', async () => {
    const clock = new ManualClock();
    const { c, session } = await setup({ clock, maxSessionMs: 60 * 60_000 });
    clock.advance(60 * 60_000 - 1);
    expect(session.sent.map((e) => e.type)).not.toContain('error');
    clock.advance(1);
    expect((await c.waitFor('error')).error).toMatchObject({ code: 'session_expired' });
    expect((await c.closed).code).toBe(1001);
  });

  it('drop(): the connection dies without a close frame (1006)', async () => {
    const { c, session } = await setup();
    session.drop();
    expect((await c.closed).code).toBe(1006);
    expect(c.types()).not.toContain('error');
    expect(session.isOpen).toBe(false);
  });

  it('fail(code): a fatal error event, closing only when asked', async () => {
    const { c, session } = await setup();
    session.fail('insufficient_quota');
    expect((await c.waitFor('error')).error).toMatchObject({ type: 'invalid_request_error', code: 'insufficient_quota' });
    expect(session.isOpen).toBe(true);
    session.fail('invalid_api_key', { closeCode: 1008 });
    expect((await c.waitForNext('error')).error).toMatchObject({ code: 'invalid_api_key' });
    expect((await c.closed).code).toBe(1008);
  });

  it("fail('server_error') sends a server_error type", async () => {
    const { c, session } = await setup();
    session.fail('server_error');
    expect((await c.waitFor('error')).error).toMatchObject({ type: 'server_error', code: null });
  });

  it('close(code) closes with that code and ends the session waiters', async () => {
    const { c, session } = await setup();
    const pending = session.waitForReceived('response.create', 5000);
    session.close(4001, 'test');
    expect(await c.closed).toEqual({ code: 4001, reason: 'test' });
    await expect(pending).rejects.toThrow(/closed \(4001\)/);
  });

  it('send() injects raw events', async () => {
    const { c, session } = await setup();
    session.send({ type: 'output_audio_buffer.started', event_id: 'event_x', response_id: 'resp_x' });
    session.send('{"type":"custom.raw"}');
    await c.waitFor('custom.raw');
    expect(c.types().slice(-2)).toEqual(['output_audio_buffer.started', 'custom.raw']);
  });

  it('records client events but only counts appends', async () => {
    const sim = await rt.start();
    const client = await rt.open();
    const session = await sim.nextSession();
    client.sendFrames(Buffer.alloc(1600, 0xff));
    client.send({ type: 'input_audio_buffer.clear' });
    await client.waitFor('input_audio_buffer.cleared');
    expect(session.received.map((e) => e.type)).toEqual(['input_audio_buffer.clear']);
    expect(session.appendCount).toBe(10);
    expect(session.appendedBytes).toBe(1600);
  });
});
