import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { silence } from '../../sim/audio.js';
import { callTool, say } from '../../sim/realtime-server.js';
import { MAX_APPEND_CHARS } from '../../sim/realtime-session.js';
import { useRealtimeFixture } from './realtime-fixture.js';

const rt = useRealtimeFixture({ vad: null, sim: { responder: () => [say('Your total is twelve fifty.', 1000)] } });
const setup = rt.setup;

/** Sends `event` and returns the error it caused (the next error event). */
async function errorFor(event: object | string): Promise<Record<string, unknown>> {
  const c = rt.client;
  const next = c.waitForNext('error');
  c.send(event);
  return (await next).error as Record<string, unknown>;
}

async function assistantItemId(): Promise<string> {
  rt.client.send({ type: 'response.create' });
  const done = await rt.client.waitForNext('response.done');
  return (done.response as { output: Array<{ id: string }> }).output[0]!.id;
}

describe('realtime sim enforced errors', () => {
  it('conversation_already_has_active_response while a response runs', async () => {
    const clock = new ManualClock();
    const { c, session } = await setup({ clock, generationSpeed: 10 });
    c.send({ type: 'response.create' });
    await session.waitForSent('response.output_audio.delta');
    const error = await errorFor({ type: 'response.create', event_id: 'evt_2' });
    expect(error).toMatchObject({
      type: 'invalid_request_error',
      code: 'conversation_already_has_active_response',
      message: `Conversation already has an active response in progress: ${session.activeResponseId}. Wait until the response is finished before creating a new one.`,
      event_id: 'evt_2',
    });
    expect(session.responses).toHaveLength(1);
  });

  it('response_cancel_not_active with nothing to cancel', async () => {
    await setup();
    expect(await errorFor({ type: 'response.cancel' })).toMatchObject({
      code: 'response_cancel_not_active',
      message: 'Cancellation failed: no active response found',
    });
  });

  it('input_audio_buffer_commit_empty below 100 ms, committed above', async () => {
    const { c } = await setup();
    expect(await errorFor({ type: 'input_audio_buffer.commit' })).toMatchObject({
      code: 'input_audio_buffer_commit_empty',
      message: 'Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 0.00ms of audio.',
    });
    c.sendFrames(silence(60));
    expect((await errorFor({ type: 'input_audio_buffer.commit' })).message).toMatch(/buffer only has 60\.00ms/);
    c.sendFrames(silence(60));
    c.send({ type: 'input_audio_buffer.commit' });
    await c.waitFor('input_audio_buffer.committed');
  });

  it('truncate beyond the audio sent: code null, "already shorter"', async () => {
    await setup();
    const itemId = await assistantItemId();
    const error = await errorFor({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 1500 });
    expect(error).toMatchObject({ code: null, message: 'Audio content of 1000ms is already shorter than 1500ms' });
  });

  it('negative audio_end_ms: integer_below_min_value', async () => {
    await setup();
    const itemId = await assistantItemId();
    const error = await errorFor({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: -11 });
    expect(error).toMatchObject({
      code: 'integer_below_min_value',
      param: 'audio_end_ms',
      message: "Invalid 'audio_end_ms': integer below minimum value. Expected a value >= 0, but got -11 instead.",
    });
  });

  it('truncating a user item or a function call: unsupported_content_type', async () => {
    const { c, session } = await setup({ responder: () => [callTool('add_item', { itemId: 'x' })] });
    c.sendFrames(silence(200));
    c.send({ type: 'input_audio_buffer.commit' });
    const userItem = (await c.waitFor('input_audio_buffer.committed')).item_id as string;
    expect(await errorFor({ type: 'conversation.item.truncate', item_id: userItem, content_index: 0, audio_end_ms: 0 })).toMatchObject({
      code: 'unsupported_content_type',
      message: 'Only model output audio messages can be truncated',
    });
    const callItem = await assistantItemId();
    expect(await errorFor({ type: 'conversation.item.truncate', item_id: callItem, content_index: 0, audio_end_ms: 0 })).toMatchObject({
      code: 'unsupported_content_type',
    });
    expect(session.truncations).toHaveLength(0);
  });

  it('unknown item ids give an error for truncate, delete and retrieve', async () => {
    await setup();
    for (const type of ['conversation.item.truncate', 'conversation.item.delete', 'conversation.item.retrieve']) {
      const error = await errorFor({ type, item_id: 'item_nope', content_index: 0, audio_end_ms: 0 });
      expect(error).toMatchObject({ code: 'item_not_found', param: 'item_id' });
    }
  });

  it('a valid truncate is confirmed, recorded, and drops the transcript', async () => {
    const { c, session } = await setup();
    const itemId = await assistantItemId();
    c.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 640 });
    expect(await c.waitFor('conversation.item.truncated')).toMatchObject({ item_id: itemId, content_index: 0, audio_end_ms: 640 });
    expect(session.truncations).toEqual([{ itemId, contentIndex: 0, audioEndMs: 640, itemAudioMs: 1000 }]);
    c.send({ type: 'conversation.item.retrieve', item_id: itemId });
    const retrieved = await c.waitFor('conversation.item.retrieved');
    expect((retrieved.item as { content: Array<{ transcript?: string }> }).content[0]!.transcript).toBeUndefined();
    expect((await errorFor({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 700 })).message).toBe(
      'Audio content of 640ms is already shorter than 700ms',
    );
  });

  it('rejects an append over 15 MiB without buffering it', async () => {
    const { session } = await setup();
    const error = await errorFor({ type: 'input_audio_buffer.append', audio: 'A'.repeat(MAX_APPEND_CHARS + 4) });
    expect(error).toMatchObject({ code: 'string_above_max_length', param: 'audio' });
    expect(session.appendedBytes).toBe(0);
  });

  it('invalid_event when the type is missing; errors for bad JSON and unknown types', async () => {
    await setup();
    expect(await errorFor({ event_id: 'evt_x' })).toMatchObject({ code: 'invalid_event', message: "The 'type' field is missing.", event_id: 'evt_x' });
    expect(await errorFor('{not json')).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
    expect(await errorFor({ type: 'response.audio.delta' })).toMatchObject({ code: 'invalid_value', param: 'type' });
    expect(await errorFor({ type: 'output_audio_buffer.clear' })).toMatchObject({ code: 'invalid_value', param: 'type' });
  });

  it('validates conversation.item.create and records function outputs only when valid', async () => {
    const { c, session } = await setup();
    expect(await errorFor({ type: 'conversation.item.create', item: { type: 'function_call_output', output: '{}' } })).toMatchObject({
      code: 'missing_required_parameter',
      param: 'item.call_id',
    });
    expect(await errorFor({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'c', output: { ok: true } } })).toMatchObject({
      code: 'invalid_type',
      param: 'item.output',
    });
    expect(session.functionOutputs).toHaveLength(0);
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: '[caller pressed 0]' }] } });
    const added = await c.waitFor('conversation.item.added');
    c.send({ type: 'conversation.item.delete', item_id: (added.item as { id: string }).id });
    expect(await c.waitFor('conversation.item.deleted')).toMatchObject({ item_id: (added.item as { id: string }).id });
  });
});
