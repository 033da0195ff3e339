import { afterEach, describe, expect, it } from 'vitest';
import { contextText, textsOf } from '../../sim/realtime-context.js';
import { callTool, say } from '../../sim/realtime-server.js';
import { loadContractExample } from '../../sim/main-app.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { promptFor } from '../helpers/prompts.js';
import { outputs, stepResponder } from '../helpers/scripts.js';
import { waitForCondition, waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CALL_SID = 'CA00000000000000000000000000000001';
const ANA = '+15551230000';
const STRANGER = '+15557654321';
const TO = '+15005550006';
const luigis = () => structuredClone(loadContractExample('org-config.example.json')) as Record<string, unknown>;
const anaOnFile = () => ({ ...(structuredClone(loadContractExample('customer.example.json')) as Record<string, unknown>), deliveryAddress: { line1: '12 Elm Street' } });
const systemNotes = (h: Harness) => textsOf(h.model.sessions[0]!.responses[0]!.context, 'system').join('\n');

describe('returning callers', () => {
  it('asks the app while the phone rings: greeted by name, the last order added in one step, the stored address never given to the model', async () => {
    h = await startHarness({ model: { responder: stepResponder([[say('Hi Ana! The usual?', 300), callTool('add_last_order', {})], [say('Added.', 200)]]) } });
    h.mainApp.setCustomer(ANA, anaOnFile());
    const twiml = await (await h.webhook('?orgId=org_luigis', { CallSid: CALL_SID, From: ANA, To: TO })).text();
    await waitForCondition(() => h!.mainApp.customerRequests()[0]?.status === 200, 3000, 'the app answered who is calling');
    await h.stream(twiml, CALL_SID);
    const session = await h.model.nextSession();
    await session.waitUntil(() => session.functionOutputs.length === 1, 5000, 'add_last_order');
    expect(promptFor(session, 'greeting')).toMatch(/returning customer named "Ana".*addressing them by name/);
    expect(systemNotes(h)).toMatch(/known customer, Ana/);
    expect(systemNotes(h)).toMatch(/previous order \(pickup\): 2 × Margherita Pizza/);
    const [result] = outputs(session);
    expect(result).toMatchObject({ ok: true, not_added: [], order: { subtotal: '$41.50' } });
    expect(JSON.stringify(result)).toMatch(/Margherita Pizza.*Cola/);
    for (const response of session.responses) expect(contextText(response.context)).not.toContain('Elm Street');
    expect(h.mainApp.customerRequests()).toHaveLength(1);
  });

  it('never delays the greeting for a slow customer route: the caller is then unknown', async () => {
    h = await startHarness({ model: { responder: stepResponder([[say('Thanks for calling!', 300)]]) } });
    h.mainApp.setCustomerDelay(10_000);
    const call = await h.answer({ CallSid: CALL_SID, From: ANA, To: TO });
    const session = await h.model.nextSession();
    await call.waitForAudio(250, 5000);
    // The greeting came while the lookup was still running: the app had not answered and the bridge had not given up.
    expect(h.mainApp.customerRequests()).toEqual([expect.not.objectContaining({ status: expect.anything() })]);
    expect(h.logs.some((l) => l.msg === 'caller unknown to the app')).toBe(false);
    await waitForLog(h, (l) => l.msg === 'caller unknown to the app' && /timed out/.test(String(l.reason)), 5000);
    expect(promptFor(session, 'greeting')).not.toMatch(/returning customer/);
    expect(systemNotes(h)).not.toMatch(/known customer/);
  });
});

describe('opening hours', () => {
  it('a closed business: the model is told so, and an ASAP order is refused with a reason and never reaches the app', async () => {
    const closedAllWeek = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [['11:00', '12:00']] };
    h = await startHarness({ model: { responder: stepResponder([[callTool('add_item', { item: 'item_cola' }), callTool('submit_order', { customer_name: 'Ana', fulfillment_type: 'pickup', confirmed: true })], [say('Sorry, we are closed.', 300)]]) } });
    const now = new Date();
    const sunday = now.getUTCDay() === 0;
    h.mainApp.setOrg('org_luigis', { ...luigis(), timezone: 'UTC', hours: sunday ? { ...closedAllWeek, sun: [] } : closedAllWeek });
    await h.answer({ CallSid: CALL_SID, From: ANA, To: TO });
    const session = await h.model.nextSession();
    await session.waitUntil(() => session.functionOutputs.length === 2, 5000, 'both tool outputs');
    expect(systemNotes(h)).toMatch(/Right now: Closed/);
    expect(outputs(session)[1]).toMatchObject({ ok: false, message: expect.stringMatching(/closed now.*nothing was sent to the restaurant/) });
    expect(h.mainApp.submitRequests()).toEqual([]);
  });
});

