import { describe, expect, it } from 'vitest';
import { silence, tone } from '../../sim/audio.js';
import { callTool, contextText, say, textsOf } from '../../sim/realtime-server.js';
import { useRealtimeFixture } from './realtime-fixture.js';

/**
 * What the model sees for each response (`ResponseRecord.context`): per the `RealtimeResponseCreateParams` docs of the
 * openai 7.x types, a response's `instructions` replace the session's for that response, and the default
 * conversation is the context unless the response brings its own `input`.
 */
const MENU = 'Menu: margherita 12.50, calzone 14.00. Rules: never promise allergen-free food.';
const rt = useRealtimeFixture({ vad: { create_response: false }, sim: { transcribe: () => 'A large margherita, please.' } });

const system = (text: string) => ({ type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text }] } });

describe('realtime sim: what each response sees', () => {
  it('session instructions, tools, and the conversation in order: system text, caller audio (with what was said), calls and outputs', async () => {
    const tools = [{ type: 'function', name: 'add_item', parameters: { type: 'object' } }];
    const { c, session } = await rt.setup({ responder: (ctx) => (ctx.responseIndex === 0 ? [say('Adding it.', 300), callTool('add_item', { id: 'marg' }, 'call_1')] : [say('Done.', 300)]) }, { create_response: false }, {
      instructions: MENU,
      tools,
    });
    c.send(system('Cart: (empty)'));
    c.sendFrames(Buffer.concat([tone(600), silence(700)]));
    await c.waitFor('input_audio_buffer.committed');
    c.send({ type: 'response.create' });
    await c.waitFor('response.done');
    c.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: '{"ok":true}' } });
    c.send({ type: 'response.create' });
    await c.waitForNext('response.done');

    const [first, second] = session.responses;
    expect(first!.context.instructions).toBe(MENU);
    expect(first!.context.tools).toEqual(tools);
    expect(first!.context.items.map((i) => (i.type === 'message' ? `${i.role}:${i.text}` : i.type))).toEqual(['system:Cart: (empty)', 'user:A large margherita, please.']);
    expect(first!.context.items[1]).toMatchObject({ role: 'user', audioMs: expect.any(Number) });
    expect(second!.context.items.map((i) => i.type)).toEqual(['message', 'message', 'message', 'function_call', 'function_call_output']);
    expect(second!.context.items.slice(2)).toMatchObject([
      { type: 'message', role: 'assistant', text: 'Adding it.', audioMs: 300 },
      { type: 'function_call', callId: 'call_1', name: 'add_item', arguments: '{"id":"marg"}' },
      { type: 'function_call_output', callId: 'call_1', output: '{"ok":true}' },
    ]);
    expect(contextText(second!.context)).toContain('Menu: margherita');
  });

  it("a response's instructions replace the session's for that response only", async () => {
    const { c, session } = await rt.setup({ responder: () => [say('Hi!', 200)] }, { create_response: false }, { instructions: MENU });
    c.send({ type: 'response.create', response: { instructions: 'Say goodbye.' } });
    await c.waitFor('response.done');
    c.send({ type: 'response.create' });
    await c.waitForNext('response.done');
    expect(session.responses.map((r) => r.context.instructions)).toEqual(['Say goodbye.', MENU]);
    expect(contextText(session.responses[0]!.context)).not.toContain('Menu');
    expect(session.responses[0]!.instructions).toBe('Say goodbye.');
  });

  it('inserts items after previous_item_id (root = first), as the model reads them', async () => {
    const { c, session } = await rt.setup({ responder: () => [say('Ok.', 200)] });
    c.send(system('second'));
    const second = (await c.waitFor('conversation.item.added')).item as { id: string };
    c.send({ ...system('first'), previous_item_id: 'root' });
    const first = await c.waitForNext('conversation.item.added');
    expect(first.previous_item_id).toBeNull();
    c.send({ ...system('third'), previous_item_id: second.id });
    await c.waitForNext('conversation.item.added');
    c.send({ type: 'response.create' });
    await c.waitFor('response.done');
    expect(textsOf(session.responses[0]!.context, 'system')).toEqual(['first', 'second', 'third']);
  });

  it('a truncated assistant item keeps its audio up to the cut but loses its transcript', async () => {
    const { c, session } = await rt.setup({ responder: () => [say('Your total is twelve fifty.', 1000)] });
    c.send({ type: 'response.create' });
    const done = await c.waitFor('response.done');
    const itemId = (done.response as { output: Array<{ id: string }> }).output[0]!.id;
    c.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 400 });
    await c.waitFor('conversation.item.truncated');
    c.send({ type: 'response.create' });
    await c.waitForNext('response.done');
    expect(session.responses[1]!.context.items[0]).toEqual({ type: 'message', id: itemId, role: 'assistant', text: '', audioMs: 400 });
  });
});
