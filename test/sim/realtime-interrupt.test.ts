import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { silence, tone } from '../../sim/audio.js';
import { say, type StartRealtimeSimOptions } from '../../sim/realtime-server.js';
import type { VadOverrides } from '../../sim/realtime-test-client.js';
import { useRealtimeFixture } from './realtime-fixture.js';

const rt = useRealtimeFixture({
  sim: {
    generationSpeed: 10,
    generationTickMs: 40,
    audioChunkBytes: 800,
    responder: ({ trigger }) => (trigger === 'client' ? [say('A long greeting that the caller will interrupt.', 5000)] : [say('Yes?', 200)]),
  },
});

/** Generation only moves when the test advances the clock, so a response stays active as long as needed. */
async function setup(vad: VadOverrides, options: StartRealtimeSimOptions = {}) {
  const clock = new ManualClock();
  const { c, session } = await rt.setup({ clock, ...options }, vad);
  c.send({ type: 'response.create' });
  await session.waitForSent('response.output_audio.delta');
  return { c, session, clock };
}

const typesAfter = (types: string[], first: string) => types.slice(types.indexOf(first));

describe('realtime sim barge-in', () => {
  it('cancels the active response at speech_started with turn_detected, after a few late deltas', async () => {
    const { c, session } = await setup({ interrupt_response: true, create_response: true }, { lateDeltasOnCancel: 2 });
    const firstResponse = session.activeResponseId!;
    c.sendFrames(tone(300));
    const done = await c.waitFor('response.done');
    expect(typesAfter(c.types(), 'input_audio_buffer.speech_started')).toEqual([
      'input_audio_buffer.speech_started',
      'response.output_audio.delta',
      'response.output_audio.delta',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    expect(done.response).toMatchObject({
      id: firstResponse,
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'turn_detected' },
      output: [{ status: 'incomplete' }],
    });
    expect((await c.waitFor('response.output_item.done')).item).toMatchObject({ status: 'incomplete' });
    expect(session.responses[0]).toMatchObject({ status: 'cancelled', cancelReason: 'turn_detected', items: [{ status: 'incomplete', audioBytes: 6 * 800 }] });

    c.sendFrames(silence(600));
    await c.waitForNext('response.done');
    expect(session.responses.map((r) => [r.trigger, r.status])).toEqual([
      ['client', 'cancelled'],
      ['vad', 'completed'],
    ]);
  });

  it('sends no late deltas when lateDeltasOnCancel is 0', async () => {
    const { c } = await setup({ interrupt_response: true }, { lateDeltasOnCancel: 0 });
    c.sendFrames(tone(300));
    await c.waitFor('response.done');
    expect(typesAfter(c.types(), 'input_audio_buffer.speech_started')[1]).toBe('response.output_audio.done');
  });

  it('lets the response run on when interrupt_response is off, and skips the automatic response', async () => {
    const { c, session, clock } = await setup({ interrupt_response: false, create_response: true });
    c.sendFrames(Buffer.concat([tone(300), silence(600)]));
    await c.waitFor('input_audio_buffer.committed');
    expect(session.activeResponseId).toBe(session.responses[0]!.id);
    clock.advance(1000);
    const done = await c.waitFor('response.done');
    expect(done.response).toMatchObject({ status: 'completed' });
    expect(session.responses).toHaveLength(1);
  });

  it('answers response.cancel with client_cancelled', async () => {
    const { c, session } = await setup({ interrupt_response: false, create_response: false });
    c.send({ type: 'response.cancel', response_id: session.activeResponseId });
    const done = await c.waitFor('response.done');
    expect(done.response).toMatchObject({ status: 'cancelled', status_details: { type: 'cancelled', reason: 'client_cancelled' } });
    expect(session.activeResponseId).toBeUndefined();
  });

  it('rejects response.cancel for another response id', async () => {
    const { c, session } = await setup({ interrupt_response: false, create_response: false });
    c.send({ type: 'response.cancel', response_id: 'resp_other' });
    expect((await c.waitFor('error')).error).toMatchObject({ code: 'response_cancel_not_active' });
    expect(session.activeResponseId).toBeDefined();
  });
});
