import { afterEach, describe, expect, it } from 'vitest';
import { callTool, say } from '../../sim/realtime-server.js';
import { PROMPTS } from '../../src/call/call-policy.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { stepResponder } from '../helpers/scripts.js';
import { waitForCondition, waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CALL_SID = 'CA0123456789abcdef0123456789abcdef';
const FROM = '+15557654321';
const TO = '+15005550006';
const orderACola = [say('One cola, placing it now.', 300), callTool('add_item', { item: 'item_cola' }), callTool('submit_order', { customer_name: 'Ana', fulfillment_type: 'pickup', confirmed: true })];

describe('a record of every call, at the app', () => {
  it('sends one record with both sides of the transcript, the outcome, the order, latency, usage and the model’s summary', async () => {
    h = await startHarness({
      model: { transcribe: () => 'A cola please', responder: stepResponder([[say('Hi, what can I get you?', 300)], orderACola, [say('Done, it is placed.', 300)]], 'Ana ordered a cola for pickup.') },
    });
    const call = await h.answer({ CallSid: CALL_SID, From: FROM, To: TO });
    const session = await h.model.nextSession();
    await call.waitForAudio(250, 5000);
    await call.say(600);
    const [order] = await h.mainApp.waitForOrders(1, 8000);
    await session.waitUntil(() => session.responses.length >= 3 && session.responses[2]!.status === 'completed', 8000, 'the answer after the order');
    await call.waitFor(() => call.receivedMs >= 850, 5000, 'all the agent audio');
    await call.hangUp();

    const [record] = await h.mainApp.waitForCallRecords(1, 8000);
    const body = record!.body;
    expect(body).toMatchObject({ orgId: 'org_luigis', callSid: CALL_SID, idempotencyKey: `${CALL_SID}:record`, from: FROM, to: TO, outcome: 'order-placed', endReason: 'caller-hung-up' });
    expect(body.orderId).toBe(order!.orderId);
    expect(body.summary).toBe('Ana ordered a cola for pickup.');
    expect(body.transcript.map(({ role, text }) => ({ role, text }))).toEqual([
      { role: 'agent', text: 'Hi, what can I get you?' },
      { role: 'caller', text: 'A cola please' },
      { role: 'agent', text: 'One cola, placing it now.' },
      { role: 'agent', text: 'Done, it is placed.' },
    ]);
    const times = body.transcript.map((line) => line.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(body.latency.greetingMs).toEqual(expect.any(Number));
    expect(body.usage).toMatchObject({ model: 'gpt-realtime-2.1' });
    expect(body.usage.audioOutputTokens).toBeGreaterThan(0);
    expect(body.usage.estimatedCostUsd).toBeGreaterThan(0);
    expect(body.recording).toBeNull();
    expect(Date.parse(body.endedAt)).toBeGreaterThan(Date.parse(body.startedAt));

    // The summary: text only, outside the conversation, never spoken, asked once the call was over.
    const summary = session.responses.find((r) => r.outOfBand)!;
    expect(summary).toMatchObject({ modality: 'text', instructions: PROMPTS.summary });
    expect(summary.items.map(({ kind, audioBytes, transcript }) => ({ kind, audioBytes, transcript }))).toEqual([{ kind: 'text', audioBytes: 0, transcript: 'Ana ordered a cola for pickup.' }]);
    expect(session.responses.filter((r) => r.outOfBand)).toHaveLength(1);
    expect(h.mainApp.callRecordRequests()).toHaveLength(1);
  });

  it('writes no summary when the caller said nothing, and calls it abandoned', async () => {
    h = await startHarness({ model: { responder: stepResponder([[say('Hi, what can I get you?', 300)]]) } });
    const call = await h.answer({ CallSid: CALL_SID, From: FROM, To: TO });
    const session = await h.model.nextSession();
    await call.waitForAudio(250, 5000);
    await call.hangUp();
    const [record] = await h.mainApp.waitForCallRecords(1, 8000);
    expect(record!.body).toMatchObject({ outcome: 'abandoned', orderId: null, transcript: [{ role: 'agent', text: 'Hi, what can I get you?' }] });
    expect(record!.body).not.toHaveProperty('summary');
    await session.closed;
    expect(session.responses.some((r) => r.outOfBand)).toBe(false);
  });

  it('is delivered exactly once while the app fails for a while', async () => {
    h = await startHarness({ model: { responder: stepResponder([[say('Hi!', 200)]]) } });
    h.mainApp.failNextCallRecords(2, '503');
    const call = await h.answer({ CallSid: CALL_SID, From: FROM, To: TO });
    await call.waitForAudio(150, 5000);
    await call.hangUp();
    const records = await h.mainApp.waitForCallRecords(1, 15_000);
    expect(records).toHaveLength(1);
    const requests = h.mainApp.callRecordRequests();
    expect(requests.map((r) => r.status)).toEqual([503, 503, 201]);
    expect(new Set(requests.map((r) => r.idempotencyKey))).toEqual(new Set([`${CALL_SID}:record`]));
  });

  it('records a call refused at the webhook (unknown org) without opening a model session', async () => {
    h = await startHarness();
    const xml = await (await h.webhook('?orgId=org_nobody', { CallSid: CALL_SID, From: FROM, To: TO })).text();
    expect(xml).toContain('<Hangup/>');
    const [record] = await h.mainApp.waitForCallRecords(1, 5000);
    expect(record!.body).toMatchObject({ orgId: 'org_nobody', callSid: CALL_SID, outcome: 'refused', endReason: 'org-not-found', durationSeconds: 0, transcript: [], language: 'en' });
    expect(h.model.sessions).toHaveLength(0);
  });

  it('keeps nothing and says so once when the app does not take records (404)', async () => {
    h = await startHarness({ mainApp: { callRecordRoute: false }, model: { responder: stepResponder([[say('Hi!', 200)]]) } });
    for (const sid of [CALL_SID, CALL_SID.replace('0123', '4567')]) {
      const call = await h.answer({ CallSid: sid, From: FROM, To: TO });
      await call.waitForAudio(150, 5000);
      await call.hangUp();
      await waitForLog(h, (l) => l.msg === 'call record' && l.callSid === sid);
    }
    await waitForLog(h, (l) => /does not take call records/.test(String(l.msg)), 5000);
    await waitForCondition(() => h!.mainApp.callRecordRequests().length === 2, 5000, 'both records asked for');
    // The outbox lets a record go once the app's 404 is back: wait for both answers, then nothing may be kept.
    await waitForCondition(() => h!.runtime.submitter.pendingCount() + (h!.bridge.deps.records?.pendingCount() ?? 0) === 0, 5000, 'both records let go');
    expect(h.logs.filter((l) => /does not take call records/.test(String(l.msg)))).toHaveLength(1);
  });
});
