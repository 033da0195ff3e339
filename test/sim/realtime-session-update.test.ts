import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { StartRealtimeSimOptions } from '../../sim/realtime-server.js';
import { pcmuSessionUpdate, type RealtimeTestClient } from '../../sim/realtime-test-client.js';
import { useRealtimeFixture } from './realtime-fixture.js';

const rt = useRealtimeFixture();

/** A client that has seen `session.created` and sent no `session.update` yet. */
async function setup(options: StartRealtimeSimOptions = {}): Promise<RealtimeTestClient> {
  await rt.start(options);
  const client = await rt.open();
  await client.waitFor('session.created');
  return client;
}

async function updateError(session: unknown): Promise<Record<string, unknown>> {
  const c = rt.client;
  const before = c.events.length;
  c.send({ type: 'session.update', event_id: 'evt_client_1', session });
  const reply = await c.log.waitFor((e) => c.events.indexOf(e) >= before && (e.type === 'error' || e.type === 'session.updated'));
  expect(reply.type).toBe('error');
  return reply.error as Record<string, unknown>;
}

describe('realtime sim session.update validation', () => {
  it('requires session.type', async () => {
    await setup();
    expect(await updateError({ instructions: 'hi' })).toEqual({
      type: 'invalid_request_error',
      code: 'missing_required_parameter',
      message: "Missing required parameter: 'session.type'.",
      param: 'session.type',
      event_id: 'evt_client_1',
    });
  });

  it.each([
    ['input_audio_format', { input_audio_format: 'g711_ulaw' }],
    ['modalities', { modalities: ['audio', 'text'] }],
    ['voice', { voice: 'marin' }],
    ['turn_detection', { turn_detection: null }],
    ['temperature', { temperature: 0.8 }],
  ])('rejects the beta field %s as unknown_parameter', async (field, fields) => {
    await setup();
    const error = await updateError({ type: 'realtime', ...fields });
    expect(error).toMatchObject({ code: 'unknown_parameter', message: `Unknown parameter: 'session.${field}'.`, param: `session.${field}` });
  });

  it('rejects a rate on pcmu as unknown_parameter', async () => {
    await setup();
    const error = await updateError({ type: 'realtime', audio: { input: { format: { type: 'audio/pcmu', rate: 8000 } } } });
    expect(error).toMatchObject({ code: 'unknown_parameter', param: 'session.audio.input.format.rate' });
  });

  it('rejects a string format as invalid_type', async () => {
    await setup();
    const error = await updateError({ type: 'realtime', audio: { input: { format: 'g711_ulaw' } } });
    expect(error).toMatchObject({
      code: 'invalid_type',
      message: "Invalid type for 'session.audio.input.format': expected an object, but got a string instead.",
    });
  });

  it('rejects bad values as invalid_value or out of range', async () => {
    await setup();
    expect(await updateError({ type: 'realtime', audio: { output: { format: { type: 'pcm16' } } } })).toMatchObject({
      code: 'invalid_value',
      param: 'session.audio.output.format.type',
    });
    expect(await updateError({ type: 'realtime', output_modalities: ['audio', 'text'] })).toMatchObject({ code: 'invalid_value' });
    expect(await updateError({ type: 'realtime', max_output_tokens: 5000 })).toMatchObject({ code: 'integer_above_max_value' });
    expect(await updateError({ type: 'realtime', audio: { output: { speed: 2 } } })).toMatchObject({ code: 'decimal_above_max_value' });
  });

  it('rejects Chat Completions-shaped tools', async () => {
    await setup();
    const error = await updateError({ type: 'realtime', tools: [{ type: 'function', function: { name: 'add_item' } }] });
    expect(error).toMatchObject({ code: 'unknown_parameter', param: 'session.tools[0].function' });
  });

  it('leaves the session unchanged after an invalid update', async () => {
    await setup();
    await updateError({ type: 'realtime', instructions: 'new', modalities: ['audio'] });
    const session = await rt.sim.nextSession();
    expect(session.config.instructions).toBe('');
  });
});

