import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { base64ByteLength } from '../../sim/audio.js';
import { callTool, failResponse, say, type ResponderContext } from '../../sim/realtime-server.js';
import type { ServerEventJson } from '../../sim/realtime-test-client.js';
import { useRealtimeFixture } from './realtime-fixture.js';

const setup = useRealtimeFixture({ vad: { create_response: false } }).setup;

const STREAMING = new Set(['response.output_audio.delta', 'response.output_audio_transcript.delta', 'response.function_call_arguments.delta']);

/** Event types from `response.created` on, with consecutive streaming deltas collapsed to one `*`-marked entry. */
function responseShape(events: readonly ServerEventJson[]): string[] {
  const start = events.findIndex((e) => e.type === 'response.created');
  const shape: string[] = [];
  for (const e of events.slice(start)) {
    const name = STREAMING.has(e.type) ? 'deltas*' : e.type;
    if (name !== shape.at(-1) || name !== 'deltas*') shape.push(name);
  }
  return shape;
}

const AUDIO_ITEM = [
  'response.output_item.added',
  'conversation.item.added',
  'response.content_part.added',
  'deltas*',
  'response.output_audio.done',
  'response.output_audio_transcript.done',
  'response.content_part.done',
  'response.output_item.done',
  'conversation.item.done',
];
const CALL_ITEM = [
  'response.output_item.added',
  'conversation.item.added',
  'deltas*',
  'response.function_call_arguments.done',
  'response.output_item.done',
  'conversation.item.done',
];