describe('recording with consent', () => {
  const recordedLuigis = () => ({ ...luigis(), recording: { enabled: true } });

  it('says the consent line with the greeting, starts a dual-channel recording once it was heard, and puts the sid in the record', async () => {
    h = await startHarness({ twilioRest: true, model: { responder: stepResponder([[say('This call may be recorded. Hi, what can I get you?', 800)]]) } });
    h.mainApp.setOrg('org_luigis', recordedLuigis());
    const call = await h.answer({ CallSid: CALL_SID, From: STRANGER, To: TO });
    const session = await h.model.nextSession();
    const start = await h.twilioRest!.waitForRequest((r) => r.resource === 'recording', 8000);
    expect(promptFor(session, 'greeting')).toMatch(/^You just answered the phone\. First say this recording notice, word for word: "This call may be recorded\." Then say/);
    expect(start).toMatchObject({ callSid: CALL_SID, status: 201, params: { RecordingChannels: 'dual' } });
    const played = call.markEchoes.filter((m) => m.reason === 'played');
    expect(call.playedMs).toBeGreaterThanOrEqual(799);
    expect(start.at).toBeGreaterThanOrEqual(Math.max(...played.map((m) => m.reachedAt)));
    await call.hangUp();
    const [record] = await h.mainApp.waitForCallRecords(1, 8000);
    expect(record!.body.recording).toEqual({ sid: h.twilioRest!.call(CALL_SID)!.recordings[0]!.sid, channels: 2 });
  });

  it('does not record when the caller cut the consent line off', async () => {
    h = await startHarness({ twilioRest: true, model: { responder: stepResponder([[say('This call may be recorded. Hi, what can I get you?', 3000)], [say('Sure.', 300)]]) } });
    h.mainApp.setOrg('org_luigis', recordedLuigis());
    const call = await h.answer({ CallSid: CALL_SID, From: STRANGER, To: TO });
    const session = await h.model.nextSession();
    await call.waitForAudio(300, 5000);
    await call.say(700);
    await session.waitUntil(() => session.responses.length >= 2 && session.responses[1]!.status === 'completed', 8000, 'the answer');
    await waitForLog(h, (l) => l.msg === 'the consent line was not heard in full: the call is not recorded', 5000);
    await call.hangUp();
    const [record] = await h.mainApp.waitForCallRecords(1, 8000);
    expect(record!.body.recording).toBeNull();
    expect(h.twilioRest!.requests.filter((r) => r.resource === 'recording')).toEqual([]);
  });

  it('an org without recording: no consent line and no recording', async () => {
    h = await startHarness({ twilioRest: true, model: { responder: stepResponder([[say('Hi!', 300)]]) } });
    const call = await h.answer({ CallSid: CALL_SID, From: STRANGER, To: TO });
    const session = await h.model.nextSession();
    await call.waitFor(() => call.playedMs >= 299, 5000, 'the greeting played');
    expect(promptFor(session, 'greeting')).not.toMatch(/record/i);
    await call.hangUp();
    const [record] = await h.mainApp.waitForCallRecords(1, 8000);
    expect(record!.body.recording).toBeNull();
    expect(h.twilioRest!.requests.filter((r) => r.resource === 'recording')).toEqual([]);
  });
});

describe('languages', () => {
  const spanishLuigis = () => ({ ...luigis(), languages: ['es', 'en'], maxConcurrentCalls: 1 });

  it('the webhook answers busy in the org’s language, records the refusal, and hands the language to the stream', async () => {
    h = await startHarness({ model: { responder: stepResponder([[say('¡Hola!', 300)]]) } });
    h.mainApp.setOrg('org_luigis', spanishLuigis());
    const twiml = await (await h.webhook('?orgId=org_luigis', { CallSid: CALL_SID, From: ANA, To: TO })).text();
    expect(twiml).toContain('<Parameter name="language" value="es"/>');
    const call = await h.stream(twiml, CALL_SID);
    await call.waitForAudio(250, 5000);
    const second = 'CA00000000000000000000000000000002';
    const busy = await (await h.webhook('?orgId=org_luigis', { CallSid: second, From: ANA, To: TO })).text();
    expect(busy).toContain('<Say language="es-US">Lo sentimos, todas nuestras líneas están ocupadas');
    const [record] = await h.mainApp.waitForCallRecords(1, 5000);
    expect(record!.body).toMatchObject({ callSid: second, outcome: 'refused', endReason: 'org-cap', language: 'es' });
    const update = (await h.model.sessions[0]!.waitForReceived('session.update')) as unknown as { session: { instructions: string } };
    expect(update.session.instructions).toMatch(/Start in Spanish \(es\)\. Answer in the caller's language when it is one of Spanish \(es\) or English \(en\)/);
  });

  it('the apology when the model fails is spoken in the call’s language', async () => {
    h = await startHarness({ twilioRest: true, model: { responder: stepResponder([[say('¡Hola!', 300)]]) } });
    h.mainApp.setOrg('org_luigis', spanishLuigis());
    const call = await h.answer({ CallSid: CALL_SID, From: ANA, To: TO });
    const session = await h.model.nextSession();
    await call.waitForAudio(100, 5000);
    session.fail('invalid_api_key', { closeCode: 1000 });
    const req = await h.twilioRest!.waitForRequest((r) => r.params.Twiml !== undefined, 5000);
    expect(req.params.Twiml).toContain('<Say language="es-US">Lo siento, tenemos problemas con esta llamada.');
  });
});
