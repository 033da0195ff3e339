import { afterEach, describe, expect, it } from 'vitest';
import { callTool, say } from '../../sim/realtime-server.js';
import { ManualClock } from '../../src/clock.js';
import { RECYCLE_AFTER_MS } from '../../src/bridge/call-start.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { stepResponder } from '../helpers/scripts.js';
import { waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const submit = callTool('submit_order', { customer_name: 'Ana', fulfillment_type: 'pickup', confirmed: true });

describe('the model connection must not drop the caller', () => {
  it('reconnects when the model socket drops mid-call, restores the conversation as messages and the cart, and the order goes through', async () => {
    h = await startHarness({
      model: {
        responder: stepResponder([[say('Hi!', 200), callTool('add_item', { item: 'item_margherita', options: ['opt_large'] })], [say('One large margherita so far.', 300)], [say('Placing it now.', 200), submit], [say('Done!', 200)]]),
        transcribe: () => 'Please place my order',
      },
    });
    const call = await h.call();
    const first = await h.model.nextSession();
    await first.waitUntil(() => first.responses.length === 2 && first.responses[1]!.status === 'completed', 5000, 'the cart to have a pizza');
    await call.waitFor(() => call.bufferedMs === 0 && call.receivedMs >= 500, 5000, 'agent quiet');
    first.drop();
    const framesAtDrop = call.mediaFramesSent;
    const second = await h.model.nextSession(3000);
    const update = (await second.waitForReceived('session.update', 3000)) as unknown as { session: { instructions: string; tools: unknown[] } };
    expect(update.session.instructions).toMatch(/Margherita/);
    expect(update.session.tools.length).toBeGreaterThan(0);
    // The call so far comes back as messages: the agent's words as its own, the cart as the bridge's note;
    // nothing of the conversation is promoted into the instructions.
    await second.waitForReceived((e) => e.type === 'conversation.item.create' && JSON.stringify(e).includes('order so far'), 3000);
    const messages = second.received
      .filter((e) => e.type === 'conversation.item.create')
      .map((e) => e.item as { role?: string; content?: Array<{ text?: string }> })
      .map((item) => ({ role: item.role, text: item.content?.[0]?.text ?? '' }));
    expect(messages).toContainEqual({ role: 'assistant', text: 'One large margherita so far.' });
    expect(messages.find((m) => m.role === 'system' && m.text.includes('order so far'))?.text).toMatch(/Margherita/);
    expect(update.session.instructions).not.toContain('One large margherita so far.');
    expect(second.received.some((e) => e.type === 'response.create' && JSON.stringify(e).includes('Thanks for calling'))).toBe(false);
    // The caller is still on the line; caller audio flows into the new session.
    expect(call.isOpen).toBe(true);
    await second.waitUntil(() => second.appendedBytes > 160 * 5, 3000, 'caller audio in the new session');
    // Caller audio of the gap was buffered and handed to the new session, not lost (a frame or two may have been in flight).
    const sinceDrop = call.mediaFramesSent - framesAtDrop;
    await second.waitUntil(() => second.appendedBytes >= (call.mediaFramesSent - framesAtDrop - 2) * 160, 3000, 'gap audio flushed');
    expect(sinceDrop).toBeGreaterThan(0);
    await call.say(600);
    const [order] = await h.mainApp.waitForOrders(1, 8000);
    expect(order!.body.items).toMatchObject([{ itemId: 'item_margherita', quantity: 1, unitPriceCents: 1800 }]);
    expect(await waitForLog(h, (l) => l.msg === 'model session reconnected')).toMatchObject({ callSid: call.callSid });
  });

  it('handles session_expired (close 1001) by opening a new session and carrying on', async () => {
    h = await startHarness({ model: { responder: (ctx) => [ctx.sessionIndex === 0 ? say('Hi!', 200) : say('Still here.', 300)] } });
    const call = await h.call();
    const first = await h.model.nextSession();
    await call.waitFor(() => call.playedMs >= 199, 3000);
    first.expire();
    expect((await first.closed).code).toBe(1001);
    const second = await h.model.nextSession(3000);
    await second.waitForSent('session.updated', 3000);
    expect(call.isOpen).toBe(true);
    await call.say(600);
    await second.waitUntil(() => second.responses.length >= 1, 5000, 'an answer on the new session');
    await call.waitFor(() => call.receivedMs >= 499, 5000, 'the answer audio');
  });

  it('ends with a spoken apology (REST <Say>) on a fatal error instead of silence', async () => {
    h = await startHarness({ twilioRest: true });
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitForAudio(100);
    session.fail('invalid_api_key', { closeCode: 1000 });
    const req = await h.twilioRest!.waitForRequest((r) => r.params.Twiml !== undefined, 5000);
    expect(req.params.Twiml).toMatch(/<Say language="en-US">[^<]*sorry[^<]*<\/Say><Hangup\/>/i);
    expect(h.model.sessions).toHaveLength(1);
    await call.waitForClose(3000);
  });

  it('apologises when the model cannot be reached again after a drop', async () => {
    h = await startHarness({ twilioRest: true });
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitForAudio(100);
    h.model.refuseHandshakes(500);
    session.drop();
    const req = await h.twilioRest!.waitForRequest((r) => r.params.Twiml !== undefined, 5000);
    expect(req.params.Twiml).toMatch(/sorry/i);
    expect(h.model.refusedHandshakes).toBeGreaterThanOrEqual(3);
  });

  it('recycles the model session before the 60-minute limit, at a turn boundary, without dropping the caller', async () => {
    const clock = new ManualClock();
    h = await startHarness({ clock, config: { MAX_CALL_SECONDS: '3600', SILENCE_REPROMPT_SECONDS: '600', SILENCE_MAX_REPROMPTS: '10' }, model: { responder: () => [say('Mm-hm.', 200)] } });
    const call = await h.call();
    const first = await h.model.nextSession();
    await call.waitFor(() => call.playedMs >= 199 && call.bufferedMs === 0, 3000, 'greeting played');
    expect(RECYCLE_AFTER_MS).toBeLessThan(60 * 60_000);
    clock.advance(RECYCLE_AFTER_MS);
    const second = await h.model.nextSession(5000);
    await second.waitForSent('session.updated', 3000);
    expect((await first.closed).reason).toBe('recycled');
    expect(first.truncations).toEqual([]);
    expect(call.isOpen).toBe(true);
    await second.waitUntil(() => second.appendedBytes > 160 * 5, 3000, 'caller audio in the new session');
    expect(await waitForLog(h, (l) => l.msg === 'recycling the model session before it expires')).toMatchObject({ callSid: call.callSid });
  });
});