describe('realtime sim session.update merge', () => {
  it('replies session.updated with the full merged session', async () => {
    const c = await setup();
    c.send(pcmuSessionUpdate({ silence_duration_ms: 700 }, { instructions: 'Take orders.' }));
    const first = (await c.waitFor('session.updated')).session as Record<string, any>;
    expect(first.audio.input.format).toEqual({ type: 'audio/pcmu' });
    expect(first.audio.output.format).toEqual({ type: 'audio/pcmu' });
    expect(first.audio.input.turn_detection.silence_duration_ms).toBe(700);
    c.send({ type: 'session.update', session: { type: 'realtime', tools: [{ type: 'function', name: 'add_item', parameters: {} }] } });
    const second = (await c.waitForNext('session.updated')).session as Record<string, any>;
    expect(second).toMatchObject({
      type: 'realtime',
      object: 'realtime.session',
      id: first.id,
      model: 'gpt-realtime',
      instructions: 'Take orders.',
      tools: [{ type: 'function', name: 'add_item', parameters: {} }],
      expires_at: first.expires_at,
      audio: { input: { format: { type: 'audio/pcmu' } }, output: { format: { type: 'audio/pcmu' }, voice: 'marin', speed: 1 } },
    });
    expect(second.audio.input.turn_detection.silence_duration_ms).toBe(700);
  });

  it('fills a partial turn_detection object from defaults instead of merging', async () => {
    const c = await setup();
    c.send(pcmuSessionUpdate({ silence_duration_ms: 900, threshold: 0.7 }));
    await c.waitFor('session.updated');
    c.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', threshold: 0.6 } } } } });
    const session = (await c.waitForNext('session.updated')).session as Record<string, any>;
    expect(session.audio.input.turn_detection).toEqual({
      type: 'server_vad',
      threshold: 0.6,
      prefix_padding_ms: 300,
      silence_duration_ms: 500,
      idle_timeout_ms: null,
      create_response: true,
      interrupt_response: true,
    });
  });

  it('null turn_detection and empty instructions clear them', async () => {
    const c = await setup();
    c.send(pcmuSessionUpdate(null, { instructions: '' }));
    const session = (await c.waitFor('session.updated')).session as Record<string, any>;
    expect(session.audio.input.turn_detection).toBeNull();
    expect(session.instructions).toBe('');
  });

  it('refuses to change the model', async () => {
    await setup();
    expect(await updateError({ type: 'realtime', model: 'gpt-realtime-mini' })).toMatchObject({ code: 'invalid_value', param: 'session.model' });
  });

  it('locks the voice once assistant audio has been sent', async () => {
    const c = await setup();
    c.send(pcmuSessionUpdate({ create_response: false }));
    await c.waitFor('session.updated');
    c.send({ type: 'response.create' });
    await c.waitFor('response.done');
    expect(await updateError({ type: 'realtime', audio: { output: { voice: 'cedar' } } })).toMatchObject({ code: 'cannot_update_voice' });
  });

  it('can withhold session.updated entirely', async () => {
    const c = await setup({ sessionUpdatedDelayMs: 'never' });
    c.send(pcmuSessionUpdate());
    const simSession = await rt.sim.nextSession();
    await simSession.waitForReceived('session.update');
    c.send({ type: 'input_audio_buffer.clear' });
    await c.waitFor('input_audio_buffer.cleared');
    expect(c.types()).not.toContain('session.updated');
    expect(simSession.config.audio.input.format).toEqual({ type: 'audio/pcmu' });
  });

  it('can delay session.updated (driven by an injected clock)', async () => {
    const clock = new ManualClock();
    const c = await setup({ sessionUpdatedDelayMs: 3000, clock });
    c.send(pcmuSessionUpdate());
    const simSession = await rt.sim.nextSession();
    await simSession.waitForReceived('session.update');
    clock.advance(2999);
    expect(simSession.sent.map((e) => e.type)).not.toContain('session.updated');
    clock.advance(1);
    await c.waitFor('session.updated');
  });
});
