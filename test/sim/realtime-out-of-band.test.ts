import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { say, write } from '../../sim/realtime-server.js';
import type { ServerEventJson } from '../../sim/realtime-test-client.js';
import { useRealtimeFixture } from './realtime-fixture.js';

/**
 * Out-of-band responses (`conversation: "none"`, optionally with their own `input`) and text output, per the
 * `ResponseCreateEvent` / `RealtimeResponseCreateParams` docs of the openai 7.x types: such a response "will not add
 * items to default conversation", may run while an in-conversation one is active, and with `input` sees only that.
 */
const rt = useRealtimeFixture({ vad: { create_response: false } });

const SUMMARY_REQUEST = {
  conversation: 'none',
  output_modalities: ['text'],
  instructions: 'Summarise the call in one sentence.',
  metadata: { purpose: 'summary' },
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Caller: a margherita. Agent: added.' }] }],
};

const ofResponse = (c: { events: readonly ServerEventJson[] }, id: string) => c.events.filter((e) => e.response_id === id || (e.response as { id?: string } | undefined)?.id === id);

describe('realtime sim: out-of-band text responses', () => {
  it('streams text (output_text.delta/done), sees only its input and instructions, and adds nothing to the conversation', async () => {
    const { c, session } = await rt.setup({ responder: (ctx) => (ctx.outOfBand ? [write('Caller ordered a margherita.')] : [say('Hi.', 200)]) }, undefined, { instructions: 'MENU' });
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Cart: empty' }] } });
    await c.waitFor('conversation.item.done');
    const itemsBefore = c.types().filter((t) => t === 'conversation.item.added').length;
    c.send({ type: 'response.create', event_id: 'evt_summary', response: SUMMARY_REQUEST });
    const done = await c.waitFor('response.done');
    const id = (done.response as { id: string }).id;

    expect(ofResponse(c, id).map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.done',
    ]);
    const created = await c.waitFor('response.created');
    expect(created.response).toMatchObject({ conversation_id: null, output_modalities: ['text'], metadata: { purpose: 'summary' } });
    expect(done.response).toMatchObject({
      status: 'completed',
      conversation_id: null,
      metadata: { purpose: 'summary' },
      output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Caller ordered a margherita.' }] }],
    });
    expect((await c.waitFor('response.output_text.done')).text).toBe('Caller ordered a margherita.');
    expect(c.types().filter((t) => t === 'conversation.item.added')).toHaveLength(itemsBefore);
    expect(session.responses[0]).toMatchObject({ outOfBand: true, modality: 'text', eventId: 'evt_summary', items: [{ kind: 'text', transcript: 'Caller ordered a margherita.' }] });
    expect(session.responses[0]!.context).toEqual({
      instructions: 'Summarise the call in one sentence.',
      tools: [],
      items: [{ type: 'message', id: 'input_0', role: 'user', text: 'Caller: a margherita. Agent: added.' }],
    });
  });

  it('runs while an in-conversation response is active; only in-conversation creates collide', async () => {
    const clock = new ManualClock();
    const { c, session } = await rt.setup({ clock, generationSpeed: 1, responder: (ctx) => (ctx.outOfBand ? [write('Summary.')] : [say('A long answer.', 2000)]) });
    c.send({ type: 'response.create', response: { metadata: { purpose: 'answer' } } });
    await session.waitForSent('response.output_audio.delta');
    c.send({ type: 'response.create', response: { conversation: 'none', output_modalities: ['text'] } });
    const summaryDone = await c.waitFor((e) => e.type === 'response.done' && (e.response as { conversation_id: unknown }).conversation_id === null);
    expect(summaryDone.response).toMatchObject({ status: 'completed' });
    expect(session.activeResponseId).toBe(session.responses[0]!.id);
    c.send({ type: 'response.create', event_id: 'evt_again' });
    expect((await c.waitFor('error')).error).toMatchObject({ code: 'conversation_already_has_active_response', event_id: 'evt_again' });
  });

  it('an out-of-band response without input sees the default conversation', async () => {
    const { c, session } = await rt.setup({ responder: () => [write('x')] });
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] } });
    c.send({ type: 'response.create', response: { conversation: 'none', output_modalities: ['text'] } });
    await c.waitFor('response.done');
    expect(session.responses[0]!.context.items).toMatchObject([{ role: 'user', text: 'hello' }]);
  });

  it('resolves item_reference inputs to items of the session, and refuses unknown ones', async () => {
    const { c, session } = await rt.setup({ responder: () => [write('x')] });
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'two pizzas' }] } });
    const id = ((await c.waitFor('conversation.item.added')).item as { id: string }).id;
    c.send({ type: 'response.create', response: { conversation: 'none', input: [{ type: 'item_reference', id }] } });
    await c.waitFor('response.done');
    expect(session.responses[0]!.context.items).toMatchObject([{ id, text: 'two pizzas' }]);
    c.send({ type: 'response.create', event_id: 'evt_ref', response: { conversation: 'none', input: [{ type: 'item_reference', id: 'item_gone' }] } });
    expect((await c.waitFor('error')).error).toMatchObject({ code: 'item_not_found', param: 'response.input[0].id', event_id: 'evt_ref' });
  });

  it('text items are spoken in an audio response', async () => {
    const { c } = await rt.setup({ responder: () => [write('Spoken words.')] });
    c.send({ type: 'response.create' });
    const done = await c.waitFor('response.done');
    expect(done.response).toMatchObject({ output: [{ content: [{ type: 'output_audio', transcript: 'Spoken words.' }] }] });
  });
});

describe('realtime sim: response.create validation (RealtimeResponseCreateParams)', () => {
  it.each([
    [{ modalities: ['text'] }, 'unknown_parameter', 'response.modalities'],
    [{ conversation: 'other' }, 'invalid_value', 'response.conversation'],
    [{ output_modalities: ['audio', 'text'] }, 'invalid_value', 'response.output_modalities'],
    [{ metadata: { purpose: 7 } }, 'invalid_type', 'response.metadata.purpose'],
    [{ metadata: { purpose: 'x'.repeat(513) } }, 'string_above_max_length', 'response.metadata.purpose'],
    [{ metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }, 'object_above_max_properties', 'response.metadata'],
    [{ input: [{ type: 'message', role: 'robot', content: [] }] }, 'invalid_value', 'response.input[0].role'],
    [{ reasoning: { effort: 'low' } }, 'unsupported_parameter', 'response.reasoning'],
  ])('refuses %j with %s on %s, carrying the event_id, and starts nothing', async (response, code, param) => {
    const { c, session } = await rt.setup();
    c.send({ type: 'response.create', event_id: 'evt_bad', response });
    expect((await c.waitFor('error')).error).toMatchObject({ type: 'invalid_request_error', code, param, event_id: 'evt_bad' });
    expect(session.responses).toHaveLength(0);
  });
});
