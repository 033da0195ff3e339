import { describe, expect, it } from 'vitest';
import type { RealtimeResponse } from 'openai/resources/realtime/realtime';
import { silence } from '../../sim/audio.js';
import { callTool, failWith, incompleteResponse, say } from '../../sim/realtime-server.js';
import type { ServerEventJson } from '../../sim/realtime-test-client.js';
import { useRealtimeFixture } from './realtime-fixture.js';

/** Response outcomes per `RealtimeResponseStatus`, errors tied to their client event, and create collisions. */
const rt = useRealtimeFixture({ vad: { create_response: false } });

const responseOf = (e: ServerEventJson) => e.response as RealtimeResponse;

describe('realtime sim: failed and incomplete responses', () => {
  it.each([
    ['insufficient_quota', 'insufficient_quota'],
    ['rate_limit_exceeded', 'tokens'],
    ['server_error', 'server_error'],
  ] as const)('failWith(%s): status failed, status_details.error { type: %s, code }', async (code, type) => {
    const { c, session } = await rt.setup({ responder: () => failWith(code) });
    c.send({ type: 'response.create', response: { metadata: { purpose: 'greeting' } } });
    const done = responseOf(await c.waitFor('response.done'));
    expect(done).toMatchObject({ status: 'failed', status_details: { type: 'failed', error: { type, code } }, output: [], metadata: { purpose: 'greeting' } });
    expect(session.responses[0]!.status).toBe('failed');
  });

  it('a rate-limited response advises when to retry, in the message and in rate_limits.updated', async () => {
    const { c } = await rt.setup({ responder: () => failWith('rate_limit_exceeded', [], 2.5) });
    c.send({ type: 'response.create' });
    const done = responseOf(await c.waitFor('response.done'));
    expect(done.status_details?.error?.message).toMatch(/Please try again in 2\.5s\./);
    expect((await c.waitFor('rate_limits.updated')).rate_limits).toContainEqual({ name: 'tokens', limit: 40_000, remaining: 0, reset_seconds: 2.5 });
  });

  it('incomplete (max_output_tokens): the last item is cut short and left incomplete', async () => {
    const { c, session } = await rt.setup({ responder: () => incompleteResponse('max_output_tokens', [say('Sure.', 200), say('Your order is one large margherita and', 1000)]) });
    c.send({ type: 'response.create' });
    const done = responseOf(await c.waitFor('response.done'));
    expect(done).toMatchObject({ status: 'incomplete', status_details: { type: 'incomplete', reason: 'max_output_tokens' } });
    expect(done.output!.map((item) => (item as { status?: string }).status)).toEqual(['completed', 'incomplete']);
    expect(session.responses[0]!.items[1]!.audioBytes).toBeLessThan(8000);
  });

  it('incomplete (content_filter) can cut a function call: its arguments are truncated and it is incomplete', async () => {
    const { c } = await rt.setup({ responder: () => incompleteResponse('content_filter', [callTool('submit_order', { name: 'Ann', items: ['marg'] })]) });
    c.send({ type: 'response.create' });
    const done = responseOf(await c.waitFor('response.done'));
    expect(done.status_details).toEqual({ type: 'incomplete', reason: 'content_filter' });
    expect(done.output![0]).toMatchObject({ type: 'function_call', status: 'incomplete' });
    expect(() => JSON.parse((done.output![0] as { arguments: string }).arguments)).toThrow();
  });
});

describe('realtime sim: errors carry the event_id of the client event that caused them', () => {
  it.each([
    ['response.cancel with nothing active', { type: 'response.cancel' }, 'response_cancel_not_active'],
    ['truncate of an unknown item', { type: 'conversation.item.truncate', item_id: 'item_x', content_index: 0, audio_end_ms: 0 }, 'item_not_found'],
    ['truncate with a negative end', { type: 'conversation.item.truncate', item_id: 'item_x', content_index: 0, audio_end_ms: -1 }, 'integer_below_min_value'],
    ['commit of an empty buffer', { type: 'input_audio_buffer.commit' }, 'input_audio_buffer_commit_empty'],
    ['an append that is not a string', { type: 'input_audio_buffer.append', audio: 42 }, 'invalid_type'],
    ['an unknown event type', { type: 'response.audio.delta' }, 'invalid_value'],
  ])('%s', async (_what, event, code) => {
    const { c } = await rt.setup();
    c.send({ ...event, event_id: 'evt_42' });
    expect((await c.waitFor('error')).error).toMatchObject({ code, event_id: 'evt_42' });
  });
});

describe('realtime sim: a server-VAD response that starts between a client create and its refusal', () => {
  it('collideNextResponseCreate(): caller turn committed, VAD response created, then the client create refused with its event_id', async () => {
    const { c, session } = await rt.setup({ responder: (ctx) => [say(ctx.trigger === 'vad' ? 'Sure, what size?' : 'Welcome!', 300)] });
    c.sendFrames(silence(200));
    session.collideNextResponseCreate();
    c.send({ type: 'response.create', event_id: 'evt_greeting', response: { metadata: { purpose: 'greeting' } } });
    const error = await c.waitFor('error');
    const created = responseOf(await c.waitFor('response.created'));
    const types = c.types();
    expect(types.indexOf('input_audio_buffer.committed')).toBeLessThan(types.indexOf('response.created'));
    expect(types.indexOf('response.created')).toBeLessThan(types.indexOf('error'));
    expect(created.metadata).toBeNull();
    expect(error.error).toMatchObject({
      code: 'conversation_already_has_active_response',
      message: expect.stringContaining(created.id!),
      event_id: 'evt_greeting',
    });
    expect(session.responses).toMatchObject([{ trigger: 'vad', metadata: null }]);
    expect(session.responses[0]!.eventId).toBeUndefined();

    await c.waitFor('response.done');
    c.send({ type: 'response.create', event_id: 'evt_retry' });
    await c.waitForNext('response.done');
    expect(session.responses.map((r) => [r.trigger, r.eventId])).toEqual([
      ['vad', undefined],
      ['client', 'evt_retry'],
    ]);
  });
});
