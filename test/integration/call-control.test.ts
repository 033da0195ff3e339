import { afterEach, describe, expect, it } from 'vitest';
import { callTool, say } from '../../sim/realtime-server.js';
import { ManualClock } from '../../src/clock.js';
import { promptFor } from '../helpers/prompts.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { stepResponder } from '../helpers/scripts.js';
import { modelCaughtUp, waitForCondition, waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const rest = (h: Harness) => h.twilioRest!;
const updatesFor = (h: Harness, callSid: string) => rest(h).requests.filter((r) => r.callSid === callSid && r.method === 'POST');

describe('ending and handing over', () => {
  it('end_call: hangs up over REST only after the goodbye has played', async () => {
    h = await startHarness({ twilioRest: true, model: { responder: stepResponder([[say('Goodbye, enjoy your pizza!', 1200), callTool('end_call', { reason: 'done' })]]) } });
    const call = await h.call();
    const hangUp = await rest(h).waitForRequest((r) => r.params.Status === 'completed', 8000);
    // Everything the bridge sent had been played when the hang-up arrived.
    expect(call.receivedMs).toBeGreaterThanOrEqual(1200);
    const lastPlayed = Math.max(...call.markEchoes.filter((m) => m.reason === 'played').map((m) => m.reachedAt));
    expect(hangUp.at).toBeGreaterThanOrEqual(lastPlayed);
    expect(call.markEchoes.filter((m) => m.reason === 'played')).toHaveLength(call.marksReceived.length);
    expect((await call.closed).by).not.toBe('caller');
    expect(await waitForLog(h, (l) => l.msg === 'call ended')).toMatchObject({ reason: 'agent-hung-up' });
    const session = h.model.sessions[0]!;
    await session.closed;
  });

  it('end_call without a goodbye in the same turn: asks for one, then hangs up', async () => {
    h = await startHarness({ twilioRest: true, model: { responder: stepResponder([[callTool('end_call', {})], [say('Bye now!', 400)]]) } });
    const call = await h.call();
    await rest(h).waitForRequest((r) => r.params.Status === 'completed', 8000);
    expect(call.playedMs).toBeGreaterThanOrEqual(399);
    const session = h.model.sessions[0]!;
    expect(promptFor(session, 'goodbye')).toMatch(/goodbye/i);
  });

  it('treats 21220 (the call is no longer in progress) as ended: no retry, no second REST call', async () => {
    h = await startHarness({ twilioRest: true, model: { responder: stepResponder([[say('Bye!', 300), callTool('end_call', {})]]) } });
    const call = await h.call({ callSid: 'CAgone' });
    rest(h).call('CAgone')!.status = 'completed';
    await rest(h).waitForRequest((r) => r.callSid === 'CAgone' && r.status === 400, 8000);
    expect(updatesFor(h, 'CAgone').map((r) => r.twilioCode)).toEqual([21220]);
    expect(await waitForLog(h, (l) => l.msg === 'call ended over REST')).toMatchObject({ result: 'already-ended' });
    expect(h.logs.some((l) => l.msg === 'ending the call over REST failed; closing the stream')).toBe(false);
    await call.waitForClose(3000);
    expect(updatesFor(h, 'CAgone')).toHaveLength(1);
  });

  it('never skips a transfer silently when Twilio does not know the live call (20404: account in another region)', async () => {
    h = await startHarness({ twilioRest: true, model: { responder: stepResponder([[say('Connecting you now.', 300), callTool('transfer_to_staff', {})]]) } });
    const call = await h.call({ callSid: 'CAdublin' });
    rest(h).attach(call, { region: 'ie1' });
    const closed = await call.waitForClose(8000);
    expect(closed.by).toBe('bridge');
    expect(updatesFor(h, 'CAdublin').map((r) => r.twilioCode)).toContain(20404);
    expect(await waitForLog(h, (l) => String(l.err ?? l.msg).includes('TWILIO_REGION'))).toBeDefined();
    expect(await waitForLog(h, (l) => l.msg === 'call ended')).toMatchObject({ reason: 'model-error' });
  });

  it('transfer_to_staff: the announcement plays, then the call is updated with <Dial> to the org number', async () => {
    h = await startHarness({ twilioRest: true, model: { responder: stepResponder([[say('Connecting you to our staff now.', 800), callTool('transfer_to_staff', { reason: 'asked for a person' })]]) } });
    const call = await h.call();
    const session = await h.model.nextSession();
    const update = (await session.waitForReceived('session.update')) as unknown as { session: { tools: Array<{ name: string }> } };
    expect(update.session.tools.map((t) => t.name)).toContain('transfer_to_staff');
    const req = await rest(h).waitForRequest((r) => r.params.Twiml !== undefined, 8000);
    expect(req.params.Twiml).toMatch(/<Dial[^>]*>\+15005550006<\/Dial>/);
    expect(call.playedMs).toBeGreaterThanOrEqual(799);
    expect(await waitForLog(h, (l) => l.msg === 'call ended')).toMatchObject({ reason: 'transferred' });
    await call.waitForClose(3000);
  });

  it('keypad 0 transfers too (after a short announcement)', async () => {
    h = await startHarness({ twilioRest: true, model: { responder: stepResponder([[say('Hi!', 200)], [say('Connecting you.', 400)]]) } });
    const call = await h.call();
    await call.waitFor(() => call.playedMs >= 199, 3000);
    call.pressDigit('0');
    const req = await rest(h).waitForRequest((r) => r.params.Twiml !== undefined, 8000);
    expect(req.params.Twiml).toContain('+15005550006');
    expect(promptFor(h.model.sessions[0]!, 'transfer')).toMatch(/connecting them/i);
  });

  it('passes other keypad presses to the model as text', async () => {
    h = await startHarness({ model: { responder: stepResponder([[say('Hi!', 200)], [say('You pressed five.', 300)]]) } });
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitFor(() => call.playedMs >= 199, 3000);
    call.pressDigit('5');
    const item = (await session.waitForReceived((e) => e.type === 'conversation.item.create' && (e.item as { role?: string }).role === 'user', 3000)) as unknown as {
      item: { content: Array<{ text: string }> };
    };
    expect(item.item.content[0]!.text).toContain('pressed 5');
    await session.waitUntil(() => session.responses.length === 2, 3000, 'a response to the key');
  });

  it('does not offer transfer when the org has no transfer number', async () => {
    const org = structuredClone((await import('../../sim/main-app.js')).loadContractExample('org-config.example.json')) as Record<string, unknown>;
    delete org.transferNumber;
    h = await startHarness({ twilioRest: true, mainApp: { orgs: { org_luigis: org } } });
    await h.call();
    const session = await h.model.nextSession();
    const update = (await session.waitForReceived('session.update')) as unknown as { session: { tools: Array<{ name: string }>; instructions: string } };
    expect(update.session.tools.map((t) => t.name)).not.toContain('transfer_to_staff');
    expect(update.session.instructions).not.toContain('transfer_to_staff');
  });

  it('answers a transfer_to_staff the call cannot do with a reason, and carries on', async () => {
    h = await startHarness({ model: { responder: stepResponder([[callTool('transfer_to_staff', {})], [say('Sorry, I cannot transfer you, but I can help.', 400)]]) } });
    const call = await h.call();
    const session = await h.model.nextSession();
    await session.waitUntil(() => session.functionOutputs.length === 1, 3000, 'the tool output');
    expect(JSON.parse(session.functionOutputs[0]!.output)).toMatchObject({ ok: false, error: 'not_available' });
    await session.waitUntil(() => session.responses.length === 2, 3000, 'a follow-up response');
    expect(call.isOpen).toBe(true);
  });

  it('never loses an order confirmed just before the hang-up', async () => {
    h = await startHarness({
      twilioRest: true,
      model: { responder: stepResponder([[callTool('add_item', { item: 'Cola' })], [callTool('submit_order', { customer_name: 'Ana', fulfillment_type: 'pickup', confirmed: true }), callTool('end_call', {})]]) },
    });
    h.mainApp.failNextSubmits(1, 'hang');
    await h.call();
    await rest(h).waitForRequest((r) => r.params.Status === 'completed', 15_000);
    await h.mainApp.waitForOrders(1, 15_000);
    expect(h.mainApp.orders()).toHaveLength(1);
  });
});

describe('time and silence', () => {
  async function manualCall(config: Record<string, string> = {}) {
    const clock = new ManualClock();
    h = await startHarness({ clock, config, model: { responder: stepResponder([[say('Hi, what can I get you?', 300)], [say('Are you still there?', 300)], [say('Still there?', 300)], [say('Goodbye!', 300)]]) } });
    const call = await h.call();
    const session = await h.model.nextSession();
    return { clock, call, session };
  }
  const callerTurns = (h: Harness) => h.logs.filter((l) => l.msg === 'waiting for the caller').length;

  it('reprompts after the configured silence, at most twice, then says goodbye and hangs up', async () => {
    const { clock, call, session } = await manualCall({ SILENCE_REPROMPT_SECONDS: '8', SILENCE_MAX_REPROMPTS: '2' });
    await waitForCondition(() => callerTurns(h!) === 1, 5000, 'greeting played');
    clock.advance(7_999);
    await modelCaughtUp(session);
    expect(session.responses).toHaveLength(1);
    clock.advance(1);
    await session.waitUntil(() => session.responses.length === 2, 3000, 'first reprompt');
    expect(promptFor(session, 'reprompt')).toMatch(/still there/i);
    await waitForCondition(() => callerTurns(h!) === 2, 5000, 'reprompt played');
    clock.advance(8_000);
    await session.waitUntil(() => session.responses.length === 3, 3000, 'second reprompt');
    await waitForCondition(() => callerTurns(h!) === 3, 5000, 'second reprompt played');
    clock.advance(8_000);
    await session.waitUntil(() => session.responses.length === 4, 3000, 'goodbye');
    expect(promptFor(session, 'wrap-up')).toMatch(/goodbye/i);
    expect((await call.waitForClose(5000)).by).toBe('bridge');
    expect(call.playedMs).toBeGreaterThanOrEqual(1199);
    expect(await waitForLog(h!, (l) => l.msg === 'call ended')).toMatchObject({ reason: 'silence' });
  });

  it('starts the silence count over when the caller speaks', async () => {
    const { clock, call, session } = await manualCall();
    await waitForCondition(() => callerTurns(h!) === 1, 5000, 'greeting played');
    clock.advance(5_000);
    await call.say(400);
    await session.waitForSent('input_audio_buffer.speech_started', 3000);
    clock.advance(5_000);
    await modelCaughtUp(session);
    expect(session.responses.filter((r) => r.trigger === 'client')).toHaveLength(1);
  });

  it('warns a minute before the maximum call length, then says goodbye and hangs up', async () => {
    const { clock, call, session } = await manualCall({ MAX_CALL_SECONDS: '600', WRAP_UP_WARNING_SECONDS: '60', SILENCE_REPROMPT_SECONDS: '600' });
    await waitForCondition(() => callerTurns(h!) === 1, 5000, 'greeting played');
    clock.advance(539_000);
    await modelCaughtUp(session);
    expect(session.responses).toHaveLength(1);
    clock.advance(1_000);
    await session.waitUntil(() => session.responses.length === 2, 3000, 'the warning');
    expect(promptFor(session, 'wrap-up-warning')).toMatch(/about a minute/i);
    await waitForCondition(() => callerTurns(h!) === 2, 5000, 'warning played');
    clock.advance(60_000);
    await session.waitUntil(() => session.responses.length === 3, 3000, 'the goodbye');
    expect(promptFor(session, 'wrap-up')).toMatch(/time limit/i);
    expect((await call.waitForClose(5000)).by).toBe('bridge');
    expect(await waitForLog(h!, (l) => l.msg === 'call ended')).toMatchObject({ reason: 'max-duration' });
  });
});
