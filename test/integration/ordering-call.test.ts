import { afterEach, describe, expect, it } from 'vitest';
import { callTool, say } from '../../sim/realtime-server.js';
import { loadContractExample } from '../../sim/main-app.js';
import { HOLD_CUE_AUDIO } from '../../src/audio.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { outputs, stepResponder } from '../helpers/scripts.js';
import { waitForCondition, waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const addMargheritas = callTool('add_item', { item: 'item_margherita', quantity: 2, options: ['opt_large', 'opt_mushroom'], notes: 'well done' });
const addCola = callTool('add_item', { item: 'Cola', quantity: 1 });
const submit = callTool('submit_order', { customer_name: 'Ana', fulfillment_type: 'pickup', confirmed: true });

describe('ordering by phone', () => {
  it('offers the ordering and call tools, and places exactly one correct order priced by the bridge', async () => {
    h = await startHarness({ model: { responder: stepResponder([[say('Hi!', 200), addMargheritas, addCola], [say('Two large margheritas and a cola, $41.50. Shall I place it?', 300), submit], [say('Done!', 200)]]) } });
    const call = await h.call({ callSid: 'CA0123456789abcdef0123456789abcdef', customParameters: { orgId: 'org_luigis', from: '+15551230000' } });
    const session = await h.model.nextSession();
    const update = (await session.waitForReceived('session.update')) as unknown as { session: { tools: Array<{ name: string; type: string }> } };
    expect(update.session.tools.map((t) => t.name).sort()).toEqual(['add_item', 'add_last_order', 'end_call', 'get_order', 'remove_item', 'submit_order', 'update_item']);
    const [order] = await h.mainApp.waitForOrders(1, 5000);
    const example = loadContractExample('submit-order.example.json') as Record<string, unknown>;
    expect(order!.body).toMatchObject({
      orgId: 'org_luigis',
      callSid: 'CA0123456789abcdef0123456789abcdef',
      idempotencyKey: 'CA0123456789abcdef0123456789abcdef:order:1',
      customer: { name: 'Ana', phone: '+15551230000' },
      fulfillment: { type: 'pickup' },
      items: example.items,
      subtotalCents: 4150,
      currency: 'USD',
    });
    await session.waitUntil(() => session.functionOutputs.length === 3, 3000, 'three tool outputs');
    const results = outputs(session);
    expect(results[2]).toMatchObject({ ok: true });
    expect(JSON.stringify(results[2])).toContain(h.mainApp.orders()[0]!.orderId);
    // One follow-up response per tool round, never a create while one is active.
    expect(session.sent.filter((e) => e.type === 'error')).toEqual([]);
    await waitForCondition(() => session.responses.length >= 3);
    // Two tool calls in the greeting's response → one follow-up; the submit → one more.
    expect(session.received.filter((e) => e.type === 'response.create')).toHaveLength(3);
    expect(h.mainApp.orders()).toHaveLength(1);
    expect(call.violations).toEqual([]);
  });

  it('tells the model (not the caller with an exception) when an item is unavailable', async () => {
    h = await startHarness({ model: { responder: stepResponder([[callTool('add_item', { item: 'Pepperoni Pizza' })], [say('Sorry, that one is off today.', 300)]]) } });
    await h.call();
    const session = await h.model.nextSession();
    await session.waitUntil(() => session.functionOutputs.length === 1, 3000, 'tool output');
    expect(outputs(session)[0]).toMatchObject({ ok: false, error: expect.stringMatching(/unavailable/) });
    await session.waitUntil(() => session.responses.length === 2, 3000, 'the follow-up response');
  });

  it('does not create a second order when the model calls submit_order twice', async () => {
    h = await startHarness({ model: { responder: stepResponder([[addCola], [submit], [submit], [say('ok', 200)]]) } });
    await h.call();
    const session = await h.model.nextSession();
    await session.waitUntil(() => session.functionOutputs.length === 3, 5000, 'three tool outputs');
    const [, first, second] = outputs(session);
    expect(second).toMatchObject({ ok: true, order_id: (first as { order_id: string }).order_id });
    expect(h.mainApp.orders()).toHaveLength(1);
    expect(h.mainApp.submitRequests()).toHaveLength(1);
  });

  it('explains a refusal (422) to the model', async () => {
    h = await startHarness({ model: { responder: stepResponder([[addCola], [submit], [say('Sorry.', 200)]]) } });
    h.mainApp.refuseNextSubmits(1, 'The kitchen is closed');
    await h.call();
    const session = await h.model.nextSession();
    await session.waitUntil(() => session.functionOutputs.length === 2, 5000, 'two tool outputs');
    expect(JSON.stringify(outputs(session)[1])).toContain('The kitchen is closed');
    expect(h.mainApp.orders()).toHaveLength(0);
  });

  it('still ends with exactly one order when the app fails for a while', async () => {
    h = await startHarness({ model: { responder: stepResponder([[addCola], [submit], [say('Received.', 200)]]) } });
    h.mainApp.failNextSubmits(4, '503');
    await h.call();
    const session = await h.model.nextSession();
    await session.waitUntil(() => session.functionOutputs.length === 2, 8000, 'two tool outputs');
    expect(outputs(session)[1]).toMatchObject({ ok: true });
    const orders = await h.mainApp.waitForOrders(1, 10_000);
    expect(orders).toHaveLength(1);
    expect(new Set(h.mainApp.submitRequests().map((r) => r.idempotencyKey)).size).toBe(1);
    await waitForCondition(() => h!.runtime.submitter.pendingCount() === 0, 5000);
  });

  it('submits nothing when the caller hangs up before confirming', async () => {
    h = await startHarness({ model: { responder: stepResponder([[addMargheritas], [say('Anything else?', 2000)]]) } });
    const call = await h.call();
    const session = await h.model.nextSession();
    await session.waitUntil(() => session.functionOutputs.length === 1, 3000, 'add_item output');
    await call.hangUp();
    await waitForLog(h, (l) => l.msg === 'call ended');
    expect(h.mainApp.submitRequests()).toEqual([]);
    expect(h.runtime.submitter.pendingCount()).toBe(0);
  });

  it('plays a hold cue instead of dead air while a slow submit waits on the app', async () => {
    h = await startHarness({ model: { responder: stepResponder([[addCola], [say('One moment while I place that.', 300), submit], [say('Placed.', 200)]]) } });
    h.mainApp.failNextSubmits(1, 'hang');
    const call = await h.call();
    const session = await h.model.nextSession();
    await session.waitUntil(() => session.functionOutputs.length === 1, 3000, 'add_item output');
    const cueBytes = Buffer.from(HOLD_CUE_AUDIO, 'base64').length;
    await call.waitFor(() => call.received.some((m) => m.bytes === cueBytes), 6000, 'the hold cue');
    // Heard while the submit was still running (its output not yet sent).
    expect(session.functionOutputs).toHaveLength(1);
    await session.waitUntil(() => session.functionOutputs.length === 2, 15_000, 'submit output');
    expect(call.violations).toEqual([]);
  });

  it('never runs a tool call that did not complete (an interrupted response)', async () => {
    h = await startHarness({ model: { responder: stepResponder([[say('Hi!', 200)]]) } });
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitForAudio(100);
    const responseId = session.responses[0]!.id;
    session.send({ type: 'response.output_item.done', event_id: 'ev_x', response_id: responseId, output_index: 1, item: { id: 'item_x', object: 'realtime.item', type: 'function_call', status: 'incomplete', name: 'submit_order', call_id: 'call_x', arguments: '{"customer_name":"An' } });
    session.send({ type: 'response.output_item.done', event_id: 'ev_y', response_id: responseId, output_index: 2, item: { id: 'item_y', object: 'realtime.item', type: 'function_call', status: 'completed', name: 'get_order', call_id: 'call_y', arguments: '{}' } });
    await session.waitUntil(() => session.functionOutputs.length === 1, 3000, 'the completed call answered');
    expect(session.functionOutputs.map((o) => o.callId)).toEqual(['call_y']);
    expect(h.mainApp.submitRequests()).toEqual([]);
  });
});
