import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/bridge-harness.js';
import { consoleFetch, EventReader, startConsoleHarness } from '../helpers/console.js';
import { CALLER_LINES, GREETING, orderingModel } from '../helpers/console-script.js';
import { waitForCondition } from '../helpers/wait.js';

let h: Harness | undefined;
let events: EventReader | undefined;
afterEach(async () => {
  events?.close();
  await h?.close();
  h = undefined;
  events = undefined;
});

const liveCalls = async () => (await (await consoleFetch(h!, '/console/calls')).json()) as Array<Record<string, unknown>>;

describe('GET /console/calls and GET /console/events', () => {
  it('show a call as it happens: started, transcript, cart, order, ended', async () => {
    h = await startConsoleHarness({ model: orderingModel() });
    events = await EventReader.open(h);
    expect(events.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const call = await h.call({ callSid: 'CAconsole1' });

    const started = await events.waitFor((e) => e.event === 'call.started', 'call.started');
    expect(started.data).toMatchObject({ callSid: 'CAconsole1', orgId: 'org_luigis', channel: 'phone', transcript: [], cart: { lines: [], subtotalCents: 0 } });
    expect(Date.parse(started.data.startedAt as string)).not.toBeNaN();
    await events.waitFor((e) => e.event === 'transcript' && e.data.role === 'agent', 'the greeting');
    expect((await liveCalls())[0]).toMatchObject({ callSid: 'CAconsole1', channel: 'phone', transcript: [{ role: 'agent', text: GREETING }] });

    await call.waitForBotSilence(200);
    await call.say(600);
    const cart = await events.waitFor((e) => e.event === 'cart', 'the cart');
    expect(cart.data).toMatchObject({ callSid: 'CAconsole1', cart: { lines: [{ name: 'Cola', quantity: 1 }] } });
    const subtotal = (cart.data.cart as { subtotalCents: number }).subtotalCents;
    expect(subtotal).toBeGreaterThan(0);
    await events.waitFor((e) => e.event === 'transcript' && e.data.role === 'caller', 'the caller line');
    const listed = (await liveCalls())[0]!;
    expect(listed.cart).toMatchObject({ lines: [{ name: 'Cola', quantity: 1 }], subtotalCents: subtotal });
    expect(listed.transcript).toContainEqual({ role: 'caller', text: CALLER_LINES[0] });

    await call.waitForBotSilence(200);
    await call.say(600);
    const order = await events.waitFor((e) => e.event === 'order', 'the order');
    expect(order.data).toEqual({ callSid: 'CAconsole1', orderId: expect.stringMatching(/\S/) });
    const ended = await events.waitFor((e) => e.event === 'call.ended', 'call.ended', 10_000);
    expect(ended.data).toEqual({ callSid: 'CAconsole1', reason: 'agent-hung-up' });
    await waitForCondition(() => h!.bridge.deps.calls.size === 0);
    expect(await liveCalls()).toEqual([]);

    const names = events.events.map((e) => e.event);
    expect(names.indexOf('call.started')).toBe(0);
    expect(names.at(-1)).toBe('call.ended');
    expect(names.filter((n) => n === 'call.started')).toHaveLength(1);
  });

  it('starts a page that connects mid-call from the live calls: a call.started with the transcript so far', async () => {
    h = await startConsoleHarness({ model: orderingModel() });
    const call = await h.call({ callSid: 'CAlate' });
    await call.waitForBotSilence(200);
    await waitForCondition(() => h!.bridge.deps.calls.get('CAlate')?.snapshot().transcript.length === 1, 5000, 'the greeting in the transcript');
    events = await EventReader.open(h);
    const first = await events.waitFor(() => true, 'the first event');
    expect(first).toEqual({ event: 'call.started', data: expect.objectContaining({ callSid: 'CAlate', transcript: [{ role: 'agent', text: GREETING }] }) });
  });

  it('ends open event streams when the server closes, so it can close', async () => {
    h = await startConsoleHarness();
    events = await EventReader.open(h);
    await h.close();
    h = undefined;
    await waitForCondition(() => events!.closedByServer, 3000, 'the stream ended by the server');
  });
});
