import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readStreamTwiml } from '../../sim/demo-stack.js';
import { loadContractExample } from '../../sim/main-app.js';
import { callTool, say } from '../../sim/realtime-server.js';
import type { SimCall } from '../../sim/twilio-caller.js';
import type { TwilioRestStandInOptions } from '../../sim/twilio-rest.js';
import { computeTwilioSignature } from '../../src/twilio/signature.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { outputs, stepResponder } from '../helpers/scripts.js';
import { waitForCondition, waitForLog } from '../helpers/wait.js';

const ORG = 'org_texts';
const CALLER = '+15551230000';
/** The restaurant's Twilio number: what the caller dialled, and the only number the account can text from. */
const DIALLED = '+15005550006';
const FAST_RETRY = { maxAttempts: Infinity, baseDelayMs: 20, maxDelayMs: 100 };

const luigis = loadContractExample('org-config.example.json') as Record<string, unknown>;
const orgs = { [ORG]: { ...luigis, orgId: ORG, sms: { confirmations: true } } };
const orderCola = () => stepResponder([[callTool('add_item', { item: 'Cola', quantity: 1 })], [callTool('submit_order', { customer_name: 'Ana', fulfillment_type: 'pickup', confirmed: true })], [say('Done!', 200)]]);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function start(twilio: TwilioRestStandInOptions = {}, config: Record<string, string> = {}) {
  return startHarness({ twilioRest: { phoneNumbers: [DIALLED], ...twilio }, mainApp: { orgs }, runtime: { smsRetry: FAST_RETRY }, model: { responder: orderCola() }, config });
}

/** A call as Twilio makes it: the voice webhook with From and To, then the stream with the `<Parameter>`s it answered. */
async function callIn(h: Harness, from: string, orgId = ORG): Promise<SimCall> {
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const res = await h.webhook(`?orgId=${orgId}`, { CallSid: callSid, AccountSid: h.twilioRest!.accountSid, From: from, To: DIALLED, CallStatus: 'ringing', Direction: 'inbound' });
  const { parameters } = readStreamTwiml(await res.text());
  return h.call({ callSid, customParameters: parameters, headers: { 'X-Twilio-Signature': computeTwilioSignature(h.twilioRest!.authToken, h.wsUrl) } });
}

/** Waits for the submit_order output (the order placed) and the agent's answer to it. */
async function orderPlaced(h: Harness) {
  const session = await h.model.nextSession();
  await session.waitUntil(() => session.functionOutputs.length === 2 && session.responses.length >= 3, 8000, 'the order placed and the answer to it');
  return { session, submit: outputs(session)[1]! };
}

const messageRequests = (h: Harness) => h.twilioRest!.requests.filter((r) => r.resource === 'message' && r.method === 'POST');

const SETTLED = new Set(['sms confirmation sent', 'sms confirmation was already with Twilio; not sent again', 'Twilio refused the sms confirmation; not retried']);

/** Waits until the text's fate is known (sent, found already sent, or refused): nothing is sent for it after that. */
function textSettled(h: Harness) {
  return waitForLog(h, (l) => typeof l.msg === 'string' && SETTLED.has(l.msg), 5000);
}

async function smsCount(h: Harness, result: string, reason: string): Promise<number> {
  const metric = await h.bridge.deps.metrics.registry.getSingleMetric('voice_bridge_sms_total')!.get();
  return metric.values.find((v) => v.labels.result === result && v.labels.reason === reason)?.value ?? 0;
}