describe('realtime sim scripted responses', () => {
  it('streams an audio response with the full GA event sequence', async () => {
    const { c, session } = await setup({ responder: () => [say('Thanks for calling, what can I get you?', 1000)] });
    c.send({ type: 'response.create', response: { instructions: 'Greet the caller.', metadata: { purpose: 'greeting' } } });
    const done = await c.waitFor('response.done');
    expect(responseShape(c.events)).toEqual(['response.created', 'rate_limits.updated', ...AUDIO_ITEM, 'response.done']);

    const created = await c.waitFor('response.created');
    expect(created.response).toMatchObject({ object: 'realtime.response', status: 'in_progress', status_details: null, output: [], usage: null });
    const added = await c.waitFor('response.output_item.added');
    expect(added.item).toMatchObject({ type: 'message', role: 'assistant', status: 'in_progress' });

    const deltas = c.events.filter((e) => e.type === 'response.output_audio.delta');
    const bytes = deltas.map((e) => base64ByteLength(e.delta as string));
    expect(bytes.reduce((a, b) => a + b, 0)).toBe(8000);
    expect(new Set(bytes).size).toBeGreaterThan(2);
    for (const d of deltas) expect(d).toMatchObject({ response_id: (created.response as any).id, item_id: (added.item as any).id, output_index: 0, content_index: 0 });
    const transcript = c.events.filter((e) => e.type === 'response.output_audio_transcript.delta').map((e) => e.delta).join('');
    expect(transcript).toBe('Thanks for calling, what can I get you?');
    expect(await c.waitFor('response.output_audio_transcript.done')).toMatchObject({ transcript });

    expect(done.response).toMatchObject({
      status: 'completed',
      status_details: null,
      metadata: { purpose: 'greeting' },
      audio: { output: { format: { type: 'audio/pcmu' }, voice: 'marin' } },
      output: [{ type: 'message', status: 'completed', content: [{ type: 'output_audio', transcript }] }],
    });
    const usage = (done.response as any).usage;
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(usage.output_token_details.audio_tokens).toBe(20);
    expect(Object.keys(usage.input_token_details).sort()).toEqual(['audio_tokens', 'cached_tokens', 'cached_tokens_details', 'image_tokens', 'text_tokens']);
    expect(session.responses).toMatchObject([{ trigger: 'client', status: 'completed', instructions: 'Greet the caller.', items: [{ kind: 'audio', audioBytes: 8000 }] }]);
  });

  it('uses the configured delta sizes', async () => {
    const { c } = await setup({ audioChunkBytes: 320, responder: () => [say('Hi.', 100)] });
    c.send({ type: 'response.create' });
    await c.waitFor('response.done');
    const bytes = c.events.filter((e) => e.type === 'response.output_audio.delta').map((e) => base64ByteLength(e.delta as string));
    expect(bytes).toEqual([320, 320, 160]);
  });

  it('runs a tool call after a spoken preamble, then speaks the result', async () => {
    const contexts: ResponderContext[] = [];
    const { c, session } = await setup({
      responder: (ctx) => {
        contexts.push(ctx);
        return ctx.newFunctionOutputs.length === 0
          ? [say('Let me add that.', 400), callTool('add_item', { itemId: 'pz_marg', quantity: 1 }, 'call_1')]
          : [say('Added. Anything else?', 600)];
      },
    });
    c.send({ type: 'response.create' });
    await c.waitFor('response.done');
    expect(responseShape(c.events)).toEqual(['response.created', 'rate_limits.updated', ...AUDIO_ITEM, ...CALL_ITEM, 'response.done']);
    const args = await c.waitFor('response.function_call_arguments.done');
    expect(args).toMatchObject({ output_index: 1, call_id: 'call_1', name: 'add_item', arguments: '{"itemId":"pz_marg","quantity":1}' });
    const argDeltas = c.events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => e.delta).join('');
    expect(argDeltas).toBe(args.arguments);
    expect((await c.waitFor((e) => e.type === 'response.output_item.added' && (e.item as any).type === 'function_call')).item).toMatchObject({
      status: 'in_progress',
      arguments: '',
      call_id: 'call_1',
    });

    c.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: '{"ok":true}' } });
    const outputDone = await c.waitFor((e) => e.type === 'conversation.item.done' && (e.item as any).type === 'function_call_output');
    expect(outputDone.item).toMatchObject({ call_id: 'call_1', output: '{"ok":true}' });
    expect(session.functionOutputs).toEqual([{ itemId: (outputDone.item as any).id, callId: 'call_1', output: '{"ok":true}' }]);

    c.send({ type: 'response.create' });
    await c.waitForNext('response.done');
    expect(contexts.map((x) => x.newFunctionOutputs.map((o) => o.callId))).toEqual([[], ['call_1']]);
    expect(session.responses[1]!.items).toMatchObject([{ kind: 'audio', transcript: 'Added. Anything else?' }]);
  });

  it('supports parallel calls in one response', async () => {
    const { c } = await setup({ responder: () => [callTool('add_item', { itemId: 'a' }), callTool('add_item', { itemId: 'b' })] });
    c.send({ type: 'response.create' });
    const done = await c.waitFor('response.done');
    expect(responseShape(c.events)).toEqual(['response.created', 'rate_limits.updated', ...CALL_ITEM, ...CALL_ITEM, 'response.done']);
    const output = (done.response as any).output as Array<{ call_id: string; arguments: string; status: string }>;
    expect(output.map((o) => o.arguments)).toEqual(['{"itemId":"a"}', '{"itemId":"b"}']);
    expect(new Set(output.map((o) => o.call_id)).size).toBe(2);
  });

  it('streams several audio items with their own ids and output indexes', async () => {
    const { c } = await setup({ responder: () => [say('One.', 200), say('Two.', 200)] });
    c.send({ type: 'response.create' });
    await c.waitFor('response.done');
    const byItem = new Map<string, number>();
    for (const d of c.events.filter((e) => e.type === 'response.output_audio.delta')) byItem.set(d.item_id as string, d.output_index as number);
    expect([...byItem.values()]).toEqual([0, 1]);
  });

  it('ends a response as failed when the responder says so', async () => {
    const { c, session } = await setup({ responder: () => failResponse('rate_limit_exceeded', 'Rate limit reached for requests', 'requests') });
    c.send({ type: 'response.create' });
    const done = await c.waitFor('response.done');
    expect(done.response).toMatchObject({
      status: 'failed',
      status_details: { type: 'failed', error: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests' } },
      output: [],
    });
    expect(session.responses[0]!.status).toBe('failed');
  });

  it('greets with the default responder when a response.create carries instructions', async () => {
    const { c } = await setup();
    c.send({ type: 'response.create', response: { instructions: 'Greet the caller.' } });
    const done = await c.waitFor('response.done');
    expect((done.response as any).output[0].content[0].transcript).toMatch(/Thanks for calling/);
  });

  it('paces generation by ticks of the injected clock: speed × tick ms of audio per tick', async () => {
    const clock = new ManualClock();
    const { c, session } = await setup({ clock, generationSpeed: 10, generationTickMs: 40, audioChunkBytes: 800, responder: () => [say('A long answer.', 2000)] });
    const deltasSent = () => session.sent.filter((e) => e.type === 'response.output_audio.delta').length;
    c.send({ type: 'response.create' });
    await session.waitForSent('response.output_audio.delta');
    expect(deltasSent()).toBe(4);
    clock.advance(40);
    expect(deltasSent()).toBe(8);
    expect(session.activeResponseId).toBeDefined();
    clock.advance(120);
    expect(deltasSent()).toBe(20);
    await c.waitFor('response.done');
    expect(session.activeResponseId).toBeUndefined();
  });
});