describe('SMS confirmation of an order placed by phone', () => {
  it('texts the caller once, from the number they dialled: order id, items, total and ready time', async () => {
    h = await start();
    const call = await callIn(h, CALLER);
    const { submit } = await orderPlaced(h);
    await textSettled(h);
    const [order] = h.mainApp.orders();
    const readyClock = /around (.+)$/.exec(String(submit.ready_time))![1];
    expect(h.twilioRest!.messages).toMatchObject([
      { to: CALLER, from: DIALLED, body: `Luigi's Pizzeria: order ${order!.orderId} confirmed. 1 x Cola. Total $2.50. Ready around ${readyClock}.` },
    ]);
    expect(messageRequests(h)).toHaveLength(1);
    await vi.waitFor(async () => expect(await smsCount(h!, 'sent', 'accepted')).toBe(1));
    expect(call.violations).toEqual([]);
  });

  it('still sends exactly one text when the Messages API fails with 5xx a few times, even after creating it', async () => {
    h = await start();
    // A 500 that created the message, then failures on everything (the lookups included), then Twilio is back.
    h.twilioRest!.failNext(1, { status: 500, handled: true });
    h.twilioRest!.failNext(3, { status: 503 });
    await callIn(h, CALLER);
    await orderPlaced(h);
    await textSettled(h);
    expect(h.twilioRest!.messages).toHaveLength(1);
    expect(messageRequests(h).map((r) => r.status)).toEqual([500]);
    expect(h.twilioRest!.requests.filter((r) => r.resource === 'message').map((r) => `${r.method} ${r.status}`)).toEqual(['POST 500', 'GET 503', 'GET 503', 'GET 503', 'GET 200']);
    await vi.waitFor(async () => expect(await smsCount(h!, 'sent', 'accepted')).toBe(1));
  });

  it('retries 5xx answers that created nothing until Twilio takes the text, once', async () => {
    h = await start();
    h.twilioRest!.failNext(3, { status: 502 });
    await callIn(h, CALLER);
    await orderPlaced(h);
    await textSettled(h);
    expect(h.twilioRest!.messages).toHaveLength(1);
    const posts = messageRequests(h);
    expect(posts.at(-1)!.status).toBe(201);
    expect(new Set(posts.map((r) => r.params.Body)).size).toBe(1);
  });

  it('a refusal (21610: the caller replied STOP) is logged and counted, not retried, and the call goes on', async () => {
    h = await start({ unsubscribed: [CALLER] });
    const call = await callIn(h, CALLER);
    const { session, submit } = await orderPlaced(h);
    expect(await textSettled(h)).toMatchObject({ msg: 'Twilio refused the sms confirmation; not retried', twilioCode: 21610, httpStatus: 400, to: '+*******0000' });
    expect(messageRequests(h).map((r) => [r.status, r.twilioCode])).toEqual([[400, 21610]]);
    await vi.waitFor(async () => expect(await smsCount(h!, 'failed', 'twilio_21610')).toBe(1));
    expect(submit).toMatchObject({ ok: true, status: 'placed' });
    expect(session.sent.filter((e) => e.type === 'error')).toEqual([]);
    expect(call.isOpen).toBe(true);
    expect(h.rawLogs.join('\n')).not.toContain(CALLER);
  });

  it('sends no text when the caller ID is withheld', async () => {
    h = await start();
    await callIn(h, '+266696687');
    await orderPlaced(h);
    await waitForLog(h, (l) => l.msg === 'no sms confirmation for this order' && l.reason === 'caller_id_withheld');
    expect(h.twilioRest!.requests.filter((r) => r.resource === 'message')).toEqual([]);
    expect(h.runtime.sms!.pendingCount()).toBe(0);
    await vi.waitFor(async () => expect(await smsCount(h!, 'skipped', 'caller_id_withheld')).toBe(1));
  });

  it('sends no text for an org without sms.confirmations', async () => {
    h = await start();
    await callIn(h, CALLER, 'org_luigis');
    await orderPlaced(h);
    // The text would have been queued before the tool output reached the model.
    expect(h.mainApp.orders()).toHaveLength(1);
    expect(h.logs.filter((l) => String(l.msg).startsWith('sms confirmation') || String(l.msg).startsWith('no sms confirmation'))).toEqual([]);
    expect(h.runtime.sms!.pendingCount()).toBe(0);
    expect(h.twilioRest!.requests.filter((r) => r.resource === 'message')).toEqual([]);
  });

  it("the shutdown flush tries a pending text once more, with the orders", async () => {
    h = await startHarness({ twilioRest: { phoneNumbers: [DIALLED] }, mainApp: { orgs }, runtime: { smsRetry: { maxAttempts: Infinity, baseDelayMs: 600_000, maxDelayMs: 600_000 } }, model: { responder: orderCola() } });
    h.twilioRest!.failNext(1, { status: 503 });
    await callIn(h, CALLER);
    await orderPlaced(h);
    await waitForLog(h, (l) => l.msg === 'outbox delivery failed; will retry' && l.kind === 'sms', 5000);
    expect(h.bridge.deps.orders!.pendingCount()).toBe(1);
    expect(await h.bridge.deps.orders!.flush()).toBe(0);
    expect(h.twilioRest!.messages).toHaveLength(1);
  });

  it('a text still pending at shutdown is sent once by the next process, from the outbox', async () => {
    h = await start();
    h.twilioRest!.failNext(1000, { status: 503 });
    await callIn(h, CALLER);
    await orderPlaced(h);
    await waitForCondition(() => messageRequests(h!).length > 0, 5000, 'a first attempt');
    expect(h.runtime.sms!.pendingCount()).toBe(1);
    expect(h.twilioRest!.messages).toEqual([]);
    const dataDir = h.config.DATA_DIR;
    const orderId = h.mainApp.orders()[0]!.orderId;
    await h.close();
    h = await start({}, { DATA_DIR: dataDir });
    expect(h.logs.some((l) => l.msg === 'SMS confirmations from a previous run found in the outbox; sending those not sent yet' && l.texts === 1)).toBe(true);
    await textSettled(h);
    expect(h.twilioRest!.messages).toMatchObject([{ to: CALLER, from: DIALLED, body: expect.stringContaining(`order ${orderId} confirmed. 1 x Cola.`) }]);
    expect(messageRequests(h)).toHaveLength(1);
  });
});
